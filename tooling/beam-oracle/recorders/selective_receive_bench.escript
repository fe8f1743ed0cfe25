#!/usr/bin/env escript
%% -*- erlang -*-
%%
%% selective_receive_bench.escript -- the BEAM side of beamlab's selective-receive benchmark.
%%
%% Usage: escript selective_receive_bench.escript [Junk] [Rounds]   (defaults 10000, 2000)
%% A process gets Junk messages that never match ({junk, I}) and keeps them queued; then, Rounds
%% times, it is sent {go, I} and takes it with `receive {go, I} -> ok end`, which scans past all
%% Junk queued messages every time (no receive-marker optimisation applies: the pattern has no
%% fresh reference). Prints one JSON line with the best of 5 runs of the Rounds loop:
%%   {"junk": J, "rounds": R, "us": T, "us_per_receive": T/R}
%% Run it with `erl +S 1`-like settings through ERL_FLAGS if you want one scheduler; the
%% benchmark is single-process, so schedulers do not matter. Timings vary between machines.
-module(beamlab_selective_receive_bench).
-mode(compile).
-export([main/1]).

main(Args) ->
    {Junk, Rounds} = case Args of
                         [J, R] -> {list_to_integer(J), list_to_integer(R)};
                         [J] -> {list_to_integer(J), 2000};
                         [] -> {10000, 2000}
                     end,
    Best = lists:min([run(Junk, Rounds) || _ <- lists:seq(1, 5)]),
    io:format("{\"junk\": ~b, \"rounds\": ~b, \"us\": ~b, \"us_per_receive\": ~.3f}~n",
              [Junk, Rounds, Best, Best / Rounds]).

run(Junk, Rounds) ->
    Self = self(),
    P = spawn(fun() -> receiver(Self, Rounds) end),
    [P ! {junk, I} || I <- lists:seq(1, Junk)],
    P ! start,
    receive {time, T} -> T end.

receiver(Parent, Rounds) ->
    receive start -> ok end,
    T0 = erlang:monotonic_time(microsecond),
    loop(1, Rounds),
    T1 = erlang:monotonic_time(microsecond),
    Parent ! {time, T1 - T0}.

loop(I, Rounds) when I > Rounds -> ok;
loop(I, Rounds) ->
    self() ! {go, I},
    receive {go, I} -> ok end,
    loop(I + 1, Rounds).
