#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% otp_bench.escript -- beamlab BEAM oracle benchmark: gen_server:call round trips
%%
%% What it measures (on ONE scheduler: +S 1): a gen_server (this module) whose handle_call
%% replies `ok` with the state unchanged; the escript's process makes N gen_server:call(S, ping)
%% one after another (the request is an atom: no data is copied) and reports the wall time.
%% Prints ONE JSON line on stdout:
%%   {"calls": N, "us": T, "calls_per_sec": C}
%%
%% How to run (from the repo root)
%%   escript tooling/beam-oracle/recorders/otp_bench.escript            # N = 1000000
%%   escript tooling/beam-oracle/recorders/otp_bench.escript N
%%
%% Determinism: only the count is; the time depends on the machine. Not a fixture.
-module(beamlab_otp_bench).
-mode(compile).
-behaviour(gen_server).

-export([main/1, init/1, handle_call/3, handle_cast/2]).

main([]) -> run(1000000);
main([N]) -> run(list_to_integer(N));
main(_) ->
    io:format(standard_error, "usage: escript otp_bench.escript [N]~n", []),
    halt(1).

init(S) -> {ok, S}.
handle_call(ping, _From, S) -> {reply, ok, S}.
handle_cast(_, S) -> {noreply, S}.

run(N) ->
    {ok, S} = gen_server:start_link(?MODULE, 0, []),
    ok = gen_server:call(S, ping),
    T0 = erlang:monotonic_time(microsecond),
    loop(S, N),
    T1 = erlang:monotonic_time(microsecond),
    Us = max(1, T1 - T0),
    io:format("{\"calls\": ~b, \"us\": ~b, \"calls_per_sec\": ~b}~n", [N, Us, round(N / (Us / 1000000))]).

loop(_S, 0) -> ok;
loop(S, K) -> ok = gen_server:call(S, ping), loop(S, K - 1).
