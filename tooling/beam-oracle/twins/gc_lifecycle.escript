#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% gc_lifecycle.escript -- twin of @beamlab/scenarios' gc-lifecycle (issue 11, item 4: the four GC
%% scenarios every BEAM memory article draws), one process per scenario.
%%
%% HOW TO RUN: escript tooling/beam-oracle/twins/gc_lifecycle.escript leak|fix [key=value ...]
%%   prints the twin report (SCENARIO-API.md) plus `gc_events` as one JSON document on stdout.
%% PARAMETERS (defaults): iterations 40, garbage 100, kept 2, grown 100, fullsweep_after 10,
%%   min_heap_size 233 (spawn option of the four processes).
%% WORK: the driver (this script's process, role driver) spawns the four processes one after the
%%   other with spawn_opt(?MODULE, lifecycle, [Role, K, M, Keep], [monitor, {min_heap_size, _},
%%   {fullsweep_after, _}]) (all arguments immediates, built at run time: 8 words on the new heap).
%%   Each tags itself (put: 3 words), waits for the atom `go` (0 words), runs loop(K, M, Keep, [])
%%   and exits normally. loop/4 does K iterations; each builds M conses with build(M, []) and drops
%%   them (2M words of garbage), then prepends Keep conses to its accumulator with build(Keep, Acc)
%%   (2 Keep words that stay live until the process exits).
%%     no_gc            K 1, M 50, Keep 0: 100 words, under the minimum heap: no collection.
%%     minors           K iterations, M garbage, Keep kept, fullsweep_after 65535 (leak) / 0 (fix):
%%                      the first collection (a failed minor + a major), then minors.
%%     fullsweep_after  K iterations, M garbage, Keep kept, fullsweep_after = the parameter: minors
%%                      until fullsweep_after of them, then a major, then minors again.
%%     grow             K iterations, M garbage, Keep grown, fullsweep_after 65535 (leak) / 0 (fix):
%%                      live data grows; the majors free too little and the heap grows.
%%   The driver enables erlang:trace(Pid, true, [garbage_collection]) (itself the tracer) before
%%   sending `go`, waits for the 'DOWN' and erlang:trace_delivered/1, and keeps every
%%   {trace, Pid, Event, Info} message in order.
%% OUTPUT: the twin report (its final.processes no longer has the four: they exited) and
%%   `gc_events`: [{role, pid, spawn_opts, events: [{event, info: {wordsize, the 11
%%   garbage_collection_info items}}]}] in the order above.
%% DETERMINISM: the events are the same on every run (no real time is involved in them); pids differ.
%% FREE CHOICES: the workload shape (build/2 loops of immediates) is this twin's; `fix` = what
%%   beamlab's scenario calls the fix (fullsweep_after 0 for minors and grow).
-module(beamlab_twin_gc_lifecycle).
-mode(compile).
-export([main/1, lifecycle/4]).

load_report() ->
    Dir = filename:dirname(escript:script_name()),
    {ok, twin_report, Bin} = compile:file(filename:join(Dir, "twin_report.erl"), [binary, report]),
    {module, twin_report} = code:load_binary(twin_report, "twin_report.erl", Bin).

main(Args) ->
    load_report(),
    {Mode, Params} = twin_report:args(Args, [{iterations, 40}, {garbage, 100}, {kept, 2}, {grown, 100},
        {fullsweep_after, 10}, {min_heap_size, 233}]),
    P = fun(K) -> proplists:get_value(K, Params) end,
    State = twin_report:start(100),
    twin_report:role(driver),
    Default = case Mode of leak -> 65535; fix -> 0 end,
    Specs = [{no_gc, 1, 50, 0, 65535},
             {minors, P(iterations), P(garbage), P(kept), Default},
             {fullsweep_after, P(iterations), P(garbage), P(kept), P(fullsweep_after)},
             {grow, P(iterations), P(garbage), P(grown), Default}],
    Events = [trace_one(Spec, P(min_heap_size)) || Spec <- Specs],
    Report = twin_report:finish(#{state => State, scenario => <<"gc-lifecycle">>, mode => Mode, params => Params}),
    io:put_chars([twin_report:to_json(Report#{gc_events => Events}), "\n"]).

trace_one({Role, K, M, Keep, Fsa}, MinHeap) ->
    Opts = [{min_heap_size, MinHeap}, {fullsweep_after, Fsa}],
    {Pid, Ref} = spawn_opt(?MODULE, lifecycle, [Role, K, M, Keep], [monitor | Opts]),
    1 = erlang:trace(Pid, true, [garbage_collection]),
    Pid ! go,
    receive {'DOWN', Ref, process, Pid, normal} -> ok end,
    TRef = erlang:trace_delivered(Pid),
    receive {trace_delivered, Pid, TRef} -> ok end,
    #{role => Role, pid => list_to_binary(pid_to_list(Pid)), spawn_opts => maps:from_list(Opts),
      events => collect(Pid, [])}.

collect(Pid, Acc) ->
    receive
        {trace, Pid, Event, Info} ->
            collect(Pid, [#{event => Event, info => maps:from_list(Info)} | Acc])
    after 0 -> lists:reverse(Acc)
    end.

lifecycle(Role, K, M, Keep) ->
    twin_report:role(Role),
    receive go -> ok end,
    _ = loop(K, M, Keep, []),
    ok.

loop(0, _M, _Keep, Acc) -> Acc;
loop(K, M, Keep, Acc) ->
    _ = build(M, []),
    loop(K - 1, M, Keep, build(Keep, Acc)).

build(0, Acc) -> Acc;
build(N, Acc) -> build(N - 1, [N | Acc]).
