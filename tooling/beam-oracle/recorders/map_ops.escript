#!/usr/bin/env escript
%% -*- erlang -*-
%%
%% map_ops.escript -- beamlab BEAM oracle: heap words that maps:put/3 and maps:remove/2 allocate
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/map_ops.escript tooling/beam-oracle/fixtures
%% writes <dir>/map_ops.json in well under a second. Needs Erlang/OTP 25 (recorded with erts
%% 13.1.5, 64-bit).
%%
%% WHAT IT RECORDS
%% For maps of N integer keys 1..N with value [] (built by maps:from_list), a worker process
%% (min_heap_size 200000, so no GC runs) applies one operation per message and keeps every
%% result alive; the recorder reads the worker's heap top (garbage_collection_info heap_size)
%% from outside while the worker waits, before and after each operation. "words" is that
%% difference minus the difference of a no-op message (the same message shape with a fun that
%% captures N like the operations' funs and returns the map itself: the message and the list
%% cell that keeps the result).
%% Operations: put_new (maps:put(N + 1000, [], M)), update (maps:put(K, x, M) of an existing
%% key K = 7 or 1 when N < 7), remove (maps:remove(K, M) of the present key K = min(5, N): for N = 1 the last key), and the
%% map syntax `M#{K => V}` (the put_map_assoc instruction, not the BIF): assoc_new (a new key
%% N + 1000) and assoc_update (the update's key). The key is read from the process dictionary
%% so that erlc cannot fold it into a literal, and the fun captures N like the others.
%%
%% DETERMINISM: integer keys, no pids or refs; each reading is taken with the worker idle.
-module(beamlab_map_ops_recorder).
-mode(compile).

-export([main/1]).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Ns = [0, 1, 2, 5, 16, 31, 32, 33, 40, 64, 100, 200, 1000, 4096],
    Rows = [row(N, Op, words(N, Op)) || N <- Ns, Op <- ops(N)],
    Doc = [<<"{\n">>,
           <<"\"recorder\": \"map_ops.escript\",\n">>,
           <<"\"otp_release\": \"">>, erlang:system_info(otp_release), <<"\", ">>,
           <<"\"erts_version\": \"">>, erlang:system_info(version), <<"\", ">>,
           <<"\"wordsize\": ">>, integer_to_list(erlang:system_info(wordsize)), <<",\n">>,
           <<"\"ops\": [\n">>, lists:join(<<",\n">>, Rows), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "map_ops.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript map_ops.escript OUTPUT_DIR~n", []),
    halt(1).

%% The empty map (#{}, a literal) has no key to update or remove.
ops(0) -> [put_new, assoc_new];
ops(_) -> [put_new, update, remove, assoc_new, assoc_update].

row(N, Op, W) ->
    io_lib:format("{\"n\": ~b, \"op\": \"~s\", \"key\": ~b, \"words\": ~b}", [N, Op, key(N, Op), W]).

key(N, put_new) -> N + 1000;
key(N, update) -> min(7, N);
key(N, remove) -> min(5, N);
key(N, assoc_new) -> key(N, put_new);
key(N, assoc_update) -> key(N, update).

op(N, put_new) -> fun(M) -> maps:put(key(N, put_new), [], M) end;
op(N, update) -> fun(M) -> maps:put(key(N, update), x, M) end;
op(N, remove) -> fun(M) -> maps:remove(key(N, remove), M) end;
op(N, assoc_new) -> fun(M) -> K = get(zero) + key(N, assoc_new), M#{K => []} end;
op(N, assoc_update) -> fun(M) -> K = get(zero) + key(N, assoc_update), M#{K => x} end.

words(N, Op) ->
    P = spawn_opt(fun() -> put(zero, 0), worker(maps:from_list([{K, []} || K <- lists:seq(1, N)]), []) end,
                  [{min_heap_size, 200000}]),
    Noop = delta(P, fun(M) when N >= 0 -> M end), % captures N like the operations' funs
    W = delta(P, op(N, Op)),
    P ! stop,
    W - Noop.

delta(P, F) ->
    U0 = used(P),
    P ! {apply, F},
    U1 = used(P),
    U1 - U0.

worker(M, Keep) ->
    receive
        {apply, F} -> worker(M, [F(M) | Keep]);
        stop -> ok
    end.

used(P) -> used(P, 200).
used(P, 0) -> heap_top(P);
used(P, K) ->
    case process_info(P, [status, message_queue_len]) of
        [{status, waiting}, {message_queue_len, 0}] -> heap_top(P);
        _ -> receive after 1 -> used(P, K - 1) end
    end.

heap_top(P) ->
    {garbage_collection_info, G} = process_info(P, garbage_collection_info),
    proplists:get_value(heap_size, G).
