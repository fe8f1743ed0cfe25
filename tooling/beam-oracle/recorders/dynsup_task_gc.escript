#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% dynsup_task_gc.escript -- beamlab BEAM oracle: every collection of an Elixir DynamicSupervisor
%% while 100 temporary Task children are started under it one after another, each computing a
%% small job and exiting (the supervisor's start_child path for a Task and its
%% handle_info({:EXIT, Pid, :normal}) path for a temporary child)
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/dynsup_task_gc.escript tooling/beam-oracle/fixtures
%% writes <dir>/dynsup_task_gc.json in about a second. Needs Erlang/OTP 25 and Elixir 1.14 (its
%% ebin: ELIXIR_EBIN, else /usr/lib/elixir/lib/elixir/ebin).
%%
%% WHAT IT RECORDS
%%   After a warm-up run with one child (every module the workload calls gets loaded: loading
%%   allocates on the caller's heap), a fresh 'Elixir.DynamicSupervisor':start_link([{strategy,
%%   one_for_one}]) is traced, once idle, with erlang:trace(Sup, true, [garbage_collection]) (the
%%   tracer is this process, the listener: no process is spawned, the pid numbers stay those of
%%   an untraced run) and 100 children are started with
%%   'Elixir.DynamicSupervisor':start_child(Sup, {'Elixir.Task', Fun}) — Task.child_spec/1:
%%   restart temporary; Task.start_link/1 → Task.Supervised.start_link/3 → proc_lib:spawn_link/3
%%   — where Fun = fun() -> Listener ! {done, length(build(100, []))} end. After each child the
%%   listener waits for its {done, 100}, for the supervisor to be idle (process_info status) and
%%   reads process_info(Sup, memory) (as sup_gc.escript does; the curve is `memory`), then puts
%%   a marker {child, I} in its own mailbox, so each event is attributed to the child it
%%   happened in (`child`: the first I whose marker comes after it). Every gc_minor_start/end
%%   and gc_major_start/end of the supervisor is recorded with heap_size, heap_block_size,
%%   old_heap_size, old_heap_block_size, mbuf_size, stack_size and recent_size. `sup_pid` and
%%   `child_pids`: <0.N.0> numbers (a twin spawns at them: the children map is keyed by pids).
%%   A running trace (erlang:trace running) is NOT used: its in/out trace messages add heap
%%   fragments to the traced process and move its collections (checked on this workload).
%%
%% DETERMINISM: one scheduler; the events and pid numbers are the same in every run of one
%%   OTP/Elixir release. Repeated runs give identical files.
-module(beamlab_dynsup_task_gc_recorder).
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
    {SupPid, Kids, Curve, Events} = run(?CHILDREN, true),
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"dynsup_task_gc.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"elixir_version">>, 'Elixir.System':version()), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           kv(<<"children">>, ?CHILDREN), <<", ">>, kv(<<"list_length">>, 100), <<", ">>, kv(<<"sup_pid">>, SupPid), <<",\n">>,
           <<"\"child_pids\": [">>, join([integer_to_binary(K) || K <- Kids], <<", ">>), <<"],\n">>,
           <<"\"memory\": [">>, join([integer_to_binary(M) || M <- Curve], <<", ">>), <<"],\n">>,
           <<"\"events\": [\n">>, join(Events, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "dynsup_task_gc.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript dynsup_task_gc.escript OUTPUT_DIR~n", []),
    halt(1).

build(0, Acc) -> Acc;
build(K, Acc) -> build(K - 1, [K | Acc]).

run(N, Trace) ->
    Listener = self(),
    {ok, Sup} = 'Elixir.DynamicSupervisor':start_link([{strategy, one_for_one}]),
    wait_idle(Sup, 100),
    Trace andalso erlang:trace(Sup, true, [garbage_collection]),
    Steps = [begin
                 {ok, C} = 'Elixir.DynamicSupervisor':start_child(Sup, {'Elixir.Task',
                     fun() -> Listener ! {done, length(build(100, []))} end}),
                 receive {done, 100} -> ok end,
                 wait_idle(Sup, 100),
                 {memory, M} = process_info(Sup, memory),
                 self() ! {child, I},
                 {pid_number(C), M}
             end || I <- lists:seq(1, N)],
    Trace andalso erlang:trace(Sup, false, [garbage_collection]),
    Events = collect(Sup, 1, []),
    unlink(Sup),
    exit(Sup, shutdown),
    receive {'EXIT', Sup, _} -> ok after 100 -> ok end,
    flush_exits(),
    {pid_number(Sup), [K || {K, _} <- Steps], [M || {_, M} <- Steps], Events}.

flush_exits() ->
    receive {'EXIT', _, _} -> flush_exits() after 10 -> ok end.
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
    case process_info(P, status) of
        {status, waiting} -> ok;
        _ -> receive after 1 -> wait_idle(P, K - 1) end
    end.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
