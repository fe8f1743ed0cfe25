#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% down_signals.escript -- beamlab BEAM oracle: what a process pays for the 'DOWN' signals
%% pending when it is scheduled in (the routers scenario's driver gets one per producer)
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/down_signals.escript tooling/beam-oracle/fixtures
%% writes <dir>/down_signals.json in well under a second. Needs Erlang/OTP 25, one scheduler.
%%
%% WHAT IT RECORDS
%%   A process W (min_heap_size 10000: no collection) spawn_monitors K children that wait for
%%   `go`, then waits for `start`. The recorder sends `go` to the children and then `start` to
%%   W: the children run first and exit (reason normal), so W is scheduled in with K 'DOWN'
%%   signals pending and a message to run for. W reads its reductions before the receive and
%%   right after it (`reductions`: what its schedule-in and the receive cost), then calls
%%   erlang:garbage_collect(); its gc trace's heap_size before that collection is `heap_words`.
%%   For K = 0, 1, 2, 10, 20, 40, 44, 45, 46, 50, 80, 160.
%%   Finding (erts 13.1.5): the reductions grow by 2.25 per signal up to K = 45 and stay there
%%   (107); the heap grows by 26 words per K (17 of W's own: the spawn_monitor comprehension,
%%   and the 9-word 'DOWN' message built on the heap) up to K = 45, then by 17: at schedule-in a
%%   process with work to do handles its signals up to CONTEXT_REDS / 40 = 100 reductions'
%%   worth (ERTS_SIG_HANDLE_REDS_MAX_PREFERED), 9 units of 1/4 reduction per 'DOWN' — the 45th
%%   brings the count to 405 ≥ 400 — the rest wait for the receive.
%%
%% DETERMINISM: repeated runs give identical files (checked).
-module(beamlab_down_signals_recorder).
-mode(compile).
-export([main/1]).

run(K) ->
    Parent = self(),
    W = spawn_opt(fun() ->
                          Cs = [begin {C, _} = spawn_monitor(fun() -> receive go -> ok end end), C end || _ <- lists:seq(1, K)],
                          Parent ! {self(), Cs},
                          R0 = element(2, process_info(self(), reductions)),
                          receive start -> ok end,
                          R1 = element(2, process_info(self(), reductions)),
                          erlang:garbage_collect(),
                          Parent ! {self(), R1 - R0},
                          receive never -> ok end
                  end, [{min_heap_size, 10000}]),
    Cs = receive {W, L} -> L end,
    erlang:trace(W, true, [garbage_collection]),
    [C ! go || C <- Cs],
    W ! start,
    Reds = receive {W, R} -> R end,
    Heap = receive {trace, W, gc_major_start, I} -> proplists:get_value(heap_size, I) end,
    flush(),
    exit(W, kill),
    io_lib:format("  {\"downs\": ~p, \"reductions\": ~p, \"heap_words\": ~p}", [K, Reds, Heap]).

flush() -> receive {trace, _, _, _} -> flush() after 50 -> ok end.

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    _ = run(1), % warm up: the first run loads code on the caller's heap
    Rows = [run(K) || K <- [0, 1, 2, 10, 20, 40, 44, 45, 46, 50, 80, 160]],
    Doc = ["{\n\"recorder\": \"down_signals.escript\", \"otp_release\": \"", erlang:system_info(otp_release),
           "\", \"erts_version\": \"", erlang:system_info(version), "\", \"wordsize\": ", integer_to_list(erlang:system_info(wordsize)),
           ",\n\"runs\": [\n", lists:join(",\n", Rows), "\n]\n}\n"],
    Path = filename:join(OutDir, "down_signals.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript down_signals.escript OUTPUT_DIR~n", []),
    halt(1).
