%% twin_report.erl -- beamlab BEAM oracle: the twin report every scenario twin prints.
%%
%% Owns the shape of SCENARIO-API.md's twin report (scenario, mode, params, samples, peak,
%% final) and how a twin observes its node: the processes alive before the workload starts are
%% the node's own (role "system"); every process the workload spawns tags itself with
%% put('$beamlab_role', Role); a sampler process (role "sampler", left out of final.processes,
%% its few hundred bytes are in memory.processes) reads erlang:memory() every Interval ms.
%% `baseline.memory` (an addition to the contract) is erlang:memory() when the workload starts:
%% what the freshly booted node holds.
%% A process the twin cannot run code in (e.g. a supervisor started with OTP's or Elixir's own
%% callback module) gets its role from outside: finish/1's optional `roles` (#{Pid => Role}),
%% used when the process's dictionary names none — no word lands on its heap.
%% Loaded at run time by the twins (compile:file from this folder), by escripts and by the
%% Elixir twin alike. Also parses the twins' command line (Mode then key=value pairs) and writes
%% JSON (OTP 25 has no json module).
-module(twin_report).
-export([args/2, start/1, finish/1, role/1, to_json/1]).

-define(ROLE, '$beamlab_role').

%% args(Args, Defaults) -> {Mode, Params}: Args = ["leak" | ["key=value", ...]], Defaults a
%% proplist of {Key, Default}; values are integers or the atom off.
args([ModeS | KVs], Defaults) when ModeS =:= "leak"; ModeS =:= "fix" ->
    Params = lists:foldl(fun(KV, Acc) ->
        [K, V] = string:split(KV, "="),
        Key = list_to_atom(K),
        case lists:keymember(Key, 1, Acc) of
            false -> fail("unknown parameter ~s", [K]);
            true -> lists:keystore(Key, 1, Acc, {Key, value(V)})
        end
    end, Defaults, KVs),
    {list_to_atom(ModeS), Params};
args(_, _) -> fail("usage: twin leak|fix [key=value ...]", []).

value("off") -> off;
value(V) -> list_to_integer(V).

fail(F, A) -> io:format(standard_error, F ++ "~n", A), halt(2).

role(R) -> put(?ROLE, R).

%% start(Interval) -> State: remembers the node's own processes and starts the sampler.
start(Interval) ->
    System = erlang:processes(),
    T0 = erlang:monotonic_time(millisecond),
    Sampler = spawn(fun() -> role(sampler), sample_loop(T0, Interval, []) end),
    #{system => System, sampler => Sampler, t0 => T0, baseline => maps:from_list(erlang:memory())}.

sample_loop(T0, Interval, Acc) ->
    S = sample(T0),
    receive
        {stop, From} -> From ! {samples, lists:reverse([sample(T0) | Acc])}
    after Interval -> sample_loop(T0, Interval, [S | Acc])
    end.

sample(T0) ->
    #{t_ms => erlang:monotonic_time(millisecond) - T0, memory => maps:from_list(erlang:memory())}.

%% finish(#{state, scenario, mode, params}) -> the report (a map), the workload at its end.
finish(#{state := #{system := System, sampler := Sampler, baseline := Baseline, t0 := T0}, scenario := Scenario, mode := Mode, params := Params} = Args) ->
    Roles = maps:get(roles, Args, #{}),
    WorkloadMs = erlang:monotonic_time(millisecond) - T0,
    Sampler ! {stop, self()},
    Samples = receive {samples, S} -> S end,
    settle([P || P <- erlang:processes(), P =/= self(), P =/= Sampler, not lists:member(P, System)], 5000),
    Final = maps:from_list(erlang:memory()),
    Procs = [P || P <- [proc(Pid, System, Roles) || Pid <- erlang:processes(), Pid =/= Sampler], P =/= undefined],
    Peak = lists:foldl(fun(#{memory := M}, Best) -> peak(M, Best) end, Final, Samples),
    #{scenario => Scenario, mode => Mode,
      params => maps:from_list([{K, case V of off -> null; _ -> V end} || {K, V} <- Params]),
      workload_ms => WorkloadMs,
      samples => Samples, peak => #{memory => Peak}, baseline => #{memory => Baseline},
      final => #{memory => Final, processes => Procs}}.

%% Waits until no workload process is running or collecting: a process whose heap is large
%% collects on a dirty scheduler, concurrently with the normal one, so a report read while such
%% a collection runs depends on how busy the machine is (gen-server-work 30 x 10 read 196,653
%% words instead of 150,230 under CPU load). Polls every 1 ms, at most Left times.
settle(_Pids, 0) -> ok;
settle(Pids, Left) ->
    Busy = [P || P <- Pids, case erlang:process_info(P, status) of
                                {status, St} -> St =/= waiting andalso St =/= suspended;
                                undefined -> false
                            end],
    case Busy of
        [] -> ok;
        _ -> receive after 1 -> settle(Busy, Left - 1) end
    end.

peak(M, Best) ->
    case maps:get(total, M) > maps:get(total, Best) of true -> M; false -> Best end.

proc(Pid, System, Roles) ->
    Items = [dictionary, registered_name, memory, heap_size, total_heap_size, stack_size,
             garbage_collection, message_queue_len, binary],
    case erlang:process_info(Pid, Items) of
        undefined -> undefined;
        [{dictionary, D}, {registered_name, N}, {memory, Mem}, {heap_size, H}, {total_heap_size, TH},
         {stack_size, St}, {garbage_collection, GC}, {message_queue_len, Q}, {binary, Bins}] ->
            Role = case {proplists:get_value(?ROLE, D, maps:get(Pid, Roles, undefined)), lists:member(Pid, System)} of
                {undefined, true} -> system;
                {undefined, false} -> untagged;
                {R, _} -> R
            end,
            #{pid => list_to_binary(pid_to_list(Pid)), role => Role,
              name => case N of [] -> null; _ -> N end,
              memory => Mem, heap_size => H, total_heap_size => TH, stack_size => St,
              minor_gcs => proplists:get_value(minor_gcs, GC), message_queue_len => Q,
              binary => [[Id, Size, Refc] || {Id, Size, Refc} <- Bins]}
    end.

%% Minimal JSON: maps (atom/binary keys), lists, integers, floats, binaries, atoms (null/true/false
%% as JSON literals, other atoms as strings).
to_json(M) when is_map(M) ->
    ["{", lists:join(",", [[to_json(key(K)), ":", to_json(V)] || {K, V} <- lists:sort(maps:to_list(M))]), "}"];
to_json(L) when is_list(L) -> ["[", lists:join(",", [to_json(X) || X <- L]), "]"];
to_json(I) when is_integer(I) -> integer_to_list(I);
to_json(F) when is_float(F) -> io_lib:format("~p", [F]);
to_json(null) -> "null";
to_json(true) -> "true";
to_json(false) -> "false";
to_json(A) when is_atom(A) -> to_json(atom_to_binary(A));
to_json(B) when is_binary(B) -> [$", [esc(C) || <<C>> <= B], $"].

key(K) when is_atom(K) -> atom_to_binary(K);
key(K) -> K.

esc($") -> "\\\"";
esc($\\) -> "\\\\";
esc(C) when C < 32 -> io_lib:format("\\u~4.16.0b", [C]);
esc(C) -> C.
