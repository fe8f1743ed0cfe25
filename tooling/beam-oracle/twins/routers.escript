#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% routers.escript -- twin of @beamlab/scenarios' routers (issue 11, story 5: many connections).
%%
%% HOW TO RUN: escript tooling/beam-oracle/twins/routers.escript leak|fix [key=value ...]
%%   prints the twin report (SCENARIO-API.md) as one JSON document on stdout.
%% PARAMETERS (defaults): routers 1000, messages 200, binary_bytes 1024.
%% WORK: for each of `routers` connections, the driver (role driver: a fresh process main/1
%%   spawns for the workload, drive/5 — its heap and first slice are a new process's, not what
%%   compiling this script and loading twin_report left in main's) spawns a consumer (role
%%   consumer: keeps {Count, Bytes} of the {data, B} it receives), a router (role router: forwards every {data, B} to its consumer; waits in receive ... after
%%   100; leak loops back into the receive on the timeout, fix calls erlang:hibernate on it) and a
%%   producer (role producer: sends its router `messages` binaries
%%   binary:copy(<<I:8>>, binary_bytes), I = 1..messages, and stops). All consumers first, then all
%%   routers, then all producers. The driver monitors the producers; the report is taken 1000 ms
%%   after the last one is done.
%% FREE CHOICES: I:8 truncates I to a byte (as the issue's expression does); spawn order above.
%% BEAMLAB_TRACE=driver: the report also has `driver_gc`, the driver's gc trace
%%   (recorders/routers_driver_gc.record.mjs); it does not move the driver's slices.
%% RATE: the report's `work` = {connections, busy_us, reductions}, measured after the report on
%%   min(routers, 100) fresh connections doing the same work: the rate (busy_us / reductions) of
%%   the model's work clock — the routers' `after 100` is real time, and while the producers run
%%   for longer than that, routers time out mid-run.
-module(beamlab_twin_routers).
-mode(compile).
-export([main/1, router_wake/2]).

load_report() ->
    Dir = filename:dirname(escript:script_name()),
    {ok, twin_report, Bin} = compile:file(filename:join(Dir, "twin_report.erl"), [binary, report]),
    {module, twin_report} = code:load_binary(twin_report, "twin_report.erl", Bin).

main(Args) ->
    load_report(),
    {Mode, Params} = twin_report:args(Args, [{routers, 1000}, {messages, 200}, {binary_bytes, 1024}]),
    P = fun(K) -> proplists:get_value(K, Params) end,
    State = twin_report:start(100),
    N = P(routers),
    Msgs = P(messages),
    Bytes = P(binary_bytes),
    Main = self(),
    Driver = spawn(fun() -> drive(Main, Mode, N, Msgs, Bytes) end),
    Tracer = trace_driver(os:getenv("BEAMLAB_TRACE"), Driver),
    receive {Driver, done} -> ok end,
    DriverGc = driver_gc(Tracer),
    Report = twin_report:finish(#{state => State, scenario => <<"routers">>, mode => Mode, params => Params}),
    Work = work_rate(Mode, min(N, 100), Msgs, Bytes),
    io:put_chars([twin_report:to_json(maps:merge(Report#{work => Work}, DriverGc)), "\n"]).

%% BEAMLAB_TRACE=driver: the driver's gc trace (erlang:trace(Driver, true, [garbage_collection]))
%% goes to a tracer that is suspended until the workload is done (it never runs in between, and
%% the driver, spawned first, keeps the untraced run's pid); the report gets `driver_gc`, each
%% event's tag and sizes. A gc trace does not move the driver's slices (the consumers come out
%% as in an untraced run; a running or procs trace does move them).
trace_driver("driver", Driver) ->
    Tracer = spawn(fun() -> receive collect -> ok end, collect_trace([]) end),
    erlang:suspend_process(Tracer),
    erlang:trace(Driver, true, [garbage_collection, {tracer, Tracer}]),
    Tracer;
trace_driver(_, _) -> none.

driver_gc(none) -> #{};
driver_gc(Tracer) ->
    erlang:resume_process(Tracer),
    Tracer ! collect,
    Tracer ! {events, self()},
    receive {Tracer, Events} -> exit(Tracer, kill), #{driver_gc => Events} end.

collect_trace(Acc) ->
    receive
        {trace, _, Tag, Info} -> collect_trace([gc_event(Tag, Info) | Acc]);
        {events, From} -> From ! {self(), lists:reverse(Acc)}
    end.

gc_event(Tag, Info) ->
    maps:from_list([{tag, Tag} | [{K, proplists:get_value(K, Info)} || K <- [heap_size, heap_block_size, old_heap_size, old_heap_block_size, mbuf_size, stack_size, recent_size]]]).

%% The workload, in a fresh process (role driver): its heap and its first slice are a new
%% process's, not what the escript's start-up (compiling this script, loading twin_report,
%% parsing the arguments) left in main's — where the driver's slices end decides which
%% producers run before the routers' timers fire.
drive(Main, Mode, N, Msgs, Bytes) ->
    twin_report:role(driver),
    Consumers = [spawn(fun() -> twin_report:role(consumer), consumer({0, 0}) end) || _ <- lists:seq(1, N)],
    Routers = [spawn(fun() -> twin_report:role(router), router(Mode, C) end) || C <- Consumers],
    Producers = [spawn_monitor(fun() -> twin_report:role(producer), produce(R, Msgs, Bytes) end) || R <- Routers],
    [receive {'DOWN', Ref, process, Pid, _} -> ok end || {Pid, Ref} <- Producers],
    timer:sleep(1000),
    Main ! {self(), done},
    receive stop -> ok end.

%% The model's work clock rate, measured after the report (the workload's driver must not run
%% a single extra reduction: its slice boundaries decide which producers run before the
%% routers' timers fire): the same work again on `N` fresh connections, wall time over the
%% reductions the node counted, from the first spawn to the last producer's 'DOWN'.
work_rate(Mode, N, Msgs, Bytes) ->
    _ = statistics(reductions),
    T0 = erlang:monotonic_time(microsecond),
    Cs = [spawn(fun() -> consumer({0, 0}) end) || _ <- lists:seq(1, N)],
    Rs = [spawn(fun() -> router(Mode, C) end) || C <- Cs],
    Ps = [spawn_monitor(fun() -> produce(R, Msgs, Bytes) end) || R <- Rs],
    [receive {'DOWN', Ref, process, Pid, _} -> ok end || {Pid, Ref} <- Ps],
    Us = erlang:monotonic_time(microsecond) - T0,
    {_, Reds} = statistics(reductions),
    [exit(P, kill) || P <- Cs ++ Rs],
    #{connections => N, busy_us => Us, reductions => Reds}.

produce(Router, Msgs, Bytes) ->
    [Router ! {data, binary:copy(<<I:8>>, Bytes)} || I <- lists:seq(1, Msgs)],
    ok.

consumer({Count, Size}) ->
    receive {data, B} -> consumer({Count + 1, Size + byte_size(B)}) end.

router(Mode, Consumer) ->
    receive
        {data, _} = M -> Consumer ! M, router(Mode, Consumer)
    after 100 ->
        case Mode of
            leak -> router(Mode, Consumer);
            fix -> erlang:hibernate(?MODULE, router_wake, [Mode, Consumer])
        end
    end.

router_wake(Mode, Consumer) -> router(Mode, Consumer).
