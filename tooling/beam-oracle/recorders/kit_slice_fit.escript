#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% kit_slice_fit.escript -- beamlab BEAM oracle: how many calls of a tail loop fit into one slice,
%% with and without a message scanned in that slice (issue 12: where the workload kit's loops
%% are switched out)
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/kit_slice_fit.escript tooling/beam-oracle/fixtures
%% writes <dir>/kit_slice_fit.json in about a second. Needs Erlang/OTP 25, one scheduler.
%%
%% WHAT IT RECORDS
%%   Three bodies around loop(K) (loop(0) -> ok; loop(K) -> loop(K - 1)), spawned, traced with
%%   `running`, then sent `go`:
%%     go_loop:    receive go -> ok end, loop(K), receive stop -> ok end
%%     queued_go:  loop(K), receive stop -> ok end   (`go` waits in the queue, scanned there)
%%     no_message: loop(K), receive stop -> ok end   (no `go` sent: nothing to scan)
%%   For each, "fits": the largest K whose run from its slice's start to its wait for `stop` is
%%   one slice (one `out` in the running trace: the wait; a preemption adds one, wherever it
%%   falls — in loop/1 or at its return), found by bisection over 1..5000.
%%
%%   "spawned": the reductions of a process spawned with spawn/3 once it waits for `stop`:
%%   wait_only() (receive stop only) and no_message(K) for K = 0, 10, 100.
%%
%% DETERMINISM: reductions do not depend on time (each run is given 20 ms, far more than it
%%   needs); repeated runs give identical files.
-module(beamlab_kit_slice_fit_recorder).
-mode(compile).
-export([main/1, go_loop/1, queued_go/1, no_message/1, wait_only/0]).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    _ = outs(go_loop, 1), % loads this module's code before anything is measured
    Records = [record(B) || B <- [go_loop, queued_go, no_message]],
    Spawned = [spawned(Body, K) || {Body, K} <- [{wait_only, none}, {no_message, 0}, {no_message, 10}, {no_message, 100}]],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"kit_slice_fit.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           <<"\"bodies\": [\n">>, join(Records, <<",\n">>), <<"\n],\n">>,
           <<"\"spawned\": [\n">>, join(Spawned, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "kit_slice_fit.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript kit_slice_fit.escript OUTPUT_DIR~n", []),
    halt(1).

go_loop(K) -> receive go -> ok end, loop(K), receive stop -> ok end.
queued_go(K) -> loop(K), receive stop -> ok end.
no_message(K) -> loop(K), receive stop -> ok end.
wait_only() -> receive stop -> ok end.

%% The reductions of a process spawned with spawn/3 once it waits for `stop` (nothing sent):
%% its first call, the bodies' calls and returns, and the receive's fetch of its empty queue.
spawned(Body, K) ->
    P = case K of
            none -> spawn(?MODULE, Body, []);
            _ -> spawn(?MODULE, Body, [K])
        end,
    timer:sleep(10),
    {reductions, R} = process_info(P, reductions),
    exit(P, kill),
    [<<"{">>, kv(<<"body">>, atom_to_binary(Body)), <<", ">>,
     case K of none -> []; _ -> [kv(<<"k">>, K), <<", ">>] end,
     kv(<<"reductions">>, R), <<"}">>].

loop(0) -> ok;
loop(K) -> loop(K - 1).

record(Body) ->
    Fits = bisect(Body, 1, 5000),
    [<<"{">>, kv(<<"body">>, atom_to_binary(Body)), <<", ">>, kv(<<"fits">>, Fits), <<"}">>].

%% the largest K in [Lo, Hi) with one `out`
bisect(_Body, Lo, Hi) when Hi - Lo =< 1 -> Lo;
bisect(Body, Lo, Hi) ->
    M = (Lo + Hi) div 2,
    case outs(Body, M) of
        1 -> bisect(Body, M, Hi);
        _ -> bisect(Body, Lo, M)
    end.

outs(Body, K) ->
    P = spawn(?MODULE, Body, [K]),
    erlang:trace(P, true, [running, {tracer, self()}]),
    case Body of
        no_message -> ok;
        _ -> P ! go
    end,
    %% the loop takes well under a millisecond; nothing signals P while it runs or waits
    %% (a process_info from here would schedule it in and out again)
    timer:sleep(20),
    Ref = erlang:trace_delivered(P),
    receive {trace_delivered, P, Ref} -> ok end,
    Outs = count_outs(P, 0),
    exit(P, kill),
    Outs.

count_outs(P, N) ->
    receive
        {trace, P, out, _} -> count_outs(P, N + 1);
        {trace, P, _, _} -> count_outs(P, N)
    after 0 -> N
    end.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
