#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% hibernate_router.escript -- beamlab BEAM oracle: a router that hibernates when its queue is
%% empty (the fixed variant of the router-pins-binaries scenario)
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/hibernate_router.escript tooling/beam-oracle/fixtures
%% writes <dir>/hibernate_router.json in about a second. Needs Erlang/OTP 25, one scheduler.
%%
%% WHAT IT RECORDS
%%   router(C) -> receive {data, B} -> C ! {data, B},
%%                  case process_info(self(), message_queue_len) of
%%                      {message_queue_len, 0} -> erlang:hibernate(?MODULE, router, [C]);
%%                      _ -> router(C) end end.
%%   spawned with [{min_heap_size, 10000}, {min_bin_vheap_size, 4194304}] (the scenario's
%%   tuning), traced with [garbage_collection]; the recorder sends 200 messages
%%   {data, binary:copy(Base)} (100,000 bytes each), one per ms (the router is hibernated when
%%   each arrives). Recorded after the last: the router's minor_gcs, the number of gc trace
%%   events by tag (hibernation itself sends none), memory, total_heap_size, its binaries.
%%   Finding: the router runs one minor collection per message after the first (the message
%%   arrives in a fragment at a hibernated, minimal heap and is collected in after the
%%   receive), and hibernation does not reset minor_gcs.
%%
%% DETERMINISM: repeated runs give identical files (checked).
-module(beamlab_hibernate_router_recorder).
-mode(compile).
-export([main/1, router/1, consumer/0]).

-define(N, 200).

consumer() -> receive {data, _} -> consumer() end.
router(C) ->
    receive {data, B} ->
        C ! {data, B},
        case process_info(self(), message_queue_len) of
            {message_queue_len, 0} -> erlang:hibernate(?MODULE, router, [C]);
            _ -> router(C)
        end
    end.

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Self = self(),
    Tr = spawn(fun() -> tracer(Self, []) end),
    C = spawn(?MODULE, consumer, []),
    R = spawn_opt(?MODULE, router, [C], [{min_heap_size, 10000}, {min_bin_vheap_size, 4194304}]),
    erlang:trace(R, true, [garbage_collection, {tracer, Tr}]),
    Base = binary:copy(<<7>>, 100000),
    [begin R ! {data, binary:copy(Base)}, receive after 1 -> ok end end || _ <- lists:seq(1, ?N)],
    wait_idle(R, 100),
    [{garbage_collection, G}, {memory, M}, {total_heap_size, T}, {binary, B}] =
        process_info(R, [garbage_collection, memory, total_heap_size, binary]),
    erlang:trace(R, false, [garbage_collection]),
    Tr ! get,
    Evs = receive {events, E} -> E end,
    Count = fun(Tag) -> length([x || {trace, _, Tg, _} <- Evs, Tg =:= Tag]) end,
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"hibernate_router.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           kv(<<"messages">>, ?N), <<", ">>, kv(<<"binary_bytes">>, 100000), <<",\n">>,
           kv(<<"minor_gcs">>, proplists:get_value(minor_gcs, G)), <<", ">>,
           kv(<<"gc_minor_start">>, Count(gc_minor_start)), <<", ">>,
           kv(<<"gc_major_start">>, Count(gc_major_start)), <<",\n">>,
           kv(<<"memory">>, M), <<", ">>, kv(<<"total_heap_size">>, T), <<", ">>,
           kv(<<"binaries">>, length(B)), <<"\n}\n">>],
    Path = filename:join(OutDir, "hibernate_router.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript hibernate_router.escript OUTPUT_DIR~n", []),
    halt(1).

tracer(To, Acc) ->
    receive
        get -> To ! {events, lists:reverse(Acc)};
        T -> tracer(To, [T | Acc])
    end.

wait_idle(_P, 0) -> ok;
wait_idle(P, K) ->
    case process_info(P, [status, message_queue_len]) of
        [{status, waiting}, {message_queue_len, 0}] -> ok;
        _ -> receive after 1 -> wait_idle(P, K - 1) end
    end.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].
