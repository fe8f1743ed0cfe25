#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% kit_elixir_blocks.escript -- beamlab BEAM oracle: GC traces of workloads built from the Elixir
%% 1.14 functions agent-vs-task's process(i) uses (:binary.bin_to_list/1, List.duplicate/2,
%% List.flatten/1, Enum.take/2 on a list) and of that pipeline itself, the Elixir part of the
%% workload kit's fixture (issue 12; kit_blocks.escript has the Erlang blocks)
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/kit_elixir_blocks.escript tooling/beam-oracle/fixtures
%% writes <dir>/kit_elixir_blocks.json in about a second. Needs Erlang/OTP 25, one scheduler, and
%% Elixir 1.14 (`elixir` on PATH: its ebin directory is put on the code path, so the Elixir
%% modules run exactly as an Elixir program calls them — call_ext 'Elixir.List':duplicate/2 …).
%%
%% WHAT IT RECORDS: as kit_blocks.escript (same record format) — for each workload W with its
%%   size N and repetitions K a traced process spawn(?MODULE, run, [W, K, N]) calls the block K
%%   times dropping each result; every GC event in order, and process_info once it waits for stop.
%%   `pipeline` is agent-vs-task's process(i, kb) (twins/agent_vs_task.exs) written in Erlang:
%%   erlc makes the same code of it as Elixir does (allocate 1 keeping kb, the same call_ext
%%   sequence; compare `erlc -S` with beam_disasm of the twin's module).
%%
%% DETERMINISM: one scheduler, no timers in the workloads; repeated runs give identical files.
-module(beamlab_kit_elixir_blocks_recorder).
-mode(compile).
-export([main/1, run/3]).

-define(ITEMS, [heap_size, heap_block_size, old_heap_size, old_heap_block_size, mbuf_size,
                stack_size, recent_size]).
-define(WORKLOADS, [{bin_to_list, 300, 100}, {list_duplicate, 8, 2000}, {list_flatten, 8, 1000},
                    {enum_take, 8, 2000}, {pipeline, 4, 48}]).

run(W, K, N) ->
    receive go -> ok end,
    ok = block(W, K, N),
    receive stop -> ok end.

block(bin_to_list, K, N) -> btl(K, list_to_binary(lists:duplicate(N, $a)), []);
block(list_duplicate, K, N) -> ldup(K, N);
block(list_flatten, K, N) -> lflat(K, [[I, [I]] || I <- lists:seq(1, N)]);
block(enum_take, K, N) -> take(K, lists:seq(1, N), N div 2);
block(pipeline, K, Kb) -> pipeline(K, Kb, []).

btl(0, _, _) -> ok;
btl(K, B, _) -> btl(K - 1, B, binary:bin_to_list(B)).
ldup(0, _) -> ok;
ldup(K, N) -> _ = 'Elixir.List':duplicate(x, N), ldup(K - 1, N).
lflat(0, _) -> ok;
lflat(K, L) -> _ = 'Elixir.List':flatten(L), lflat(K - 1, L).
take(0, _, _) -> ok;
take(K, L, N) -> _ = 'Elixir.Enum':take(L, N), take(K - 1, L, N).
pipeline(0, _, _) -> ok;
pipeline(K, Kb, _) -> pipeline(K - 1, Kb, process(K, Kb)).

%% BeamlabTwin.Work.process/2 of twins/agent_vs_task.exs.
process(I, Kb) ->
    L8 = binary:bin_to_list(binary:copy(<<(I rem 256)>>, 8)),
    Dup = 'Elixir.List':duplicate(L8, Kb * 1024 div 128),
    Flat = 'Elixir.List':flatten(Dup),
    'Elixir.Enum':take(Flat, Kb * 1024 div 16).

main([OutDir]) ->
    Ebin = string:trim(os:cmd("elixir -e 'IO.write(:code.lib_dir(:elixir, :ebin))'")),
    true = code:add_patha(Ebin),
    {module, _} = code:ensure_loaded('Elixir.List'),
    {module, _} = code:ensure_loaded('Elixir.Enum'),
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Records = [record(W, K, N) || {W, K, N} <- ?WORKLOADS],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"kit_elixir_blocks.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           <<"\"workloads\": [\n">>, join(Records, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "kit_elixir_blocks.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript kit_elixir_blocks.escript OUTPUT_DIR~n", []),
    halt(1).

record(W, K, N) ->
    Self = self(),
    Tracer = spawn(fun() -> tracer([]) end),
    %% high priority: the recorder's wait_waiting polls (process_info signals, which cost the
    %% target reductions when they land while it works) cannot run before P waits
    P = spawn_opt(?MODULE, run, [W, K, N], [{priority, high}]),
    erlang:trace(P, true, [garbage_collection, {tracer, Tracer}]),
    P ! go,
    wait_waiting(P, 1000),
    [{reductions, Reds}, {heap_size, Hs}, {total_heap_size, Ths}] =
        process_info(P, [reductions, heap_size, total_heap_size]),
    erlang:trace(P, false, [garbage_collection]),
    Tracer ! {get, Self},
    Evs = receive {events, E} -> E end,
    P ! stop,
    [<<"{">>, kv(<<"workload">>, atom_to_binary(W)), <<", ">>, kv(<<"k">>, K), <<", ">>, kv(<<"n">>, N),
     <<", \"final\": {">>, kv(<<"reductions">>, Reds), <<", ">>, kv(<<"heap_size">>, Hs), <<", ">>,
     kv(<<"total_heap_size">>, Ths), <<"},\n \"events\": [\n">>,
     join([event(T, I) || {trace, Pid, T, I} <- Evs, Pid =:= P], <<",\n">>), <<"\n]}">>].


%% Waits until P is in `receive stop` (status waiting, after its `go` was taken).
wait_waiting(_P, 0) -> error(timeout);
wait_waiting(P, Left) ->
    case process_info(P, [status, message_queue_len, current_function]) of
        [{status, waiting}, {message_queue_len, 0}, {current_function, {?MODULE, run, 3}}] -> ok;
        _ -> receive after 1 -> wait_waiting(P, Left - 1) end
    end.

tracer(Acc) ->
    receive
        {get, To} -> To ! {events, lists:reverse(Acc)};
        {trace, _, _, _} = T -> tracer([T | Acc])
    end.

event(Tag, Info) ->
    [<<"{">>, kv(<<"tag">>, atom_to_binary(Tag)), <<", ">>,
     join([kv(atom_to_binary(K), proplists:get_value(K, Info)) || K <- ?ITEMS], <<", ">>), <<"}">>].

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
