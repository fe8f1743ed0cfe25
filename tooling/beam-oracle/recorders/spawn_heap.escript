#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% spawn_heap.escript -- beamlab BEAM oracle: what `spawn(fun() -> … end)` leaves on the child's
%% heap (the routers scenario's consumers, routers and producers start this way)
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/spawn_heap.escript tooling/beam-oracle/fixtures
%% writes <dir>/spawn_heap.json in well under a second. Needs Erlang/OTP 25, one scheduler.
%%
%% WHAT IT RECORDS
%%   For funs with 0, 1, 2 and 3 free variables (pids, immediates: no boxed data of their own),
%%   `fun() -> w(V1, …, Vk) end` where w waits in a receive: erts_debug:size(F) (the fun's
%%   words), and the heap_size (young heap words in use, garbage_collection_info) of the child
%%   of spawn(F) once it waits in its first receive — before it has built anything itself;
%%   and the same with `put(Key, Atom)` first (twin_report:role/1's 3-word {Key, Atom} tuple).
%%   Finding (erts 13.1.5): heap_size = size(F) + 2, with put + 3 more.
%%   Also the spawning process's reductions per element of the routers twin's three spawning
%%   comprehensions, [spawn(fun() -> … end) || _ <- L] (no free variables),
%%   [spawn(fun() -> … {M, C} … end) || C <- L] and [spawn_monitor(fun() -> … end) || X <- L]
%%   (three free variables): (reductions for 20 elements − for 10) / 10, lists built beforehand,
%%   heaps big enough for no collection. Finding: 5 each.
%%
%% DETERMINISM: repeated runs give identical files (checked).
-module(beamlab_spawn_heap_recorder).
-mode(compile).
-export([main/1]).

w() -> receive stop -> ok end.
w(_) -> receive stop -> ok end.
w(_, _) -> receive stop -> ok end.
w(_, _, _) -> receive stop -> ok end.

heap_of(F) ->
    P = spawn(F),
    wait(P, 1000),
    {garbage_collection_info, I} = process_info(P, garbage_collection_info),
    P ! stop,
    proplists:get_value(heap_size, I).

wait(_P, 0) -> ok;
wait(P, K) ->
    case process_info(P, [status, message_queue_len]) of
        [{status, waiting}, {message_queue_len, 0}] -> ok;
        _ -> receive after 1 -> wait(P, K - 1) end
    end.

%% Reductions of the calling process for one comprehension over a list of N.
lc_reductions(Shape, N) ->
    Me = self(),
    P = spawn_opt(fun() ->
                      L = lists:seq(1, N), Mode = binary_to_atom(<<"fix">>), R0 = element(2, process_info(self(), reductions)),
                      Ps = case Shape of
                               spawn0 -> [spawn(fun() -> w() end) || _ <- L];
                               spawn2 -> [spawn(fun() -> w(Mode, C) end) || C <- L];
                               spawn_monitor3 -> [spawn_monitor(fun() -> w(Me, Mode, Y) end) || Y <- L]
                           end,
                      R1 = element(2, process_info(self(), reductions)),
                      [case Q of {Pid, _} -> Pid ! stop; Pid -> Pid ! stop end || Q <- Ps],
                      Me ! {self(), R1 - R0}
                  end, [{min_heap_size, 10000}]),
    receive {P, Reds} -> Reds end.

per_element(Shape) -> (lc_reductions(Shape, 20) - lc_reductions(Shape, 10)) / 10.

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    A = self(), B = spawn(fun w/0), C = spawn(fun w/0),
    Funs = [{0, fun() -> w() end, fun() -> put('$beamlab_role', consumer), w() end},
            {1, fun() -> w(A) end, fun() -> put('$beamlab_role', consumer), w(A) end},
            {2, fun() -> w(A, B) end, fun() -> put('$beamlab_role', router), w(A, B) end},
            {3, fun() -> w(A, B, C) end, fun() -> put('$beamlab_role', producer), w(A, B, C) end}],
    %% warm up: the first spawn of a module's fun may load code on the caller's heap
    _ = heap_of(fun() -> w() end),
    Rows = [io_lib:format("  {\"free_variables\": ~p, \"fun_words\": ~p, \"child_heap_size\": ~p, \"child_heap_size_after_put\": ~p}",
                          [K, erts_debug:size(F), heap_of(F), heap_of(G)]) || {K, F, G} <- Funs],
    B ! stop, C ! stop,
    _ = per_element(spawn0),
    Reds = [io_lib:format("\"~s\": ~p", [S, per_element(S)]) || S <- [spawn0, spawn2, spawn_monitor3]],
    Doc = ["{\n\"recorder\": \"spawn_heap.escript\", \"otp_release\": \"", erlang:system_info(otp_release),
           "\", \"erts_version\": \"", erlang:system_info(version), "\", \"wordsize\": ", integer_to_list(erlang:system_info(wordsize)),
           ",\n\"spawns\": [\n", lists:join(",\n", Rows), "\n],\n\"reductions_per_element\": {", lists:join(", ", Reds), "}\n}\n"],
    Path = filename:join(OutDir, "spawn_heap.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript spawn_heap.escript OUTPUT_DIR~n", []),
    halt(1).
