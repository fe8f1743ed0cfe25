#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% receive_clause_gc.escript -- beamlab BEAM oracle: a receive whose clause tests the heap
%% between its match and remove_message (F_DELAY_GC), swept over the free heap
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/receive_clause_gc.escript tooling/beam-oracle/fixtures
%% writes <dir>/receive_clause_gc.json in about a second.
%%
%% WHAT IT RECORDS
%%   For each message length Len (1, 10) and padding Pad = 190..218: a process P
%%   (spawn_opt(?MODULE, p, [Recorder, Pad], [{min_heap_size, 233}])) calls
%%   ignore(erlang:make_tuple(Pad, 0)) (Pad + 1 words of garbage), sends {waiting, self()} and
%%   waits in wait/1 (`allocate 2`: 3 stack words) in
%%       receive {m, X} -> R = {reply, X, fix}, Parent ! {done, self()}, receive stop -> R end end
%%   whose clause is `test_heap 7` (both tuples) between the match and remove_message. The
%%   recorder reads P's garbage_collection_info (heap_size: `before`), sends {m, lists:seq(1, Len)}
%%   (5 or 23 words: on P's heap while it fits, else a fragment), waits for {done, P} and reads
%%   heap_size, heap_block_size, mbuf_size, old_heap_size, old_heap_block_size (`after`).
%%   The model (packages/scheduler, test/receive-clause-gc.twin.test.ts) runs the same.
%%
%% DETERMINISM: one scheduler; fresh processes; repeated runs give identical files.
-module(beamlab_receive_clause_gc_recorder).
-mode(compile).
-export([main/1, p/2, ignore/1]).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Runs = [run(Len, Pad) || Len <- [1, 10], Pad <- lists:seq(190, 218)],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"receive_clause_gc.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           <<"\"runs\": [\n">>, join(Runs, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "receive_clause_gc.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript receive_clause_gc.escript OUTPUT_DIR~n", []),
    halt(1).

run(Len, Pad) ->
    Me = self(),
    P = spawn_opt(?MODULE, p, [Me, Pad], [{min_heap_size, 233}]),
    receive {waiting, P} -> ok end,
    Before = g(heap_size, info(P)),
    P ! {m, lists:seq(1, Len)},
    receive {done, P} -> ok end,
    I = info(P),
    Ref = monitor(process, P),
    P ! stop,
    receive {'DOWN', Ref, process, P, _} -> ok end,
    [<<"{">>, kv(<<"len">>, Len), <<", ">>, kv(<<"pad">>, Pad), <<", ">>, kv(<<"before">>, Before),
     <<", \"after\": [">>, join([integer_to_binary(g(K, I)) || K <- [heap_size, heap_block_size, mbuf_size, old_heap_size, old_heap_block_size]], <<", ">>),
     <<"]}">>].

info(P) ->
    {garbage_collection_info, I} = process_info(P, garbage_collection_info),
    I.

g(K, I) -> proplists:get_value(K, I).

p(Parent, Pad) ->
    ignore(erlang:make_tuple(Pad, 0)),
    Parent ! {waiting, self()},
    wait(Parent).

ignore(_) -> ok.

wait(Parent) ->
    receive {m, X} -> R = {reply, X, fix}, Parent ! {done, self()}, receive stop -> R end end.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
