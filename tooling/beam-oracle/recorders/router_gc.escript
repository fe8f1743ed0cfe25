#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% router_gc.escript -- beamlab BEAM oracle: a router forwarding 100 KB refc binaries to a
%% consumer that drops them; every GC of both, and their binaries at checkpoints
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/router_gc.escript tooling/beam-oracle/fixtures
%% writes <dir>/router_gc.json in about a second. Needs Erlang/OTP 25, one scheduler.
%%
%% WHAT IT RECORDS
%%   consumer() -> receive {data, _} -> consumer() end.
%%   router(C)  -> receive {data, B} -> C ! {data, B}, router(C) end.
%%   The recorder (the producer) sends {data, binary:copy(Base)} (Base: 100,000 bytes, so each
%%   message carries a fresh refc binary) to the router, in 4 rounds of 500; after each round it
%%   waits until both are idle and records process_info(P, binary) (the ProcBins' sizes) and
%%   memory items of both ("checkpoints"). Both are traced with
%%   erlang:trace(P, true, [garbage_collection]) from their start; every gc_minor_start/end and
%%   gc_major_start/end is recorded with heap_size, heap_block_size, old_heap_block_size,
%%   bin_vheap_size, bin_vheap_block_size, bin_old_vheap_size, bin_old_vheap_block_size and
%%   mbuf_size ("events", in order, per process).
%%
%% DETERMINISM: with one scheduler the interleaving follows reductions only; repeated runs give
%%   identical files (checked).
-module(beamlab_router_gc_recorder).
-mode(compile).
-export([main/1, consumer/0, router/1]).

-define(ROUNDS, 4).
-define(PER_ROUND, 500).
-define(BYTES, 100000).
-define(ITEMS, [heap_size, heap_block_size, old_heap_block_size, bin_vheap_size,
                bin_vheap_block_size, bin_old_vheap_size, bin_old_vheap_block_size, mbuf_size]).

consumer() -> receive {data, _} -> consumer() end.
router(C) -> receive {data, B} -> C ! {data, B}, router(C) end.

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Tracer = spawn(fun() -> tracer([]) end),
    C = spawn(?MODULE, consumer, []),
    R = spawn(?MODULE, router, [C]),
    erlang:trace(C, true, [garbage_collection, {tracer, Tracer}]),
    erlang:trace(R, true, [garbage_collection, {tracer, Tracer}]),
    wait_idle(C, 100), wait_idle(R, 100),
    Base = binary:copy(<<7>>, ?BYTES),
    Cps = [begin
               send_n(R, Base, ?PER_ROUND),
               wait_idle(R, 1000), wait_idle(C, 1000),
               checkpoint(I * ?PER_ROUND, R, C)
           end || I <- lists:seq(1, ?ROUNDS)],
    erlang:trace(C, false, [garbage_collection]),
    erlang:trace(R, false, [garbage_collection]),
    Tracer ! {get, self()},
    Evs = receive {events, E} -> E end,
    Ev = fun(P) -> [event(T, Info) || {trace, Pid, T, Info} <- Evs, Pid =:= P] end,
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"router_gc.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           kv(<<"binary_bytes">>, ?BYTES), <<", ">>, kv(<<"messages">>, ?ROUNDS * ?PER_ROUND), <<",\n">>,
           <<"\"checkpoints\": [\n">>, join(Cps, <<",\n">>), <<"\n],\n">>,
           <<"\"router_events\": [\n">>, join(Ev(R), <<",\n">>), <<"\n],\n">>,
           <<"\"consumer_events\": [\n">>, join(Ev(C), <<",\n">>), <<"\n]\n">>,
           <<"}\n">>],
    Path = filename:join(OutDir, "router_gc.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript router_gc.escript OUTPUT_DIR~n", []),
    halt(1).

send_n(_R, _Base, 0) -> ok;
send_n(R, Base, N) -> R ! {data, binary:copy(Base)}, send_n(R, Base, N - 1).

tracer(Acc) ->
    receive
        {get, To} -> To ! {events, lists:reverse(Acc)};
        {trace, _, _, _} = T -> tracer([T | Acc])
    end.

event(Tag, Info) ->
    [<<"{">>, kv(<<"tag">>, atom_to_binary(Tag)), <<", ">>,
     join([kv(atom_to_binary(K), proplists:get_value(K, Info)) || K <- ?ITEMS], <<", ">>), <<"}">>].

checkpoint(N, R, C) ->
    [<<"{">>, kv(<<"messages">>, N), <<", \"router\": ">>, proc(R), <<", \"consumer\": ">>, proc(C), <<"}">>].

proc(P) ->
    [{binary, B}, {memory, M}, {total_heap_size, T}, {garbage_collection, G}] =
        process_info(P, [binary, memory, total_heap_size, garbage_collection]),
    [<<"{">>, kv(<<"memory">>, M), <<", ">>, kv(<<"total_heap_size">>, T), <<", ">>,
     kv(<<"minor_gcs">>, proplists:get_value(minor_gcs, G)), <<", \"binaries\": [">>,
     join([integer_to_binary(S) || {_, S, _} <- B], <<", ">>), <<"]}">>].

wait_idle(_P, 0) -> ok;
wait_idle(P, K) ->
    case process_info(P, [status, message_queue_len]) of
        [{status, waiting}, {message_queue_len, 0}] -> ok;
        _ -> receive after 1 -> wait_idle(P, K - 1) end
    end.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
