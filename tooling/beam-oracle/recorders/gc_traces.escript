#!/usr/bin/env escript
%% -*- erlang -*-
%%
%% gc_traces.escript -- beamlab BEAM oracle: garbage-collection traces and heap checkpoints
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/gc_traces.escript tooling/beam-oracle/fixtures
%% writes <dir>/gc_traces.json (~3 MB; one JSON object per line inside each array) in about
%% 2 s. Needs Erlang/OTP 25 (recorded with erts 13.1.5, 64-bit, JIT, default emulator flags).
%%
%% WHAT IT RECORDS (every number is measured on the running BEAM, nothing is computed here)
%%   For each workload (see workloads/0) a fresh process is spawned with
%%   spawn_opt(?MODULE, Fun, [Recorder | Params], SpawnOpts). Its Erlang source is copied into
%%   the fixture from this file (the text between the "%%% SOURCE <name>" and "%%% END"
%%   marker lines, read at run time, so it cannot drift from the code that ran), with a
%%   description of what each step allocates and what stays live.
%%   Every workload is run TWICE, each time in a new process:
%%   1. traced: erlang:trace(Pid, true, [garbage_collection, {tracer, Collector}]) (no
%%      timestamp flags) is called while the process is parked in its first park/1, before
%%      it has allocated anything but its spawn arguments. Each trace message
%%      {trace, Pid, Event, Info} becomes {"event": Event, "info": {Info items as fields}},
%%      in order. gc_minor_start / gc_minor_end / gc_major_start / gc_major_end carry
%%      wordsize (the heap need at *_start, the words reclaimed at *_end) followed by the 11
%%      garbage_collection_info items; gc_max_heap_size carries the 11 items (no wordsize)
%%      with the prospective block sizes that broke the limit.
%%   2. untraced: the same workload and protocol without erlang:trace; checkpoints only.
%%   Checkpoints: when the workload process is parked (see PROTOCOL) the recorder measures it
%%   from OUTSIDE with process_info(Pid, [heap_size, total_heap_size, stack_size, memory,
%%   garbage_collection, message_queue_len, current_function, status]) and
%%   erlang:process_info(Pid, garbage_collection_info) (measuring oneself would perturb the
%%   heap). A checkpoint has a label, the step parameters (e.g. n = list length so far) and,
%%   in the traced run, after_events = the number of trace events delivered before it
%%   (erlang:trace_delivered/1 is awaited first; null in untraced_checkpoints).
%%   Per workload: "checkpoints" (traced run), "untraced_checkpoints", "trace_perturbed" (the
%%   checkpoint fields that differ between the two runs, with both values), "summary" (event
%%   counts; a failed minor is a gc_minor_end with wordsize 0 and unchanged sizes followed by
%%   gc_major_start), and "exit": the exit reason seen by a monitor and the step it happened
%%   in. The monitor is created at spawn (spawn_opt option monitor) only for the
%%   max_heap_size workloads, which can die at any step, so their checkpoints' memory
%%   includes the 64-byte monitor entry ("monitored_at_spawn": true); everywhere else it is
%%   created after the last checkpoint and is in no number.
%%
%% PROTOCOL (what the traced process receives; chosen so that it costs no heap words)
%%   park(Rec) = Rec ! parked, receive continue -> ok end. Both messages are atoms: sending an
%%   atom builds nothing on the sender's heap and receiving one copies nothing (an atom is an
%%   immediate; only the 88-byte message container exists while it is queued, and the
%%   receive frees it). The recorder waits for `parked`, then polls process_info(Pid,
%%   [status, current_function]) until the status is waiting (blocked in the receive, or in
%%   erlang:hibernate/3 for the "hibernated" checkpoints), and only then measures. The
%%   servers receive the atom `request` and reply with a small integer (0 words); the
%%   recorder sends one request at a time and waits for the reply, so the queue is empty at
%%   every checkpoint (message_queue_len 0). External GCs are erlang:garbage_collect(Pid[,
%%   [{type, minor}]]) called by the recorder while the process is parked. The spawn
%%   arguments [Rec | Params] are built at run time (no literal sharing) and are all
%%   immediates: 2 words per argument ("spawn_arg_words"), garbage once the entry function
%%   has read them.
%%
%% TRACING PERTURBS mbuf_size, AND SOMETIMES THE GC HISTORY (investigated)
%%   For every GC trace event the erl_tracer NIF builds the message {trace, Pid, Event, Info}
%%   (a 5-word tuple; Info itself is built in a temporary C buffer) in the TRACED process's
%%   context. The runtime discards what the NIF allocated (heap top restored, fragments
%%   freed), but when the tuple did not fit on the heap it went into a 5-word heap fragment,
%%   and the process's mbuf_size counter is not decreased when that fragment is freed. So
%%   mbuf_size (and total_heap_size and memory, which include it) grows by a "phantom" 5
%%   words. Measured rule, checked against every event pair and every checkpoint of the
%%   fixture: an event leaves a phantom iff its free space, heap_block_size - heap_size -
%%   stack_size of its own info, is < 8 words (trace_phantom_58 has 8 free words at the
%%   second gc_major_end: no phantom; trace_phantom_59 has 7: phantom), except that events
%%   of GCs run on a dirty scheduler (the wordsize-0 GCs of heaps >= 128K words, stack one
%%   word shorter) leave none. gc_max_heap_size events are emitted with the heap still full
%%   and leave one too. The Info of an event is taken before its own NIF call, so it never
%%   includes its own phantom. Consequences:
%%   * almost every gc_*_start caused by a heap test has < 8 free words. A successful GC
%%     resets mbuf_size, so this shows only after a failed minor: gc_minor_end has
%%     mbuf_size 5 and the following gc_major_start 10 (that major then frees them; a GC
%%     moved to a dirty scheduler after such a failed minor counts the 10 phantom words in
%%     its size and in its reclaimed wordsize, e.g. heap_growth_list_500000).
%%   * a gc_*_end leaves a phantom when the GC left < 8 free words (e.g. a major that keeps
%%     a nearly full 233-word heap). That phantom is part of the next GC's young generation
%%     (heap used + mbuf_size) and can change its sizing decisions, and when mbuf_size
%%     exceeds the free heap it triggers an extra GC on its own (trace_phantom_62). From
%%     there on the traced run has a different GC history from the untraced one:
%%     "trace_perturbed" lists the differences (min_heap_size_100/233, explicit_gc_*,
%%     trace_phantom_59..62). The phantom words are never real data.
%%   A TypeScript model reproducing the traced events must add the phantom at every event
%%   with < 8 free words (non-dirty); the untraced checkpoints need no such rule. Measuring
%%   itself does not perturb: process_info from another process builds its answer outside
%%   the measured process (traced and untraced checkpoints agree wherever no phantom was
%%   left, and the fixture is identical with or without extra polling).
%%
%% DETERMINISM (checked: three runs, three runs in parallel, and runs with +S 1, 4 and 8
%% schedulers all produced byte-identical files)
%%   Nothing run-dependent is recorded: no pids, refs, timestamps or timings;
%%   current_function is text and stable because this file declares a fixed -module name.
%%   GCs moved to a dirty scheduler (heap_growth_list_150000 and up) are deterministic too.
%%   No record needs "volatile_fields". The bin_vheap items are recorded but are always
%%   0 / 46422 here (no workload creates refc binaries; no trace event added any).
%%
%% FINDINGS ON OTP 25.2.3 / erts 13.1.5 (numbers in the fixture)
%%   * The GC-visible stack S (stack_size in the events) is a property of the compiled code,
%%     not of "the list builder": build/2 called from heap_growth/2 runs with S = 4 (3 when
%%     parked in park/1), from explicit_gc_*/1 with 5, from min_heap/1 with 5 for the
%%     first list and 4 for the second, from max_heap/3 with 7, from bd_loop/6 with 9; a
%%     GC moved to a dirty scheduler sees one word less and need 0.
%%   * A fresh process's first GC is a failed minor (no old heap, nothing below the
%%     high-water mark) followed by a major in the same GC, except with fullsweep_after 0
%%     (major only) and after a hibernation, where the first GC is a successful minor.
%%     A fullsweep forced by fullsweep_after has no gc_minor_start at all.
%%   * A minor that finds mature data and no old heap creates one of erts_next_heap_size(
%%     ygen, 1) words (368 -> 610, 980 -> 1598, 4 -> 12, 24 -> 51, 2004 -> 4185; the
%%     gc_max_heap_size info shows 28680 -> 46422).
%%   * erlang:hibernate/3 leaves a heap of exactly live + 4 words (argument list [L, Rec]:
%%     N = 0 -> 8, N = 10 -> 28, N = 1000 -> 2008; 2*200 + 4 -> 408 after build_and_drop,
%%     old heap freed), stack_size 1, minor_gcs unchanged, no trace events.
%%   * min_heap_size is rounded up to a heap size: 100 and 233 -> 233, 234 and 300 -> 376,
%%     1000 -> 1598, 5000 -> 6772, 100000 -> 121536.
%%   * A max_heap_size kill has reason killed, a gc_max_heap_size event after the
%%     gc_*_start and no gc_*_end; with kill => false the process keeps growing past the
%%     limit and gets a gc_max_heap_size event at every GC that exceeds it.
%%   * long_lived_server_no_cache never promotes anything (nothing is live at two
%%     consecutive GCs): one minor per request, old heap empty. long_lived_server (a 40-word
%%     cache replaced every 10 requests) fills its old heap with dead caches, then a failed
%%     minor and a major; the heap then shrinks 610 -> 376 -> 233 over a few majors and grows
%%     back.
-module(beamlab_gc_traces_recorder).
-mode(compile).

-export([main/1, collector/1]).
-export([heap_growth/2, build_and_drop/4, min_heap/1, explicit_gc_self/1,
         explicit_gc_external/1, hibernator/2, hib_wake/2, bd_then_hibernate/4,
         max_heap/3, server/1, server_no_cache/1, phantom/2]).

-define(TIMEOUT, 60000).

%% ===================================================================
%% entry point
%% ===================================================================

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Sources = read_sources(),
    Workloads = [record_workload(W, Sources) || W <- workloads()],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"gc_traces.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<", ">>,
           kv(<<"emu_flavor">>, atom_to_binary(erlang:system_info(emu_flavor), utf8)), <<",\n">>,
           kv(<<"defaults">>, defaults()), <<",\n">>,
           kv(<<"heap_sizes">>, lists:sublist(erlang:system_info(heap_sizes), 40)), <<",\n">>,
           kv(<<"trace_flags">>, [<<"garbage_collection">>]), <<",\n">>,
           kv(<<"protocol">>, protocol_text()), <<",\n">>,
           <<"\"workloads\": [\n">>, join(Workloads, <<",\n">>), <<"\n]\n">>,
           <<"}\n">>],
    Path = filename:join(OutDir, "gc_traces.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s: ~b workloads~n", [Path, length(Workloads)]);
main(_) ->
    io:format(standard_error, "usage: escript gc_traces.escript OUTPUT_DIR~n", []),
    halt(1).

defaults() ->
    {garbage_collection, GC} = process_info(self(), garbage_collection),
    {min_heap_size, MinHeap} = erlang:system_info(min_heap_size),
    {min_bin_vheap_size, MinVheap} = erlang:system_info(min_bin_vheap_size),
    obj([{<<"min_heap_size">>, MinHeap},
         {<<"min_bin_vheap_size">>, MinVheap},
         {<<"fullsweep_after">>, proplists:get_value(fullsweep_after, GC)}]).

protocol_text() ->
    <<"park(Rec) = Rec ! parked, receive continue -> ok end (atoms: 0 heap words). "
      "The recorder measures a parked process from outside (process_info/2) once its status "
      "is waiting. Spawn: spawn_opt(Module, Fun, [Rec | Params], SpawnOpts); Rec and all "
      "Params are immediates, so the arguments cost 2 words per element (spawn_arg_words) "
      "and are garbage after entry. build(K, Acc) prepends K, K-1, ..., 1 to Acc: one cons "
      "(2 words, heap need 2) per step, tail-recursive. Tracing adds a phantom 5 words to "
      "mbuf_size at every trace event whose own info has heap_block_size - heap_size - "
      "stack_size < 8, except events of GCs run on a dirty scheduler (see the recorder "
      "header); untraced_checkpoints are free of it.">>.

%% ===================================================================
%% workload specifications (recorder side)
%% ===================================================================
%% #{id, description, sources, fn, params, spawn_opts, monitor_at_spawn, steps}
%% steps: {start, Label, Params}          wait for the first park; traced run: enable tracing
%%        {continue, Label, Params}       send continue, wait for the next park
%%        {continue_hib, Label, Params}   same, the process parks in erlang:hibernate/3
%%        {gc, GcOpts, Label, Params}     erlang:garbage_collect(Pid, GcOpts) from outside
%%        {requests, K, Label, Params}    K request/reply round trips (server)
%%        {finish, Msg}                   send Msg, wait for the exit (monitor)

heap_growth_ns() ->
    [0, 1, 10, 100, 150, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000, 7000, 10000,
     15000, 20000, 30000, 50000, 70000, 100000, 150000, 200000, 300000, 500000].

workloads() ->
    [heap_growth_spec(N) || N <- heap_growth_ns()] ++
    [bd_spec(<<"build_and_drop_m100">>, 100, 600, 50, [], default),
     bd_spec(<<"build_and_drop_m1000">>, 1000, 200, 20, [], default),
     bd_spec(<<"fullsweep_after_0">>, 100, 300, 50, [{fullsweep_after, 0}], 0),
     bd_spec(<<"fullsweep_after_10">>, 100, 300, 50, [{fullsweep_after, 10}], 10),
     bd_spec(<<"fullsweep_after_default">>, 100, 300, 50, [], default)] ++
    [min_heap_spec(N) || N <- [100, 233, 234, 300, 1000, 5000, 100000]] ++
    [explicit_gc_self_spec(), explicit_gc_external_spec()] ++
    [hibernate_spec(N) || N <- [0, 10, 1000]] ++
    [hibernate_after_bd_spec()] ++
    [max_heap_spec(3000, true, 250, 40), max_heap_spec(100000, true, 2000, 40),
     max_heap_spec(3000, false, 250, 12)] ++
    [server_spec(2000, 100), server_no_cache_spec(500, 100)] ++
    [phantom_spec(K) || K <- lists:seq(54, 63)].

i2b(I) -> integer_to_binary(I).

heap_growth_spec(N) ->
    #{id => <<"heap_growth_list_", (i2b(N))/binary>>,
      description =>
          <<"heap_growth(Rec, ", (i2b(N))/binary, "): parks once (checkpoint spawned), then "
            "build(N, []) prepends N small integers: one cons = 2 words per step (heap need 2), "
            "the whole list stays live (2N words); no garbage except the 4 words of spawn "
            "arguments. Then parks holding the list (checkpoint built).">>,
      sources => [park, build, heap_growth],
      fn => heap_growth, params => [N], spawn_opts => [], monitor_at_spawn => false,
      steps => [{start, <<"spawned">>, [{n, 0}]},
                {continue, <<"built">>, [{n, N}]},
                {finish, continue}]}.

bd_spec(Id, M, K, Batch, Opts, FSA) ->
    Fsa = case FSA of default -> <<"default (65535)">>; _ -> i2b(FSA) end,
    #{id => Id,
      description =>
          <<"build_and_drop(Rec, K=", (i2b(K))/binary, ", M=", (i2b(M))/binary, ", Batch=",
            (i2b(Batch))/binary, "), fullsweep_after ", Fsa/binary, ". Each iteration I = 0..K-1 "
            "calls build(M, []) (M conses = 2M words; the partial list is live while it is "
            "being built and all garbage when build returns, the result is dropped) and then "
            "prepends I to the live accumulator Acc (2 words per iteration stay live: after i "
            "iterations Acc is 2i words). After every Batch iterations it parks "
            "(checkpoint with iterations = i). Shows minor GCs, promotion of Acc through the "
            "high-water mark, old heap creation, and fullsweeps.">>,
      sources => [park, build, build_and_drop],
      fn => build_and_drop, params => [K, M, Batch], spawn_opts => Opts,
      monitor_at_spawn => false,
      steps => [{start, <<"spawned">>, [{iterations, 0}, {acc_words, 0}]} |
                [{continue, <<"batch_", (i2b(I))/binary>>, [{iterations, I}, {acc_words, 2 * I}]}
                 || I <- lists:seq(Batch, K, Batch)]] ++ [{finish, continue}]}.

min_heap_spec(N) ->
    #{id => <<"min_heap_size_", (i2b(N))/binary>>,
      description =>
          <<"min_heap(Rec) spawned with {min_heap_size, ", (i2b(N))/binary, "}: parks "
            "(checkpoint spawned), builds a 1000-element list with build(1000, []) (2000 words, "
            "live) and parks (checkpoint list_1000), then extends the same list to 20000 "
            "elements with build(19000, L1) (all 40000 words live) and parks (checkpoint "
            "list_20000).">>,
      sources => [park, build, min_heap],
      fn => min_heap, params => [], spawn_opts => [{min_heap_size, N}],
      monitor_at_spawn => false,
      steps => [{start, <<"spawned">>, [{n, 0}]},
                {continue, <<"list_1000">>, [{n, 1000}]},
                {continue, <<"list_20000">>, [{n, 20000}]},
                {finish, continue}]}.

explicit_gc_self_spec() ->
    #{id => <<"explicit_gc_self">>,
      description =>
          <<"explicit_gc_self(Rec): parks (spawned); builds L = build(2000, []) (4000 words) and "
            "keeps only Tail = lists:nthtail(1500, L) (the last 500 conses = 1000 words; "
            "nthtail allocates nothing, the first 1500 conses become garbage) and parks "
            "(dropped); calls erlang:garbage_collect() itself and parks (after_major); builds "
            "2000 words of garbage with build(1000, []) and parks (garbage); calls "
            "erlang:garbage_collect(self(), [{type, minor}]) and parks (after_minor). Tail "
            "stays live to the end.">>,
      sources => [park, build, explicit_gc_self],
      fn => explicit_gc_self, params => [], spawn_opts => [], monitor_at_spawn => false,
      steps => [{start, <<"spawned">>, []},
                {continue, <<"dropped">>, [{live_words, 1000}]},
                {continue, <<"after_major">>, [{live_words, 1000}]},
                {continue, <<"garbage">>, [{live_words, 1000}]},
                {continue, <<"after_minor">>, [{live_words, 1000}]},
                {finish, continue}]}.

explicit_gc_external_spec() ->
    #{id => <<"explicit_gc_external">>,
      description =>
          <<"explicit_gc_external(Rec): same data as explicit_gc_self, but the GCs are "
            "requested from outside while the process is parked: parks (spawned); builds "
            "L = build(2000, []), keeps Tail = lists:nthtail(1500, L) (1000 words) and parks "
            "(dropped); the recorder calls erlang:garbage_collect(Pid) (after_major); "
            "continue: builds 2000 words of garbage with build(1000, []) and parks (garbage); "
            "the recorder calls erlang:garbage_collect(Pid, [{type, minor}]) (after_minor); "
            "the recorder calls erlang:garbage_collect(Pid, [{type, minor}]) again "
            "(after_second_minor: Tail is now mature and is promoted).">>,
      sources => [park, build, explicit_gc_external],
      fn => explicit_gc_external, params => [], spawn_opts => [], monitor_at_spawn => false,
      steps => [{start, <<"spawned">>, []},
                {continue, <<"dropped">>, [{live_words, 1000}]},
                {gc, [], <<"after_major">>, [{live_words, 1000}]},
                {continue, <<"garbage">>, [{live_words, 1000}]},
                {gc, [{type, minor}], <<"after_minor">>, [{live_words, 1000}]},
                {gc, [{type, minor}], <<"after_second_minor">>, [{live_words, 1000}]},
                {finish, continue}]}.

hibernate_spec(N) ->
    #{id => <<"hibernate_list_", (i2b(N))/binary>>,
      description =>
          <<"hibernator(Rec, ", (i2b(N))/binary, "): parks (spawned); builds L = build(N, []) "
            "(2N words), sends parked and calls erlang:hibernate(Module, hib_wake, [L, Rec]) "
            "(checkpoint hibernated: live data = the argument list [L, Rec] = 2N + 4 words). "
            "The continue message wakes it in hib_wake(L, Rec), which receives it, builds "
            "T = build(10, []) (20 words) and parks holding L and T (checkpoint woken).">>,
      sources => [park, build, hibernator],
      fn => hibernator, params => [N], spawn_opts => [], monitor_at_spawn => false,
      steps => [{start, <<"spawned">>, [{n, 0}]},
                {continue_hib, <<"hibernated">>, [{n, N}]},
                {continue, <<"woken">>, [{n, N}, {woken_list, 10}]},
                {finish, continue}]}.

hibernate_after_bd_spec() ->
    K = 200, M = 100, Batch = 50,
    #{id => <<"hibernate_after_build_and_drop">>,
      description =>
          <<"bd_then_hibernate(Rec, K=200, M=100, Batch=50): the build_and_drop loop (see "
            "build_and_drop_m100: per iteration build(100, []) = 200 words of garbage and 2 "
            "live words prepended to Acc), parking every 50 iterations, which leaves an old "
            "heap; then sends parked and calls erlang:hibernate(Module, hib_wake, [Acc, Rec]) "
            "(checkpoint hibernated: live = 2K + 4 words); continue wakes it, hib_wake "
            "builds build(10, []) (20 words) and parks (checkpoint woken).">>,
      sources => [park, build, build_and_drop, hibernator, bd_then_hibernate],
      fn => bd_then_hibernate, params => [K, M, Batch], spawn_opts => [],
      monitor_at_spawn => false,
      steps => [{start, <<"spawned">>, [{iterations, 0}]} |
                [{continue, <<"batch_", (i2b(I))/binary>>, [{iterations, I}, {acc_words, 2 * I}]}
                 || I <- lists:seq(Batch, K, Batch)]] ++
               [{continue_hib, <<"hibernated">>, [{iterations, K}, {acc_words, 2 * K}]},
                {continue, <<"woken">>, [{iterations, K}, {acc_words, 2 * K}, {woken_list, 10}]},
                {finish, continue}]}.

max_heap_spec(S, Kill, Batch, Steps) ->
    KillB = atom_to_binary(Kill, utf8),
    #{id => <<"max_heap_size_", (case Kill of true -> <<"kill_">>; false -> <<"nokill_">> end)/binary,
              (i2b(S))/binary>>,
      description =>
          <<"max_heap(Rec, Steps=", (i2b(Steps))/binary, ", Batch=", (i2b(Batch))/binary,
            ") spawned with {max_heap_size, #{size => ", (i2b(S))/binary, ", kill => ",
            KillB/binary, ", error_logger => false}} (and monitor): parks (spawned), then each "
            "step prepends Batch integers to the live list with build(Batch, Acc) (2*Batch "
            "words per step, everything stays live) and parks (checkpoint n = length so far), "
            "until Steps steps are done or the process is killed by the max_heap_size check "
            "(exit reason killed; a gc_max_heap_size event and no gc_*_end for that GC).">>,
      sources => [park, build, max_heap],
      fn => max_heap, params => [Steps, Batch],
      spawn_opts => [{max_heap_size, #{size => S, kill => Kill, error_logger => false}}],
      monitor_at_spawn => true,
      steps => [{start, <<"spawned">>, [{n, 0}]} |
                [{continue, <<"step_", (i2b(I))/binary>>, [{n, I * Batch}]}
                 || I <- lists:seq(1, Steps)]] ++ [{finish, continue}]}.

server_spec(Requests, Every) ->
    #{id => <<"long_lived_server">>,
      description =>
          <<"server(Rec): sends parked (checkpoint spawned, taken while it waits in "
            "server_loop's receive), then a hand-written receive loop holding Count (a small "
            "integer) and Cache (a list, initially []). Per `request`: Tmp = build(250, []) "
            "(500 words, garbage after the reply), replies Rec ! length(Tmp) + length(Cache) "
            "(a small integer: 0 words); on every 10th request (Count rem 10 =:= 9) it "
            "replaces Cache by a new build(20, []) (40 words; the previous cache becomes "
            "garbage). 2000 requests, one at a time, checkpoint every 100 (requests = count "
            "so far). Shows tenured garbage: a cache lives for 10 requests (several GCs), so it "
            "is promoted at its second GC and dies on the old heap, which fills up with dead "
            "caches until a minor cannot promote any more and a major GC runs.">>,
      sources => [park, build, server],
      fn => server, params => [], spawn_opts => [], monitor_at_spawn => false,
      steps => [{start, <<"spawned">>, [{requests, 0}]} |
                [{requests, Every, <<"requests_", (i2b(I))/binary>>, [{requests, I}]}
                 || I <- lists:seq(Every, Requests, Every)]] ++ [{finish, stop}]}.

server_no_cache_spec(Requests, Every) ->
    #{id => <<"long_lived_server_no_cache">>,
      description =>
          <<"server_no_cache(Rec): sends parked (checkpoint spawned), then a receive loop "
            "with State = {Count, Total} (initially the literal {0, 0}: 0 heap words). Per "
            "`request`: Tmp = build(250, []) (500 words, garbage after the reply), "
            "Total1 = Total + length(Tmp), replies Rec ! Total1 (0 words) and loops with the "
            "new state {Count + 1, Total1} (3 words; the old state is garbage). 500 requests, "
            "checkpoint every 100. Nothing lives across two GCs here, so nothing is ever "
            "promoted: after warm-up every request costs one minor GC and the old heap stays "
            "empty (compare long_lived_server).">>,
      sources => [park, build, server_no_cache],
      fn => server_no_cache, params => [], spawn_opts => [], monitor_at_spawn => false,
      steps => [{start, <<"spawned">>, [{requests, 0}]} |
                [{requests, Every, <<"requests_", (i2b(I))/binary>>, [{requests, I}]}
                 || I <- lists:seq(Every, Requests, Every)]] ++ [{finish, stop}]}.

phantom_spec(K) ->
    #{id => <<"trace_phantom_", (i2b(K))/binary>>,
      description =>
          <<"phantom(Rec, ", (i2b(K))/binary, "): shows the trace perturbation of mbuf_size. "
            "Parks (spawned); L = build(80, []) (160 words, live); erlang:garbage_collect() "
            "(drops the spawn arguments); T = erlang:make_tuple(K, 0) (K + 1 words, live); "
            "erlang:garbage_collect() again (a major GC keeping 160 + K + 1 live words in the "
            "233-word heap while that fits, leaving heap_block_size - heap_size - stack_size "
            "free words) and parks (after_gc). When the second gc_major_end sees fewer than 8 "
            "free words the traced run ends with mbuf_size 5 (a phantom fragment, see the "
            "recorder header) that the untraced run does not have.">>,
      sources => [park, build, phantom],
      fn => phantom, params => [K], spawn_opts => [], monitor_at_spawn => false,
      steps => [{start, <<"spawned">>, []},
                {continue, <<"after_gc">>, [{tuple_words, K + 1}, {list_words, 160}]},
                {finish, continue}]}.

%% ===================================================================
%% the workloads (run in the traced process)
%% ===================================================================

%%% SOURCE park
%% Tell the recorder we are parked, then wait for the atom `continue`.
%% Both messages are atoms: no heap words on either side.
park(Rec) ->
    Rec ! parked,
    receive continue -> ok end.
%%% END

%%% SOURCE build
%% Prepend K, K-1, ..., 1 to Acc: one cons (2 words, heap need 2) per step.
build(0, Acc) -> Acc;
build(I, Acc) -> build(I - 1, [I | Acc]).
%%% END

%%% SOURCE heap_growth
heap_growth(Rec, N) ->
    park(Rec),                       % checkpoint "spawned"
    L = build(N, []),                % 2N words, all live
    park(Rec),                       % checkpoint "built" (L is live here)
    L.
%%% END

%%% SOURCE build_and_drop
build_and_drop(Rec, K, M, Batch) ->
    park(Rec),                       % checkpoint "spawned"
    bd_loop(Rec, 0, K, M, Batch, []).

bd_loop(Rec, I, K, M, Batch, Acc) when I < K ->
    _ = build(M, []),                % 2M words, garbage as soon as build returns
    Acc1 = [I | Acc],                % 2 live words per iteration
    case (I + 1) rem Batch of
        0 -> park(Rec);              % checkpoint "batch_<I+1>"
        _ -> ok
    end,
    bd_loop(Rec, I + 1, K, M, Batch, Acc1);
bd_loop(_Rec, _I, _K, _M, _Batch, Acc) ->
    Acc.
%%% END

%%% SOURCE min_heap
min_heap(Rec) ->
    park(Rec),                       % checkpoint "spawned"
    L1 = build(1000, []),            % 2000 words, live
    park(Rec),                       % checkpoint "list_1000"
    L2 = build(19000, L1),           % + 38000 words, live (20000 elements in all)
    park(Rec),                       % checkpoint "list_20000"
    L2.
%%% END

%%% SOURCE explicit_gc_self
explicit_gc_self(Rec) ->
    park(Rec),                       % checkpoint "spawned"
    L = build(2000, []),             % 4000 words
    Tail = lists:nthtail(1500, L),   % keep the last 500 conses (1000 words), no allocation
    park(Rec),                       % checkpoint "dropped"
    erlang:garbage_collect(),        % major GC requested by the process itself
    park(Rec),                       % checkpoint "after_major"
    _ = build(1000, []),             % 2000 words of garbage
    park(Rec),                       % checkpoint "garbage"
    erlang:garbage_collect(self(), [{type, minor}]),
    park(Rec),                       % checkpoint "after_minor"
    Tail.
%%% END

%%% SOURCE explicit_gc_external
explicit_gc_external(Rec) ->
    park(Rec),                       % checkpoint "spawned"
    L = build(2000, []),             % 4000 words
    Tail = lists:nthtail(1500, L),   % keep the last 500 conses (1000 words), no allocation
    park(Rec),                       % "dropped"; recorder: erlang:garbage_collect(Pid) -> "after_major"
    _ = build(1000, []),             % 2000 words of garbage
    park(Rec),                       % "garbage"; recorder: garbage_collect(Pid, [{type, minor}]) twice
    Tail.
%%% END

%%% SOURCE hibernator
hibernator(Rec, N) ->
    park(Rec),                       % checkpoint "spawned"
    L = build(N, []),                % 2N words, live
    Rec ! parked,                    % checkpoint "hibernated" (taken while hibernating)
    erlang:hibernate(?MODULE, hib_wake, [L, Rec]).

hib_wake(L, Rec) ->                  % runs on wake-up, with an empty stack
    receive continue -> ok end,
    T = build(10, []),               % 20 words, live
    park(Rec),                       % checkpoint "woken"
    {L, T}.
%%% END

%%% SOURCE bd_then_hibernate
bd_then_hibernate(Rec, K, M, Batch) ->
    park(Rec),                       % checkpoint "spawned"
    Acc = bd_loop(Rec, 0, K, M, Batch, []),
    Rec ! parked,                    % checkpoint "hibernated"
    erlang:hibernate(?MODULE, hib_wake, [Acc, Rec]).
%%% END

%%% SOURCE max_heap
max_heap(Rec, Steps, Batch) ->
    park(Rec),                       % checkpoint "spawned"
    mh_loop(Rec, Steps, Batch, []).

mh_loop(_Rec, 0, _Batch, Acc) ->
    Acc;
mh_loop(Rec, Steps, Batch, Acc) ->
    Acc1 = build(Batch, Acc),        % + 2*Batch words, everything live
    park(Rec),                       % checkpoint "step_<i>"
    mh_loop(Rec, Steps - 1, Batch, Acc1).
%%% END

%%% SOURCE server
server(Rec) ->
    Rec ! parked,                    % checkpoint "spawned" (taken in server_loop's receive)
    server_loop(Rec, 0, []).

server_loop(Rec, Count, Cache) ->
    receive
        request ->
            Tmp = build(250, []),                  % 500 words, garbage after the reply
            Rec ! length(Tmp) + length(Cache),     % a small integer: 0 words
            Cache1 = case Count rem 10 of
                         9 -> build(20, []);       % every 10th request: a new 40-word cache,
                         _ -> Cache                %   the previous one becomes garbage
                     end,
            server_loop(Rec, Count + 1, Cache1);
        stop ->
            Count
    end.
%%% END

%%% SOURCE server_no_cache
server_no_cache(Rec) ->
    Rec ! parked,                    % checkpoint "spawned" (taken in nc_loop's receive)
    nc_loop(Rec, {0, 0}).

nc_loop(Rec, State) ->
    receive
        request ->
            Tmp = build(250, []),    % 500 words, garbage after the reply
            {Count, Total} = State,
            Total1 = Total + length(Tmp),
            Rec ! Total1,            % a small integer: 0 words
            nc_loop(Rec, {Count + 1, Total1});  % 3-word state, the old one is garbage
        stop ->
            State
    end.
%%% END

%%% SOURCE phantom
phantom(Rec, K) ->
    park(Rec),                       % checkpoint "spawned"
    L = build(80, []),               % 160 words, live
    erlang:garbage_collect(),        % major: drops the 4 words of spawn arguments
    T = erlang:make_tuple(K, 0),     % K + 1 words, live
    erlang:garbage_collect(),        % major: live = 160 + K + 1 words
    park(Rec),                       % checkpoint "after_gc"
    {T, L}.
%%% END

%% ===================================================================
%% recorder side
%% ===================================================================

record_workload(#{id := Id} = W, Sources) ->
    T = run(W, true),
    U = run(W, false),
    #{checkpoints := TC, events := Events, exit := TExit} = T,
    #{checkpoints := UC, exit := UExit} = U,
    strip(TExit) =:= strip(UExit) orelse error({exit_differs, Id, TExit, UExit}),
    Perturbed = perturbed(TC, UC),
    io:format(standard_error, "~s: ~b events, ~b checkpoints~s~n",
              [Id, length(Events), length(TC),
               case Perturbed of [] -> ""; _ -> " (trace perturbed)" end]),
    #{description := Desc, sources := SrcNames, fn := Fn, params := Params,
      spawn_opts := Opts, monitor_at_spawn := Mon} = W,
    Src = iolist_to_binary(lists:join(<<"\n">>, [maps:get(S, Sources) || S <- SrcNames])),
    Args = args(Params),
    [<<"{">>, kv(<<"id">>, Id), <<",\n">>,
     kv(<<"description">>, Desc), <<",\n">>,
     kv(<<"source">>, Src), <<",\n">>,
     kv(<<"entry">>, iolist_to_binary(io_lib:format("~s/~b", [Fn, length(Params) + 1]))), <<", ">>,
     kv(<<"params">>, Params), <<", ">>,
     kv(<<"spawn_arg_words">>, erts_debug:flat_size(Args)), <<",\n">>,
     kv(<<"spawn_opts">>, spawn_opts_json(Opts)), <<", ">>,
     kv(<<"spawn_opts_erlang">>, iolist_to_binary(io_lib:format("~w", [Opts]))), <<", ">>,
     kv(<<"monitored_at_spawn">>, Mon), <<",\n">>,
     kv(<<"summary">>, summary(Events)), <<",\n">>,
     <<"\"events\": [\n">>, join([json(event_json(E)) || E <- Events], <<",\n">>), <<"\n],\n">>,
     <<"\"checkpoints\": [\n">>, join([json(cp_json(C)) || C <- TC], <<",\n">>), <<"\n],\n">>,
     <<"\"untraced_checkpoints\": [\n">>, join([json(cp_json(C)) || C <- UC], <<",\n">>), <<"\n],\n">>,
     kv(<<"trace_perturbed">>, [obj(P) || P <- Perturbed]), <<",\n">>,
     kv(<<"exit">>, exit_json(TExit)),
     <<"}">>].

strip(#{reason := R, step := S}) -> {R, S}.

%% Arguments built at run time (no literal sharing with this module's constants).
args(Params) ->
    [true = is_integer(P) || P <- Params],
    [self() | binary_to_term(term_to_binary(Params))].

run(#{fn := Fn, params := Params, spawn_opts := Opts, monitor_at_spawn := MonAtSpawn,
      steps := Steps, id := Id}, Traced) ->
    Col = case Traced of
              true -> spawn(?MODULE, collector, [[]]);
              false -> undefined
          end,
    SpawnOpts = case MonAtSpawn of true -> [monitor | Opts]; false -> Opts end,
    {Pid, MRef0} = case spawn_opt(?MODULE, Fn, args(Params), SpawnOpts) of
                       {P, R} -> {P, R};
                       P -> {P, undefined}
                   end,
    St0 = #{pid => Pid, mref => MRef0, col => Col, traced => Traced, id => Id,
            cps => [], exit => undefined},
    St = exec(Steps, St0),
    Events = case Col of
                 undefined -> [];
                 _ -> delivered(Pid), get_events(Col, stop)
             end,
    #{cps := Cps, exit := Exit} = St,
    #{checkpoints => lists:reverse(Cps), events => Events, exit => Exit}.

exec([], St) -> St;
exec([Step | Rest], St = #{pid := Pid, mref := MRef}) ->
    case Step of
        {start, Label, P} ->
            parked(St, waiting_receive),
            case St of
                #{traced := true, col := Col} ->
                    1 = erlang:trace(Pid, true, [garbage_collection, {tracer, Col}]);
                _ -> ok
            end,
            exec(Rest, checkpoint(Label, P, St));
        {continue, Label, P} ->
            Pid ! continue,
            step_result(parked(St, waiting_receive), Label, P, Rest, St);
        {continue_hib, Label, P} ->
            Pid ! continue,
            step_result(parked(St, hibernating), Label, P, Rest, St);
        {gc, GcOpts, Label, P} ->
            true = erlang:garbage_collect(Pid, GcOpts),
            wait_waiting(Pid, waiting_receive),
            exec(Rest, checkpoint(Label, P, St));
        {requests, K, Label, P} ->
            requests(Pid, K),
            wait_waiting(Pid, waiting_receive),
            exec(Rest, checkpoint(Label, P, St));
        {finish, Msg} ->
            Ref = case MRef of
                      undefined -> erlang:monitor(process, Pid);
                      _ -> MRef
                  end,
            Pid ! Msg,
            receive
                {'DOWN', Ref, process, Pid, Reason} ->
                    St#{exit := #{reason => Reason, step => <<"finish">>}}
            after ?TIMEOUT -> error({no_exit, maps:get(id, St)})
            end
    end.

step_result(ok, Label, P, Rest, St) ->
    exec(Rest, checkpoint(Label, P, St));
step_result({exited, Reason}, Label, _P, _Rest, St) ->
    %% the process died during this step: no more steps
    St#{exit := #{reason => Reason, step => Label}}.

%% Wait for the `parked` atom, then for the process to block.
parked(#{pid := Pid, mref := MRef, id := Id}, How) ->
    receive
        parked -> wait_waiting(Pid, How);
        {'DOWN', MRef, process, Pid, Reason} when MRef =/= undefined -> {exited, Reason}
    after ?TIMEOUT -> error({not_parked, Id})
    end.

wait_waiting(Pid, How) ->
    case process_info(Pid, [status, current_function]) of
        [{status, waiting}, {current_function, CF}] ->
            case {How, CF} of
                {hibernating, {erlang, hibernate, 3}} -> ok;
                {hibernating, _} -> error({not_hibernating, CF});
                {waiting_receive, {erlang, hibernate, 3}} -> error(unexpected_hibernation);
                {waiting_receive, _} -> ok
            end;
        _ ->
            erlang:yield(),
            wait_waiting(Pid, How)
    end.

requests(_Pid, 0) -> ok;
requests(Pid, K) ->
    Pid ! request,
    receive
        R when is_integer(R) -> requests(Pid, K - 1)
    after ?TIMEOUT -> error(no_reply)
    end.

checkpoint(Label, Params, St = #{pid := Pid, cps := Cps, traced := Traced}) ->
    AfterEvents = case Traced of
                      true -> delivered(Pid), count_events(maps:get(col, St));
                      false -> null
                  end,
    Items = [heap_size, total_heap_size, stack_size, memory, garbage_collection,
             message_queue_len, current_function, status],
    PI = process_info(Pid, Items),
    {garbage_collection_info, GI} = erlang:process_info(Pid, garbage_collection_info),
    Cp = #{label => Label, params => Params, after_events => AfterEvents,
           process_info => PI, gc_info => GI},
    St#{cps := [Cp | Cps]}.

delivered(Pid) ->
    Ref = erlang:trace_delivered(Pid),
    receive {trace_delivered, Pid, Ref} -> ok
    after ?TIMEOUT -> error(trace_not_delivered)
    end.

%% Collector: the tracer process. Keeps every trace message in arrival order.
collector(Acc) ->
    receive
        {count, From} -> From ! {count, length(Acc)}, collector(Acc);
        {stop, From} -> From ! {events, lists:reverse(Acc)};
        {trace, _, _, _} = T -> collector([T | Acc]);
        Other -> error({unexpected_trace_message, Other})
    end.

count_events(Col) ->
    Col ! {count, self()},
    receive {count, N} -> N after ?TIMEOUT -> error(collector) end.

get_events(Col, stop) ->
    Col ! {stop, self()},
    receive {events, Es} -> Es after ?TIMEOUT -> error(collector) end.

%% Fields that differ between the traced and the untraced checkpoints.
perturbed(TC, UC) ->
    length(TC) =:= length(UC) orelse error(checkpoint_count_differs),
    lists:append(
      [[[{<<"label">>, maps:get(label, T)}, {<<"field">>, atom_to_binary(F, utf8)},
         {<<"traced">>, VT}, {<<"untraced">>, VU}]
        || {F, VT, VU} <- cp_diff(T, U)]
       || {T, U} <- lists:zip(TC, UC)]).

cp_diff(#{label := L, process_info := PT, gc_info := GT},
        #{label := L, process_info := PU, gc_info := GU}) ->
    [{K, flat(V), flat(proplists:get_value(K, PU))}
     || {K, V} <- PT, K =/= garbage_collection, V =/= proplists:get_value(K, PU)] ++
    [{K, flat(V), flat(proplists:get_value(K, GU))}
     || {K, V} <- GT, V =/= proplists:get_value(K, GU)] ++
    [{minor_gcs, A, B}
     || {A, B} <- [{minor_gcs(PT), minor_gcs(PU)}], A =/= B].

minor_gcs(PI) -> proplists:get_value(minor_gcs, proplists:get_value(garbage_collection, PI)).

flat(V) when is_integer(V) -> V;
flat(V) -> iolist_to_binary(io_lib:format("~w", [V])).

%% ===================================================================
%% JSON building
%% ===================================================================

summary(Events) ->
    Tags = [T || {trace, _, T, _} <- Events],
    Count = fun(T) -> length([x || X <- Tags, X =:= T]) end,
    Failed = failed_minors(Events),
    obj([{<<"events">>, length(Tags)},
         {<<"minor_starts">>, Count(gc_minor_start)},
         {<<"failed_minors">>, Failed},
         {<<"successful_minors">>, Count(gc_minor_end) - Failed},
         {<<"majors">>, Count(gc_major_start)},
         {<<"max_heap_size_events">>, Count(gc_max_heap_size)}]).

%% A failed minor: gc_minor_start, gc_minor_end (wordsize 0, heap, old heap and high-water
%% mark unchanged), then gc_major_start of the same GC. (A major forced by fullsweep_after
%% has no gc_minor_start at all.)
failed_minors([{trace, _, gc_minor_start, I1} | [{trace, _, gc_minor_end, I2},
                                                  {trace, _, gc_major_start, _} | _] = Rest]) ->
    Same = [K || K <- [heap_block_size, heap_size, old_heap_block_size, old_heap_size,
                       recent_size],
                 proplists:get_value(K, I1) =:= proplists:get_value(K, I2)],
    case {length(Same), proplists:get_value(wordsize, I2)} of
        {5, 0} -> 1 + failed_minors(Rest);
        _ -> failed_minors(Rest)
    end;
failed_minors([_ | Rest]) -> failed_minors(Rest);
failed_minors([]) -> 0.

event_json({trace, _Pid, Tag, Info}) ->
    obj([{<<"event">>, atom_to_binary(Tag, utf8)},
         {<<"info">>, obj([{atom_to_binary(K, utf8), V} || {K, V} <- Info])}]).

cp_json(#{label := L, params := P, after_events := AE, process_info := PI, gc_info := GI}) ->
    PIJ = [{atom_to_binary(K, utf8), pi_value(K, V)} || {K, V} <- PI],
    obj([{<<"label">>, L},
         {<<"params">>, obj([{atom_to_binary(K, utf8), V} || {K, V} <- P])},
         {<<"after_events">>, AE},
         {<<"process_info">>, obj(PIJ)},
         {<<"garbage_collection_info">>, obj([{atom_to_binary(K, utf8), V} || {K, V} <- GI])}]).

pi_value(garbage_collection, GC) ->
    obj([{atom_to_binary(K, utf8), gc_value(V)} || {K, V} <- GC]);
pi_value(current_function, {M, F, A}) ->
    iolist_to_binary(io_lib:format("~s:~s/~b", [M, F, A]));
pi_value(status, S) -> atom_to_binary(S, utf8);
pi_value(_, V) -> V.

gc_value(M) when is_map(M) ->
    obj([{atom_to_binary(K, utf8), gc_value(V)} || {K, V} <- lists:sort(maps:to_list(M))]);
gc_value(A) when is_atom(A), A =/= true, A =/= false -> atom_to_binary(A, utf8);
gc_value(V) -> V.

spawn_opts_json(Opts) ->
    obj([{atom_to_binary(K, utf8), gc_value(V)} || {K, V} <- Opts]).

exit_json(#{reason := R, step := S}) ->
    obj([{<<"reason">>, iolist_to_binary(io_lib:format("~w", [R]))}, {<<"step">>, S}]).

%% ===================================================================
%% workload sources, read from this file
%% ===================================================================

read_sources() ->
    {ok, Bin} = file:read_file(escript:script_name()),
    Lines = binary:split(Bin, <<"\n">>, [global]),
    sources(Lines, undefined, [], #{}).

sources([], undefined, [], Acc) -> Acc;
sources([<<"%%% SOURCE ", Name/binary>> | Rest], undefined, [], Acc) ->
    sources(Rest, binary_to_atom(string:trim(Name), utf8), [], Acc);
sources([<<"%%% END", _/binary>> | Rest], Name, Lines, Acc) when Name =/= undefined ->
    Text = iolist_to_binary(lists:join(<<"\n">>, lists:reverse(Lines))),
    sources(Rest, undefined, [], Acc#{Name => <<Text/binary, "\n">>});
sources([_ | Rest], undefined, [], Acc) -> sources(Rest, undefined, [], Acc);
sources([L | Rest], Name, Lines, Acc) -> sources(Rest, Name, [L | Lines], Acc).

%% ===================================================================
%% minimal JSON encoder (output is UTF-8)
%% ===================================================================

kv(K, V) -> [json_string(K), <<": ">>, json(V)].

obj(KVs) -> {obj, KVs}.

json({obj, KVs}) -> [${, join([kv(K, V) || {K, V} <- KVs], <<", ">>), $}];
json(null) -> <<"null">>;
json(true) -> <<"true">>;
json(false) -> <<"false">>;
json(I) when is_integer(I) -> integer_to_binary(I);
json(B) when is_binary(B) -> json_string(B);
json(L) when is_list(L) -> [$[, join([json(X) || X <- L], <<", ">>), $]].

json_string(B) when is_binary(B) ->
    case binary:match(B, escape_patterns()) of
        nomatch -> [$", B, $"];
        _ -> [$", << <<(esc(C))/binary>> || <<C>> <= B >>, $"]
    end.

escape_patterns() -> [<<C>> || C <- [$", $\\ | lists:seq(0, 31)]].

esc($") -> <<"\\\"">>;
esc($\\) -> <<"\\\\">>;
esc($\n) -> <<"\\n">>;
esc($\r) -> <<"\\r">>;
esc($\t) -> <<"\\t">>;
esc($\b) -> <<"\\b">>;
esc($\f) -> <<"\\f">>;
esc(C) when C < 32 -> iolist_to_binary(io_lib:format("\\u~4.16.0b", [C]));
esc(C) -> <<C>>.

join([], _Sep) -> [];
join([H | T], Sep) -> [H | [[Sep, X] || X <- T]].
