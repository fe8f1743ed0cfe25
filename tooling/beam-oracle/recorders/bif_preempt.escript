#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% bif_preempt.escript -- beamlab BEAM oracle: what a preemption right before a BIF called
%% through its export costs (the routers scenario's driver is preempted at erlang:spawn/3 and
%% erlang:spawn_opt/4, the BIFs its spawn/1 and spawn_monitor/1 tail-call)
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/bif_preempt.escript tooling/beam-oracle/fixtures
%% writes <dir>/bif_preempt.json in well under a second. Needs Erlang/OTP 25, one scheduler.
%%
%% WHAT IT RECORDS
%%   A fresh process (min_heap_size 10000: no collection) runs loop(N) as its first code:
%%   `loop(N) -> _ = erlang:phash2(N), _ = erlang:monotonic_time(), loop(N - 1)` (3 reductions
%%   per iteration: the call of loop/1 and the calls of the two BIFs through their exports),
%%   then reads its reductions and sends them (`reductions`). Its running trace gives where it
%%   was preempted (`outs`: each `out` event's function). Also `plain`: the same with
%%   `loop2(N) -> _ = erlang:monotonic_time(), loop2(N - 1)` (2 per iteration).
%%   For N = 100 (no preemption), 1500 ... 1510, 2700 and 10000.
%%   Finding (erts 13.1.5): reductions = 3 N + C + the number of outs at erlang:phash2/1: a
%%   process preempted at a BIF's export (the call's reduction left none) is charged that call
%%   again when it is scheduled back in; outs at loop/1 cost nothing extra. Once preempted at
%%   phash2 it is preempted there every slice (4,000 − 1 per slice of 3-reduction iterations).
%%
%% DETERMINISM: repeated runs give identical files (checked).
-module(beamlab_bif_preempt_recorder).
-mode(compile).
-export([main/1, loop/1, loop2/1]).

loop(0) -> ok;
loop(N) -> _ = erlang:phash2(N), _ = erlang:monotonic_time(), loop(N - 1).

loop2(0) -> ok;
loop2(N) -> _ = erlang:monotonic_time(), loop2(N - 1).

run(F, N) ->
    Parent = self(),
    Tr = spawn(fun() -> receive go -> ok end, collect([]) end),
    erlang:suspend_process(Tr),
    P = spawn_opt(fun() -> ?MODULE:F(N), {reductions, R} = process_info(self(), reductions), Parent ! {self(), R} end,
                  [{min_heap_size, 10000}]),
    erlang:trace(P, true, [running, {tracer, Tr}]),
    Reds = receive {P, R} -> R end,
    erlang:resume_process(Tr),
    Tr ! go,
    Tr ! {done, self()},
    Outs = receive {Tr, E} -> E end,
    Names = [io_lib:format("\"~s:~s/~p\"", [M, Fn, A]) || {M, Fn, A} <- Outs],
    io_lib:format("  {\"loop\": \"~s\", \"iterations\": ~p, \"reductions\": ~p, \"outs\": [~s]}", [F, N, Reds, lists:join(", ", Names)]).

collect(Acc) ->
    receive
        {done, From} -> From ! {self(), lists:reverse(Acc)};
        {trace, _, out, MFA} -> collect([MFA | Acc]);
        {trace, _, _, _} -> collect(Acc)
    end.

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    _ = run(loop, 10), _ = run(loop2, 10), % warm up: the first run loads code on the caller's heap
    Rows = [run(loop, N) || N <- [100] ++ lists:seq(1500, 1510) ++ [2700, 10000]] ++ [run(loop2, N) || N <- [100, 2500, 10000]],
    Doc = ["{\n\"recorder\": \"bif_preempt.escript\", \"otp_release\": \"", erlang:system_info(otp_release),
           "\", \"erts_version\": \"", erlang:system_info(version), "\", \"wordsize\": ", integer_to_list(erlang:system_info(wordsize)),
           ",\n\"runs\": [\n", lists:join(",\n", Rows), "\n]\n}\n"],
    Path = filename:join(OutDir, "bif_preempt.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript bif_preempt.escript OUTPUT_DIR~n", []),
    halt(1).
