#!/usr/bin/env escript
%% -*- erlang -*-
%%
%% refc_traces.escript -- beamlab BEAM oracle: refc binaries, ProcBins, sub-binaries and the
%% binary virtual heap, measured on real processes.
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/refc_traces.escript tooling/beam-oracle/fixtures
%% writes <dir>/refc_traces.json in a few seconds. Needs Erlang/OTP 25 (recorded with erts
%% 13.1.5, 64-bit, JIT, default emulator flags).
%%
%% WHAT IT RECORDS (every number is measured on the running BEAM from outside the measured
%% processes; nothing is computed here except sums and sorting of measured values)
%%   Workloads (see workloads/0):
%%   * router_<Size>: three processes, consumer, router, producer (spawned in that order with
%%     spawn_opt(?MODULE, Fun, [Rec | Params], [])). Each step the recorder sends the atom
%%     `go` to the producer, which builds a binary <<0:(Size*8)>> and sends it to the
%%     router, which forwards it to the consumer, which drops it and answers `got`.
%%   * keeper_<Mode>_<K>: one process that, at each `next`, builds a payload
%%     <<0:(PSize*8)>>, cuts a part of K bytes from it (binary:part/3, matching
%%     <<_:10/binary, X:K/binary, _/binary>>, with or without binary:copy/1; Mode whole keeps
%%     the payload itself: the accumulating process), keeps it in a list and answers `done`.
%%   Every workload is run TWICE, in new processes: traced (erlang:trace(Pid, true,
%%   [garbage_collection, {tracer, Collector}]) on every process of the workload, set while
%%   they wait for their first message) and untraced (checkpoints only).
%%   Checkpoints: after a step's answer, the recorder waits until every process of the
%%   workload has status `waiting` (blocked in its receive) and then measures each with
%%   process_info(P, [heap_size, total_heap_size, stack_size, garbage_collection, binary])
%%   and erlang:process_info(P, garbage_collection_info). `binary` is recorded as sorted
%%   [ByteSize, RefCount] pairs (the ids are addresses and differ between runs).
%%   "refc_bytes": the sum of the byte sizes of the distinct refc binaries (by id) that the
%%   workload's processes reference: the number the model's store must match exactly.
%%   "memory_binary": erlang:memory(binary) minus its value before the workload started.
%%   It counts the allocator's view (headers, alignment, carriers) of every off-heap binary
%%   in the node, so it is larger than refc_bytes and not reproducible exactly: it is a
%%   volatile field (its checkpoints list it in "volatile_fields").
%%
%% PROTOCOL (atoms only: 0 heap words; one step at a time, so every message is delivered to
%%   a process that is blocked in its receive and never racing with it: the on-heap /
%%   in-fragment decision of the sender then depends only on the receiver's free heap)
%%
%% DETERMINISM: no pids, refs, addresses or timings are recorded except memory_binary.
-module(beamlab_refc_traces_recorder).
-mode(compile).

-export([main/1, collector/1]).
-export([producer/3, router/2, consumer/1, keeper/4]).

-define(TIMEOUT, 60000).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Ws = [json(record(W)) || W <- workloads()],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"refc_traces.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           kv(<<"defaults">>, defaults()), <<",\n">>,
           <<"\"workloads\": [\n">>, join(Ws, <<",\n">>), <<"\n]\n">>,
           <<"}\n">>],
    Path = filename:join(OutDir, "refc_traces.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s: ~b workloads~n", [Path, length(Ws)]);
main(_) ->
    io:format(standard_error, "usage: escript refc_traces.escript OUTPUT_DIR~n", []),
    halt(1).

defaults() ->
    {min_bin_vheap_size, MinVheap} = erlang:system_info(min_bin_vheap_size),
    {min_heap_size, MinHeap} = erlang:system_info(min_heap_size),
    obj([{<<"min_heap_size">>, MinHeap}, {<<"min_bin_vheap_size">>, MinVheap}]).

%% #{id, kind, params, steps, every}
workloads() ->
    [#{id => <<"router_100000">>, kind => router, size => 100000, steps => 40, every => 1},
     #{id => <<"router_200">>, kind => router, size => 200, steps => 400, every => 10},
     #{id => <<"keeper_part_16">>, kind => keeper, mode => part, psize => 65536, k => 16, steps => 24, every => 1},
     #{id => <<"keeper_part_100">>, kind => keeper, mode => part, psize => 65536, k => 100, steps => 24, every => 1},
     #{id => <<"keeper_part_copy_16">>, kind => keeper, mode => part_copy, psize => 65536, k => 16, steps => 24, every => 1},
     #{id => <<"keeper_part_copy_100">>, kind => keeper, mode => part_copy, psize => 65536, k => 100, steps => 24, every => 1},
     #{id => <<"keeper_match_16">>, kind => keeper, mode => match, psize => 65536, k => 16, steps => 24, every => 1},
     #{id => <<"keeper_match_100">>, kind => keeper, mode => match, psize => 65536, k => 100, steps => 24, every => 1},
     #{id => <<"keeper_match_copy_100">>, kind => keeper, mode => match_copy, psize => 65536, k => 100, steps => 24, every => 1},
     #{id => <<"keeper_whole_10000">>, kind => keeper, mode => whole, psize => 10000, k => 0, steps => 150, every => 1}].

%% ===================================================================
%% the measured programs
%% ===================================================================

%%% SOURCE producer
producer(Rec, Router, Size) ->
    receive
        go -> B = <<0:(Size * 8)>>, Router ! B, producer(Rec, Router, Size);
        stop -> ok
    end.
%%% END

%%% SOURCE router
router(Rec, Consumer) ->
    receive
        B when is_binary(B) -> Consumer ! B, router(Rec, Consumer);
        stop -> ok
    end.
%%% END

%%% SOURCE consumer
consumer(Rec) ->
    receive
        B when is_binary(B) -> Rec ! got, consumer(Rec);
        stop -> ok
    end.
%%% END

%%% SOURCE keeper
keeper(Rec, Mode, PSize, K) -> keeper_loop(Rec, Mode, PSize, K, []).

keeper_loop(Rec, Mode, PSize, K, Acc) ->
    receive
        next ->
            P = <<0:(PSize * 8)>>,
            X = cut(Mode, P, K),
            Rec ! done,
            keeper_loop(Rec, Mode, PSize, K, [X | Acc]);
        stop -> length(Acc)
    end.

cut(whole, P, _) -> P;
cut(part, P, K) -> binary:part(P, 10, K);
cut(part_copy, P, K) -> binary:copy(binary:part(P, 10, K));
cut(match, P, K) -> <<_:10/binary, X:K/binary, _/binary>> = P, X;
cut(match_copy, P, K) -> <<_:10/binary, X:K/binary, _/binary>> = P, binary:copy(X).
%%% END

%% ===================================================================
%% recording
%% ===================================================================

record(W = #{id := Id}) ->
    Traced = run(W, true),
    Untraced = run(W, false),
    Params = maps:without([id, kind], W),
    obj([{<<"id">>, Id},
         {<<"kind">>, atom_to_binary(maps:get(kind, W), utf8)},
         {<<"params">>, obj([{atom_to_binary(K, utf8), pval(V)} || {K, V} <- lists:sort(maps:to_list(Params))])},
         {<<"traced">>, Traced},
         {<<"untraced">>, Untraced}]).

pval(V) when is_atom(V) -> atom_to_binary(V, utf8);
pval(V) -> V.

spawn_all(#{kind := router, size := Size}) ->
    Rec = self(),
    C = spawn_opt(?MODULE, consumer, [Rec], []),
    R = spawn_opt(?MODULE, router, [Rec, C], []),
    P = spawn_opt(?MODULE, producer, [Rec, R, Size], []),
    [{producer, P}, {router, R}, {consumer, C}];
spawn_all(#{kind := keeper, mode := Mode, psize := PSize, k := K}) ->
    [{keeper, spawn_opt(?MODULE, keeper, [self(), Mode, PSize, K], [])}].

step(#{kind := router}, Procs) ->
    proplists:get_value(producer, Procs) ! go,
    receive got -> ok after ?TIMEOUT -> error(no_got) end;
step(#{kind := keeper}, Procs) ->
    proplists:get_value(keeper, Procs) ! next,
    receive done -> ok after ?TIMEOUT -> error(no_done) end.

run(W = #{steps := Steps, every := Every}, Traced) ->
    erlang:garbage_collect(),
    Base = erlang:memory(binary),
    Procs = spawn_all(W),
    [wait_waiting(P) || {_, P} <- Procs],
    Col = case Traced of
              true ->
                  C = spawn(?MODULE, collector, [[]]),
                  [1 = erlang:trace(P, true, [garbage_collection, {tracer, C}]) || {_, P} <- Procs],
                  C;
              false -> undefined
          end,
    Cp0 = checkpoint(0, Procs, Base),
    Cps = lists:foldl(
            fun(I, Acc) ->
                    step(W, Procs),
                    [wait_waiting(P) || {_, P} <- Procs],
                    case I rem Every =:= 0 of
                        true -> [checkpoint(I, Procs, Base) | Acc];
                        false -> Acc
                    end
            end, [Cp0], lists:seq(1, Steps)),
    Events = case Traced of
                 true ->
                     [delivered(P) || {_, P} <- Procs],
                     Col ! {stop, self()},
                     receive {events, Es} -> Es after ?TIMEOUT -> error(collector) end;
                 false -> []
             end,
    [begin MRef = monitor(process, P), P ! stop,
           receive {'DOWN', MRef, _, _, _} -> ok end end || {_, P} <- Procs],
    EvJson = obj([{atom_to_binary(Role, utf8),
                   [event_json(E) || E = {trace, P, _, _} <- Events, P =:= Pid]}
                  || {Role, Pid} <- Procs]),
    obj([{<<"events">>, EvJson}, {<<"checkpoints">>, lists:reverse(Cps)}]).

wait_waiting(Pid) ->
    case process_info(Pid, status) of
        {status, waiting} -> ok;
        _ -> erlang:yield(), wait_waiting(Pid)
    end.

delivered(Pid) ->
    Ref = erlang:trace_delivered(Pid),
    receive {trace_delivered, Pid, Ref} -> ok after ?TIMEOUT -> error(trace_not_delivered) end.

collector(Acc) ->
    receive
        {stop, From} -> From ! {events, lists:reverse(Acc)};
        {trace, _, _, _} = T -> collector([T | Acc]);
        Other -> error({unexpected_trace_message, Other})
    end.

checkpoint(Step, Procs, Base) ->
    PerProc = [{Role, measure(P)} || {Role, P} <- Procs],
    Ids = lists:usort(lists:append([Ids || {_, {_, Ids}} <- PerProc])),
    RefcBytes = lists:sum([S || {_, S} <- Ids]),
    MemBin = erlang:memory(binary) - Base,
    obj([{<<"step">>, Step},
         {<<"refc_bytes">>, RefcBytes},
         {<<"memory_binary">>, MemBin},
         {<<"volatile_fields">>, [<<"memory_binary">>]},
         {<<"processes">>, obj([{atom_to_binary(Role, utf8), J} || {Role, {J, _}} <- PerProc])}]).

measure(P) ->
    [{heap_size, HS}, {total_heap_size, THS}, {stack_size, SS}, {garbage_collection, GC}, {binary, Bins}] =
        process_info(P, [heap_size, total_heap_size, stack_size, garbage_collection, binary]),
    {garbage_collection_info, GI} = erlang:process_info(P, garbage_collection_info),
    Pairs = lists:sort([[S, R] || {_, S, R} <- Bins]),
    J = obj([{<<"heap_size">>, HS}, {<<"total_heap_size">>, THS}, {<<"stack_size">>, SS},
             {<<"minor_gcs">>, proplists:get_value(minor_gcs, GC)},
             {<<"binary">>, Pairs},
             {<<"gc_info">>, obj([{atom_to_binary(K, utf8), V} || {K, V} <- GI])}]),
    {J, [{Id, S} || {Id, S, _} <- Bins]}.

event_json({trace, _Pid, Tag, Info}) ->
    obj([{<<"event">>, atom_to_binary(Tag, utf8)},
         {<<"info">>, obj([{atom_to_binary(K, utf8), V} || {K, V} <- Info])}]).

%% ===================================================================
%% minimal JSON encoder
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

json_string(B) when is_binary(B) -> [$", B, $"].

join([], _Sep) -> [];
join([H | T], Sep) -> [H | [[Sep, X] || X <- T]].
