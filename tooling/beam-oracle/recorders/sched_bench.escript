#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1 +P 2000000
%%
%% sched_bench.escript -- beamlab BEAM oracle benchmark: spawning idle processes and a ring
%%
%% What it measures (on ONE scheduler: the emulator flags above are +S 1 +P 2000000)
%%   spawn: spawn N processes that block at once in `receive stop -> ok end`, and wait until
%%          the last one is blocked (a final process answers after all of them ran once:
%%          with one scheduler, run-queue order makes it run last). Reports the wall time
%%          (microseconds, monotonic clock) and the growth of erlang:memory(processes) per
%%          process (bytes), then kills them.
%%   ring:  R processes in a ring; a token (the integer count of hops left, an immediate) is
%%          passed H hops (each hop decrements it; the process that receives 0 reports);
%%          reports the wall time and hops (messages) per second.
%% Prints ONE JSON line on stdout:
%%   {"spawn_n": N, "spawn_us": T, "spawn_bytes_per_process": B,
%%    "ring_size": R, "ring_hops": H, "ring_us": T2, "ring_msgs_per_sec": M}
%%
%% How to run (from the repo root)
%%   escript tooling/beam-oracle/recorders/sched_bench.escript                 # 1000000 10000 1000000
%%   escript tooling/beam-oracle/recorders/sched_bench.escript N RING HOPS
%%
%% Determinism
%%   Only the counts are deterministic; times and the memory delta depend on the machine and
%%   the allocators' state. Not a fixture.
-module(beamlab_sched_bench).
-mode(compile).

-export([main/1]).

main([]) -> run(1000000, 10000, 1000000);
main([N, R, H]) -> run(list_to_integer(N), list_to_integer(R), list_to_integer(H));
main(_) ->
    io:format(standard_error, "usage: escript sched_bench.escript [N RING HOPS]~n", []),
    halt(1).

run(N, R, H) ->
    {SpawnUs, Bytes} = spawn_bench(N),
    RingUs = ring_bench(R, H),
    io:format("{\"spawn_n\": ~b, \"spawn_us\": ~b, \"spawn_bytes_per_process\": ~b, "
              "\"ring_size\": ~b, \"ring_hops\": ~b, \"ring_us\": ~b, \"ring_msgs_per_sec\": ~b}~n",
              [N, SpawnUs, Bytes, R, H, RingUs, round(H / (RingUs / 1000000))]).

idle() -> receive stop -> ok end.

spawn_bench(N) ->
    erlang:garbage_collect(),
    M0 = erlang:memory(processes),
    T0 = erlang:monotonic_time(microsecond),
    Pids = spawn_many(N, []),
    Self = self(),
    spawn(fun() -> Self ! all_ran end),
    receive all_ran -> ok end,
    T1 = erlang:monotonic_time(microsecond),
    M1 = erlang:memory(processes),
    [exit(P, kill) || P <- Pids],
    {T1 - T0, round((M1 - M0) / N)}.

spawn_many(0, Acc) -> Acc;
spawn_many(I, Acc) -> spawn_many(I - 1, [spawn(fun idle/0) | Acc]).

ring_bench(R, H) ->
    Self = self(),
    First = spawn(fun() -> receive {next, Next} -> ring_node(Self, Next) end end),
    Last = lists:foldl(fun(_, Next) -> spawn(fun() -> ring_node(Self, Next) end) end,
                       First, lists:seq(2, R)),
    First ! {next, Last},
    T0 = erlang:monotonic_time(microsecond),
    Last ! H,
    receive ring_done -> ok end,
    T1 = erlang:monotonic_time(microsecond),
    [exit(P, kill) || P <- processes(), P =/= Self, is_ring(P)],
    T1 - T0.

is_ring(P) ->
    case process_info(P, current_function) of
        {current_function, {?MODULE, ring_node, 2}} -> true;
        _ -> false
    end.

%% Each hop decrements the token; the process that receives 0 reports.
ring_node(Parent, Next) ->
    receive
        0 -> Parent ! ring_done, ring_node(Parent, Next);
        K -> Next ! K - 1, ring_node(Parent, Next)
    end.
