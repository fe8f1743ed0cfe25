#!/usr/bin/env escript
%% -*- erlang -*-
%%
%% gc_bench.escript -- beamlab BEAM oracle benchmark: allocation and garbage collection
%%
%% HOW TO RUN (from the repo root)
%%   escript tooling/beam-oracle/recorders/gc_bench.escript          # scale 1
%%   escript tooling/beam-oracle/recorders/gc_bench.escript 4        # scale 4
%% prints ONE JSON line on stdout, e.g.
%%   {"workload": "live_list_plus_garbage", "scale": 1, ..., "minor_gcs": M, "major_gcs": J,
%%    "words_copied": W, "elapsed_us": T}
%% Scale 1 takes about 1-2 s in all (the traced counting run is the slower part); the time
%% grows linearly with the scale.
%%
%% THE WORKLOAD (same shape as gc_traces.escript's build_and_drop, so a TypeScript twin can run
%% it through its GC model)
%%   A fresh process spawned with spawn_opt(Module, bench/4, [Rec, Live, Iterations, M],
%%   [{fullsweep_after, 20}]) (all other heap settings default):
%%     1. Keep = build(Live, [])      a live list of Live = 10000 integers (20000 words) that
%%                                    stays live to the end;
%%     2. Iterations = 100000 * Scale times: _ = build(M, []) with M = 100 (200 words of
%%        garbage per iteration; the partial list is live while it is being built);
%%     3. reports done and parks until told to stop (Keep is still live).
%%   build(K, Acc) prepends K, ..., 1 to Acc: one cons (2 words, heap need 2) per step.
%%   Live data is promoted to the old heap by minor GCs; with {fullsweep_after, 20} every 21st
%%   GC is a major that copies the whole live list again, so the counts mix cheap minors with
%%   expensive majors.
%%
%% WHAT IS MEASURED
%%   The workload runs twice, each time in a new process:
%%   * a counting run traced with erlang:trace(Pid, true, [garbage_collection]) (tracing is
%%     enabled before the workload allocates): minor_gcs, major_gcs, failed_minors and
%%     words_copied come from its gc_*_start / gc_*_end events;
%%   * a timing run, untraced: elapsed_us = microseconds (erlang:monotonic_time) from sending
%%     `go` to receiving `done`, i.e. steps 1 and 2 including all their GCs. It is machine and
%%     load dependent (not deterministic); everything else is deterministic.
%%   minor_gcs     successful minor GCs (gc_minor_end that is not followed by the major of a
%%                 failed minor)
%%   major_gcs     gc_major_start events (fullsweeps forced by fullsweep_after, and failed
%%                 minors that fell back to a major)
%%   failed_minors minors that could not promote (no/too small old heap) and became majors
%%   words_copied  heap words the collector moved, summed over all GCs, computed from each
%%                 GC's trace info (not an estimate of "live words x GCs"):
%%                   successful minor: heap_size after (young survivors copied into the new
%%                                     young heap) + (old_heap_size after - old_heap_size
%%                                     before) (survivors promoted to the old heap);
%%                   major:            heap_size after (every live word, young and old, is
%%                                     copied into the new young heap);
%%                   failed minor:     0 (nothing moved; its major counts instead).
%%                 The stack (a few words, copied by every GC) is not included.
%%   words_copied_per_gc  words_copied / (minor_gcs + major_gcs), integer division.
%%   untraced_final_state_matches  whether process_info(Pid, garbage_collection_info) and
%%                 minor_gcs of the parked process are identical in the two runs. Tracing can
%%                 perturb the GC history (the tracer NIF can leave 5 "phantom" words in
%%                 mbuf_size, see gc_traces.escript's header); when this is false the counts
%%                 describe the traced run, not exactly the timed one.
-module(beamlab_gc_bench).
-mode(compile).

-export([main/1, bench/4, counter/1]).

-define(LIVE, 10000).
-define(M, 100).
-define(ITER_PER_SCALE, 100000).
-define(FULLSWEEP_AFTER, 20).
-define(TIMEOUT, 120000).

main([]) -> run(1);
main([ScaleStr]) ->
    case catch list_to_integer(ScaleStr) of
        S when is_integer(S), S >= 1 -> run(S);
        _ -> usage()
    end;
main(_) -> usage().

usage() ->
    io:format(standard_error, "usage: escript gc_bench.escript [SCALE (integer >= 1)]~n", []),
    halt(1).

run(Scale) ->
    Iter = ?ITER_PER_SCALE * Scale,
    {Counts, StateT} = counting_run(Iter),
    {ElapsedUs, StateU} = timing_run(Iter),
    #{minor := Minor, major := Major, failed := Failed, copied := Copied} = Counts,
    Gcs = Minor + Major,
    io:format("{\"workload\": \"live_list_plus_garbage\", \"scale\": ~b, \"live_words\": ~b, "
              "\"iterations\": ~b, \"garbage_words_per_iteration\": ~b, "
              "\"fullsweep_after\": ~b, \"minor_gcs\": ~b, \"major_gcs\": ~b, "
              "\"failed_minors\": ~b, \"words_copied\": ~b, \"words_copied_per_gc\": ~b, "
              "\"untraced_final_state_matches\": ~s, \"elapsed_us\": ~b}~n",
              [Scale, 2 * ?LIVE, Iter, 2 * ?M, ?FULLSWEEP_AFTER, Minor, Major, Failed, Copied,
               case Gcs of 0 -> 0; _ -> Copied div Gcs end,
               StateT =:= StateU, ElapsedUs]).

%% -------------------------------------------------------------------
%% the workload process
%% -------------------------------------------------------------------

bench(Rec, Live, Iterations, M) ->
    receive go -> ok end,
    Keep = build(Live, []),
    loop(Iterations, M),
    Rec ! done,
    receive stop -> ok end,
    Keep.

loop(0, _M) -> ok;
loop(I, M) ->
    _ = build(M, []),
    loop(I - 1, M).

build(0, Acc) -> Acc;
build(I, Acc) -> build(I - 1, [I | Acc]).

%% -------------------------------------------------------------------
%% driver
%% -------------------------------------------------------------------

spawn_bench(Iter) ->
    Args = [self() | binary_to_term(term_to_binary([?LIVE, Iter, ?M]))],
    Pid = spawn_opt(?MODULE, bench, Args, [{fullsweep_after, ?FULLSWEEP_AFTER}]),
    wait_waiting(Pid),
    Pid.

counting_run(Iter) ->
    Pid = spawn_bench(Iter),
    Counter = spawn(?MODULE, counter, [#{minor => 0, major => 0, failed => 0, copied => 0,
                                         pending => none}]),
    1 = erlang:trace(Pid, true, [garbage_collection, {tracer, Counter}]),
    Pid ! go,
    receive done -> ok after ?TIMEOUT -> error(bench_timeout) end,
    wait_waiting(Pid),
    State = final_state(Pid),
    Ref = erlang:trace_delivered(Pid),
    receive {trace_delivered, Pid, Ref} -> ok after ?TIMEOUT -> error(trace_timeout) end,
    Counter ! {get, self()},
    Counts = receive {counts, C} -> C after ?TIMEOUT -> error(counter_timeout) end,
    Pid ! stop,
    {Counts, State}.

timing_run(Iter) ->
    Pid = spawn_bench(Iter),
    T0 = erlang:monotonic_time(microsecond),
    Pid ! go,
    receive done -> ok after ?TIMEOUT -> error(bench_timeout) end,
    T1 = erlang:monotonic_time(microsecond),
    wait_waiting(Pid),
    State = final_state(Pid),
    Pid ! stop,
    {T1 - T0, State}.

final_state(Pid) ->
    {garbage_collection, GC} = process_info(Pid, garbage_collection),
    {garbage_collection_info, GI} = erlang:process_info(Pid, garbage_collection_info),
    {proplists:get_value(minor_gcs, GC), GI}.

wait_waiting(Pid) ->
    case process_info(Pid, status) of
        {status, waiting} -> ok;
        _ -> erlang:yield(), wait_waiting(Pid)
    end.

%% Tracer: counts GCs and words copied (see the header). A minor's start info is kept until
%% its end event; a gc_minor_end followed by gc_major_start with nothing changed is a failed
%% minor.
counter(S = #{pending := Pending}) ->
    receive
        {trace, _, gc_minor_start, I} ->
            counter(settle(S#{pending := none}, Pending, {minor_start, I}));
        {trace, _, gc_minor_end, I} ->
            {minor_start, I0} = Pending,
            counter(S#{pending := {minor_end, I0, I}});
        {trace, _, gc_major_start, I} ->
            S1 = case Pending of
                     {minor_end, I0, I1} ->
                         case failed(I0, I1) of
                             true -> S#{failed := maps:get(failed, S) + 1};
                             false -> add_minor(S, I0, I1)
                         end;
                     none -> S
                 end,
            counter(S1#{pending := {major_start, I}});
        {trace, _, gc_major_end, I} ->
            #{major := Ma, copied := C} = S,
            counter(S#{major := Ma + 1, copied := C + v(heap_size, I), pending := none});
        {get, From} ->
            S1 = settle(S#{pending := none}, Pending, none),
            From ! {counts, maps:remove(pending, S1)}
    end.

settle(S, {minor_end, I0, I1}, Next) ->
    S1 = add_minor(S, I0, I1),
    case Next of none -> S1; _ -> S1#{pending := Next} end;
settle(S, _, none) -> S;
settle(S, _, Next) -> S#{pending := Next}.

add_minor(S = #{minor := Mi, copied := C}, I0, I1) ->
    Copied = v(heap_size, I1) + v(old_heap_size, I1) - v(old_heap_size, I0),
    S#{minor := Mi + 1, copied := C + Copied}.

failed(I0, I1) ->
    v(wordsize, I1) =:= 0 andalso
        lists:all(fun(K) -> v(K, I0) =:= v(K, I1) end,
                  [heap_block_size, heap_size, old_heap_block_size, old_heap_size,
                   recent_size]).

v(K, I) -> proplists:get_value(K, I).
