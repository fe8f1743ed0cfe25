#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% l2b_traps.escript -- beamlab BEAM oracle: GC and scheduling traces of a loop of
%% list_to_binary/1 calls on iolists big enough to trap (issue 11: gen-server-work's work(N)
%% ends with list_to_binary of N strings, which on OTP 25 counts and copies the iolist in
%% reduction-sized chunks, trapping to erts_internal:list_to_binary_continue/1 with its state in a
%% magic binary and the process's GC disabled until it is done).
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/l2b_traps.escript tooling/beam-oracle/fixtures
%% writes <dir>/l2b_traps.json in about a second. Needs Erlang/OTP 25, one scheduler.
%%
%% WHAT IT RECORDS
%%   For each workload {Name, N, K}: a process spawn(?MODULE, run, [N, K, Recorder]) that waits for `go`,
%%   builds Io = lists:duplicate(N, "1234") (N cells, each holding the same 4-cell literal
%%   string: 5N + 1 iolist items, 4N bytes, the shape of work(N)'s iolist), calls
%%   `_ = list_to_binary(Io)` K times (l2b/2 below: allocate 2, call_ext, call_last), then sends
%%   the recorder `{done, self()}` and waits for `stop` (the recorder does not poll it: a
%%   process_info request is a signal the busy process handles, with its reductions). Each workload runs twice. First traced with erlang:trace(P, true,
%%   [garbage_collection]) from before `go`: every gc_minor/major_start/end (heap_size,
%%   heap_block_size, old_heap_size, old_heap_block_size, mbuf_size, stack_size, recent_size,
%%   bin_vheap_size, bin_vheap_block_size) in order ("events"), and once P waits for `stop`
%%   process_info(P, [reductions, heap_size, total_heap_size, binary]) ("final"; binaries as
%%   their count: the ProcBins still on P's off-heap list). Then traced with [running] only
%%   ("slices": every in/out with its {M, F, A}; `out` at erts_internal:list_to_binary_continue/1
%%   is a trap, `out` at erlang:list_to_binary/1 a yield before the BIF started, when it had 100
%%   reductions or fewer). Measured: a `running` trace builds each event's {M, F, A} (4 words)
%%   on the traced process's heap, so the two traces are taken in separate runs.
%%
%% DETERMINISM: one scheduler, no timers in the workloads; repeated runs give identical files.
-module(beamlab_l2b_traps_recorder).
-mode(compile).
-export([main/1, run/3]).

-define(ITEMS, [heap_size, heap_block_size, old_heap_size, old_heap_block_size, mbuf_size,
                stack_size, recent_size, bin_vheap_size, bin_vheap_block_size]).
%% {Name, N strings, K calls}: the first never traps (its calls fit a slice, and some start with
%% few reductions left: the yield-first and the allow-1000 paths); the others trap in most calls.
-define(WORKLOADS, [{l2b_500, 500, 200}, {l2b_2000, 2000, 60}, {l2b_5000, 5000, 40}]).

run(N, K, From) ->
    receive go -> ok end,
    Io = lists:duplicate(N, "1234"),
    ok = l2b(K, Io),
    From ! {done, self()},
    receive stop -> ok end.

l2b(0, _) -> ok;
l2b(K, Io) -> _ = list_to_binary(Io), l2b(K - 1, Io).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Records = [record(W, N, K) || {W, N, K} <- ?WORKLOADS],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"l2b_traps.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           <<"\"workloads\": [\n">>, join(Records, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "l2b_traps.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript l2b_traps.escript OUTPUT_DIR~n", []),
    halt(1).

record(W, N, K) ->
    {P, Evs, [{reductions, Reds}, {heap_size, Hs}, {total_heap_size, Ths}, {binary, Bins}]} =
        traced(N, K, [garbage_collection]),
    {P2, Sched, _} = traced(N, K, [running]),
    [<<"{">>, kv(<<"workload">>, atom_to_binary(W)), <<", ">>, kv(<<"n">>, N), <<", ">>, kv(<<"k">>, K),
     <<", \"final\": {">>, kv(<<"reductions">>, Reds), <<", ">>, kv(<<"heap_size">>, Hs), <<", ">>,
     kv(<<"total_heap_size">>, Ths), <<", ">>, kv(<<"binaries">>, length(Bins)), <<"},\n \"events\": [\n">>,
     join([event(T, I) || {trace, Pid, T, I} <- Evs, Pid =:= P], <<",\n">>), <<"\n],\n \"slices\": [\n">>,
     join([event(T, I) || {trace, Pid, T, I} <- Sched, Pid =:= P2], <<",\n">>), <<"\n]}">>].

%% One run of the workload traced with Flags: {P, its trace messages, its final process_info}.
traced(N, K, Flags) ->
    Self = self(),
    Tracer = spawn(fun() -> tracer([]) end),
    %% high priority: the recorder's wait_waiting polls (process_info signals, which cost the
    %% target reductions when they land while it works) cannot run before P waits
    P = spawn_opt(?MODULE, run, [N, K, Self], [{priority, high}]),
    erlang:trace(P, true, [{tracer, Tracer} | Flags]),
    P ! go,
    receive {done, P} -> ok end,
    wait_waiting(P, 10000),
    Final = process_info(P, [reductions, heap_size, total_heap_size, binary]),
    erlang:trace(P, false, Flags),
    erlang:trace_delivered(P),
    receive {trace_delivered, P, _} -> ok end,
    Tracer ! {get, Self},
    Evs = receive {events, E} -> E end,
    P ! stop,
    {P, Evs, Final}.

%% Waits until P is in `receive stop` (status waiting, after its `go` was taken).
wait_waiting(_P, 0) -> error(timeout);
wait_waiting(P, Left) ->
    case process_info(P, [status, message_queue_len, current_function]) of
        [{status, waiting}, {message_queue_len, 0}, {current_function, {?MODULE, run, 3}}] -> ok;
        _ -> receive after 1 -> wait_waiting(P, Left - 1) end
    end.

tracer(Acc) ->
    receive
        {get, To} -> To ! {events, lists:reverse(Acc)};
        {trace, _, _, _} = T -> tracer([T | Acc])
    end.

event(Tag, {M, F, A}) ->
    MFA = iolist_to_binary(io_lib:format("~s:~s/~w", [M, F, A])),
    [<<"{">>, kv(<<"tag">>, atom_to_binary(Tag)), <<", ">>, kv(<<"mfa">>, MFA), <<"}">>];
event(Tag, Info) ->
    [<<"{">>, kv(<<"tag">>, atom_to_binary(Tag)), <<", ">>,
     join([kv(atom_to_binary(K), proplists:get_value(K, Info)) || K <- ?ITEMS], <<", ">>), <<"}">>].

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
