#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% exit_signal_fetch.escript -- beamlab BEAM oracle: when a trapped {'EXIT', Pid, normal} joins
%% the receiver's heap fragments — at the receive that takes it, not at a receive that takes
%% another message queued with it
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/exit_signal_fetch.escript tooling/beam-oracle/fixtures
%% writes <dir>/exit_signal_fetch.json in well under a second.
%%
%% WHAT IT RECORDS
%%   A process S (trap_exit, min_heap_size 233, gc-traced with the recorder as tracer) spawns
%%   and links children that wait for `go` and then return (exit normal). While S waits in a
%%   receive, the recorder makes its children exit and/or sends it {m, lists:seq(1, Len)}; then
%%   S takes the queued messages one receive at a time, each followed by erlang:garbage_collect().
%%   For each of those explicit collections: mbuf_size at gc_major_start (the fragments the
%%   receives so far left) and heap_size at gc_major_end (S keeps nothing live: anything there is
%%   a message still queued that the collection moved onto the heap). Cases:
%%     m_then_exit_small  {m, [1]} sent (fits S's heap), then the child exits; S takes m, then the EXIT
%%     m_then_exit_big    {m, lists:seq(1, 300)} (603 words: does not fit, a fragment), then the exit
%%     exit_then_m_big    the child exits first; S takes m first (skipping the queued EXIT), then the EXIT
%%     two_exits          two children exit one after the other; S takes one EXIT, then the other
%%   Order: the recorder sends `go` to the child(ren) before it sends m (m_then_exit: the child is
%%   runnable before S, so it exits after m is queued and before S runs; exit_then_m: the recorder
%%   waits for the child's exit — a monitor — before it sends m).
%%   The model (packages/scheduler, test/exit-signal-fetch.twin.test.ts) runs the same cases.
%%
%% DETERMINISM: one scheduler; fresh processes; repeated runs give identical files.
-module(beamlab_exit_signal_fetch_recorder).
-mode(compile).
-export([main/1, s/2]).

-define(CASES, [m_then_exit_small, m_then_exit_big, exit_then_m_big, two_exits]).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    _ = [run(C) || C <- ?CASES], % warm-up: this module's code paths loaded
    Runs = [run(C) || C <- ?CASES],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"exit_signal_fetch.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           kv(<<"min_heap_size">>, 233), <<",\n">>,
           <<"\"runs\": [\n">>, join(Runs, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "exit_signal_fetch.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript exit_signal_fetch.escript OUTPUT_DIR~n", []),
    halt(1).

children(two_exits) -> 2;
children(_) -> 1.

len(m_then_exit_small) -> 1;
len(_) -> 300.

%% The words of {m, lists:seq(1, Len)} (0: no m is sent).
m_words(two_exits) -> 0;
m_words(Case) -> 3 + 2 * len(Case).

%% S: the receives in the case's order, each followed by an explicit collection.
s(Parent, Case) ->
    process_flag(trap_exit, true),
    Cs = [spawn_link(fun() -> receive go -> ok end end) || _ <- lists:seq(1, children(Case))],
    Parent ! {children, self(), Cs},
    receive start -> ok end,
    case Case of
        two_exits ->
            receive {'EXIT', _, _} -> ok end,
            erlang:garbage_collect(),
            receive {'EXIT', _, _} -> ok end,
            erlang:garbage_collect();
        _ ->
            receive {m, _} -> ok end,
            erlang:garbage_collect(),
            receive {'EXIT', _, _} -> ok end,
            erlang:garbage_collect()
    end,
    Parent ! {done, self()},
    receive stop -> ok end.

run(Case) ->
    Self = self(),
    S = spawn_opt(?MODULE, s, [Self, Case], [{min_heap_size, 233}]),
    Cs = receive {children, S, X} -> X end,
    S ! start,
    erlang:yield(),
    erlang:trace(S, true, [garbage_collection]),
    M = {m, lists:seq(1, len(Case))},
    case Case of
        exit_then_m_big ->
            [C] = Cs,
            R = monitor(process, C),
            C ! go,
            receive {'DOWN', R, process, C, _} -> ok end,
            S ! M;
        two_exits ->
            [C ! go || C <- Cs];
        _ ->
            [C] = Cs,
            C ! go,
            S ! M
    end,
    receive {done, S} -> ok end,
    erlang:trace(S, false, [garbage_collection]),
    Evs = collect(S, []),
    Ref = monitor(process, S),
    S ! stop,
    receive {'DOWN', Ref, process, S, _} -> ok end,
    Starts = [I || {gc_major_start, I} <- Evs],
    Ends = [I || {gc_major_end, I} <- Evs],
    Gcs = [[<<"{">>, kv(<<"mbuf_size">>, g(mbuf_size, A)), <<", ">>, kv(<<"heap_after">>, g(heap_size, B)), <<"}">>]
           || {A, B} <- lists:zip(Starts, Ends)],
    [<<"{">>, kv(<<"case">>, atom_to_binary(Case)), <<", ">>, kv(<<"m_words">>, m_words(Case)),
     <<", \"collections\": [">>, join(Gcs, <<", ">>), <<"]}">>].

g(K, I) -> proplists:get_value(K, I).

collect(P, Acc) ->
    receive {trace, P, T, I} -> collect(P, [{T, I} | Acc])
    after 20 -> lists:reverse(Acc)
    end.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
