#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% hamt_put_limit.escript -- beamlab BEAM oracle: where put_map_assoc (`M#{K => V}`) stops
%% placing words on the heap, next to test_heap's limit in the same frame
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/hamt_put_limit.escript tooling/beam-oracle/fixtures
%% writes <dir>/hamt_put_limit.json in about a second.
%%
%% WHAT IT RECORDS
%%   A fresh process (spawn/3, default heap: 233 words; its argument list [K] is 2 words on its
%%   heap) waits for `start`, then, in one function with a 2-slot frame (erlc: allocate 2; the
%%   caller's continuation makes the stack 3 words):
%%     X = erlang:make_tuple(K, 0)           (K + 1 words)
%%   and one of
%%     hamt:    M2 = (Lit40)#{41 => 1}       put_map_assoc on a literal 40-key HAMT: HAlloc of
%%                                           the inserted path, no heap test
%%     flatmap: M2 = (Lit10)#{11 => 1}       put_map_assoc on a literal 10-key flatmap: a heap
%%                                           test (HeapWordsLeft) for the 11-key flatmap
%%     tuple:   T = {X, X, ..., X}           24 elements: test_heap 25
%%   and waits for `go` (X and M2/T live). For K = 190..210: the process's heap_size, mbuf_size
%%   and stack_size while it waits (process_info from outside: no collection), and every
%%   collection of the run (gc-traced from `start` on: tag, heap_size, mbuf_size, stack_size).
%%   The process is killed after the read. The model's twin:
%%   packages/scheduler/test/hamt-put-limit.twin.test.ts.
%%
%% DETERMINISM: one scheduler; fresh processes; repeated runs give identical files.
-module(beamlab_hamt_put_limit_recorder).
-mode(compile).
-export([main/1, hamt/1, flatmap/1, tuple/1]).

-define(CASES, [hamt, flatmap, tuple]).
-define(KS, lists:seq(190, 210)).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    _ = [one(C, 1) || C <- ?CASES], % warm-up: this module's code loaded
    Runs = [[<<"{">>, kv(<<"case">>, atom_to_binary(C)), <<", \"rows\": [\n">>,
             join([one(C, K) || K <- ?KS], <<",\n">>), <<"\n]}">>] || C <- ?CASES],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"hamt_put_limit.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           <<"\"runs\": [\n">>, join(Runs, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "hamt_put_limit.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript hamt_put_limit.escript OUTPUT_DIR~n", []),
    halt(1).

lit40() ->
    #{1 => 1, 2 => 2, 3 => 3, 4 => 4, 5 => 5, 6 => 6, 7 => 7, 8 => 8, 9 => 9, 10 => 10,
      11 => 11, 12 => 12, 13 => 13, 14 => 14, 15 => 15, 16 => 16, 17 => 17, 18 => 18, 19 => 19, 20 => 20,
      21 => 21, 22 => 22, 23 => 23, 24 => 24, 25 => 25, 26 => 26, 27 => 27, 28 => 28, 29 => 29, 30 => 30,
      31 => 31, 32 => 32, 33 => 33, 34 => 34, 35 => 35, 36 => 36, 37 => 37, 38 => 38, 39 => 39, 40 => 40}.

lit10() -> #{1 => 1, 2 => 2, 3 => 3, 4 => 4, 5 => 5, 6 => 6, 7 => 7, 8 => 8, 9 => 9, 10 => 10}.

hamt(K) ->
    receive start -> ok end,
    X = erlang:make_tuple(K, 0),
    M2 = (lit40())#{41 => 1},
    receive go -> ok end,
    {X, M2}.

flatmap(K) ->
    receive start -> ok end,
    X = erlang:make_tuple(K, 0),
    M2 = (lit10())#{11 => 1},
    receive go -> ok end,
    {X, M2}.

tuple(K) ->
    receive start -> ok end,
    X = erlang:make_tuple(K, 0),
    T = {X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X},
    receive go -> ok end,
    {X, T}.

one(C, K) ->
    P = spawn(?MODULE, C, [K]),
    wait_waiting(P),
    erlang:trace(P, true, [garbage_collection]),
    P ! start,
    wait_waiting(P),
    [{garbage_collection_info, G}] = process_info(P, [garbage_collection_info]),
    erlang:trace(P, false, [garbage_collection]),
    Gcs = gcs(P),
    exit(P, kill),
    [<<"{">>, kv(<<"k">>, K), <<", ">>,
     join([kv(atom_to_binary(I), proplists:get_value(I, G)) || I <- [heap_size, mbuf_size, stack_size]], <<", ">>),
     <<", \"gcs\": [">>, join(Gcs, <<", ">>), <<"]}">>].

gcs(P) ->
    receive
        {trace, P, Tag, Info} ->
            [[<<"{">>, kv(<<"tag">>, atom_to_binary(Tag)), <<", ">>,
              join([kv(atom_to_binary(I), proplists:get_value(I, Info)) || I <- [heap_size, mbuf_size, stack_size]], <<", ">>),
              <<"}">>] | gcs(P)]
    after 0 -> []
    end.

wait_waiting(P) ->
    case process_info(P, status) of
        {status, waiting} -> ok;
        _ -> receive after 1 -> wait_waiting(P) end
    end.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
