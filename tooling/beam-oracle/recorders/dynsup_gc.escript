#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% dynsup_gc.escript -- beamlab BEAM oracle: every collection of an Elixir DynamicSupervisor
%% while 100 Agents are started under it, in order (the GC trace dynsup_memory's figures follow)
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/dynsup_gc.escript tooling/beam-oracle/fixtures
%% writes <dir>/dynsup_gc.json in about a second. Needs Erlang/OTP 25 and Elixir 1.14 (its ebin:
%% ELIXIR_EBIN, else /usr/lib/elixir/lib/elixir/ebin).
%%
%% WHAT IT RECORDS
%%   After a warm-up run with one child (every module the workload calls gets loaded: loading
%%   allocates on the caller's heap), a fresh 'Elixir.DynamicSupervisor':start_link([{strategy,
%%   one_for_one}]) is traced with erlang:trace(Sup, true, [garbage_collection]) — the tracer is
%%   this process, so no process is spawned and the pid numbers stay those of an untraced run —
%%   and 100 children are started one after another as in dynsup_memory.escript
%%   (`{Agent, fn -> I end}`: the map spec #{id => Agent, start => {Agent, start_link, [Fun]}}).
%%   After each start_child returns, a marker {child, I} is put in this process's mailbox, so
%%   each event is attributed to the start_child call it happened in (`child`: the first I whose
%%   marker comes after it). Every gc_minor_start/end and gc_major_start/end of the supervisor
%%   is recorded with heap_size, heap_block_size, old_heap_size, old_heap_block_size, mbuf_size,
%%   stack_size and recent_size. `sup_pid`: the supervisor's <0.N.0> (a twin spawns with it: the
%%   children map, a HAMT past 32 children, is laid out by the pids' hashes).
%%   Tracing perturbs: each gc trace message whose info does not fit adds heap-fragment words
%%   (the twin's Scheduler.traceGc models it), so these collections are the traced run's.
%%
%% DETERMINISM: one scheduler; the events and pid numbers are the same in every run of one
%%   OTP/Elixir release. Repeated runs give identical files.
-module(beamlab_dynsup_gc_recorder).
-mode(compile).
-export([main/1]).

-define(CHILDREN, 100).
-define(ITEMS, [heap_size, heap_block_size, old_heap_size, old_heap_block_size, mbuf_size, stack_size, recent_size]).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Ebin = case os:getenv("ELIXIR_EBIN") of false -> "/usr/lib/elixir/lib/elixir/ebin"; E -> E end,
    true = code:add_patha(Ebin),
    process_flag(trap_exit, true),
    _ = run(1, false),
    {SupPid, Events} = run(?CHILDREN, true),
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"dynsup_gc.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"elixir_version">>, 'Elixir.System':version()), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           kv(<<"children">>, ?CHILDREN), <<", ">>, kv(<<"sup_pid">>, SupPid), <<",\n">>,
           <<"\"events\": [\n">>, join(Events, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "dynsup_gc.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript dynsup_gc.escript OUTPUT_DIR~n", []),
    halt(1).

run(N, Trace) ->
    {ok, Sup} = 'Elixir.DynamicSupervisor':start_link([{strategy, one_for_one}]),
    wait_idle(Sup, 100),
    Trace andalso erlang:trace(Sup, true, [garbage_collection]),
    lists:foreach(
      fun(I) ->
              {ok, _} = 'Elixir.DynamicSupervisor':start_child(Sup, #{id => 'Elixir.Agent',
                  start => {'Elixir.Agent', start_link, [fun() -> I end]}}),
              self() ! {child, I}
      end, lists:seq(1, N)),
    wait_idle(Sup, 100),
    Trace andalso erlang:trace(Sup, false, [garbage_collection]),
    Events = collect(Sup, 1, []),
    unlink(Sup),
    exit(Sup, shutdown),
    receive {'EXIT', Sup, _} -> ok after 100 -> ok end,
    {pid_number(Sup), Events}.

%% the supervisor's gc trace messages and the markers, in mailbox order
collect(Sup, I, Acc) ->
    receive
        {trace, Sup, Tag, Info} when Tag =:= gc_minor_start; Tag =:= gc_minor_end;
                                     Tag =:= gc_major_start; Tag =:= gc_major_end ->
            Row = [<<"{">>, kv(<<"tag">>, atom_to_binary(Tag)), <<", ">>, kv(<<"child">>, I), <<", ">>,
                   join([kv(atom_to_binary(K), proplists:get_value(K, Info)) || K <- ?ITEMS], <<", ">>), <<"}">>],
            collect(Sup, I, [Row | Acc]);
        {child, J} -> collect(Sup, J + 1, Acc)
    after 0 -> lists:reverse(Acc)
    end.

pid_number(P) ->
    [_, N, _] = string:lexemes(pid_to_list(P), "<.>"),
    list_to_integer(N).

wait_idle(_P, 0) -> ok;
wait_idle(P, K) ->
    case process_info(P, [status, message_queue_len]) of
        [{status, waiting}, {message_queue_len, 0}] -> ok;
        _ -> receive after 1 -> wait_idle(P, K - 1) end
    end.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
