#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% kit_blocks.escript -- beamlab BEAM oracle: GC traces of workloads built from one OTP building
%% block each (lists:seq, lists:map, lists:foldl, lists:reverse, lists:duplicate, lists:flatten,
%% length), the per-block fixture of the workload kit (issue 12)
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/kit_blocks.escript tooling/beam-oracle/fixtures
%% writes <dir>/kit_blocks.json in about a second. Needs Erlang/OTP 25, one scheduler.
%%
%% WHAT IT RECORDS
%%   For each workload W (below, with its size N and repetitions K): a process
%%   spawn(?MODULE, run, [W, K, N]) that waits for `go`, builds its input on its own heap, calls
%%   the block K times dropping each result (W/2 below: `_ = Block(...), W(K - 1, ...)`; for the
%%   BIFs the compiler would drop as pure, the result is passed to the next call instead), then
%%   waits for `stop`. The process is traced with erlang:trace(P, true, [garbage_collection])
%%   from its start; every gc_minor_start/end and gc_major_start/end is recorded in order with
%%   heap_size, heap_block_size, old_heap_size, old_heap_block_size, mbuf_size, stack_size and
%%   recent_size, and process_info(P, [reductions, heap_size, total_heap_size]) once it waits
%%   for `stop` ("final"). The workload functions are in this file, as compiled (`erlc -S` of
%%   them is what the twins follow).
%%
%% DETERMINISM: one scheduler, no timers in the workloads; repeated runs give identical files.
-module(beamlab_kit_blocks_recorder).
-mode(compile).
-export([main/1, run/3]).

-define(ITEMS, [heap_size, heap_block_size, old_heap_size, old_heap_block_size, mbuf_size,
                stack_size, recent_size]).
-define(WORKLOADS, [{seq, 8, 2000}, {map, 8, 2000}, {foldl, 8, 2000}, {reverse, 8, 2000},
                    {duplicate, 8, 2000}, {flatten, 8, 1000}, {len, 8, 2000},
                    {integer_to_binary, 3000, 1000003}, {integer_to_list, 3000, 1000003},
                    {atom_to_list, 3000, 0}, {binary_to_list, 300, 100},
                    {list_to_binary, 300, 100}, {iolist_to_binary, 300, 100},
                    {term_to_binary, 300, 100}, {maps_put, 8, 200},
                    {lc_double, 8, 2000}, {lc_pairs, 8, 2000},
                    {lc_filter, 8, 2000}, {lc_product, 8, 200}, {tuple_build, 8, 1000},
                    {map_literal, 8, 1000}, {maps_get, 8, 1000}, {maps_from_list_flat, 300, 20},
                    {maps_from_list_hamt, 30, 200}, {binary_to_term, 300, 100},
                    {binary_copy, 300, 100}, {binary_copy_small, 3000, 40},
                    {binary_part, 3000, 100}]).
%% maps_get's map: a literal of the module (20 keys, a flatmap), read with map_get.
-define(MAP20, #{1 => a, 2 => b, 3 => c, 4 => d, 5 => e, 6 => f, 7 => g, 8 => h, 9 => i, 10 => j,
                 11 => k, 12 => l, 13 => m, 14 => n, 15 => o, 16 => p, 17 => q, 18 => r, 19 => s,
                 20 => t}).

run(W, K, N) ->
    receive go -> ok end,
    ok = block(W, K, N),
    receive stop -> ok end.

block(seq, K, N) -> seq(K, N);
block(duplicate, K, N) -> duplicate(K, N);
block(flatten, K, N) -> flatten(K, [[I, [I]] || I <- lists:seq(1, N)]);
block(integer_to_binary, K, X) -> i2b(K, X);
block(integer_to_list, K, X) -> i2l(K, X);
block(atom_to_list, K, N) -> a2l(K, list_to_atom(lists:duplicate(20, $a + N)), []);
block(binary_to_list, K, N) -> b2l(K, list_to_binary(lists:duplicate(N, $a)));
block(list_to_binary, K, N) -> l2b(K, lists:duplicate(N, $a));
block(iolist_to_binary, K, N) -> io2b(K, [lists:duplicate(N, $a), <<"tail">>]);
block(term_to_binary, K, N) -> t2b(K, lists:seq(1, N), <<>>);
block(maps_put, K, N) -> mput(K, N, #{});
block(lc_product, K, N) -> lcx(K, lists:seq(1, N), lists:seq(1, 10), []);
block(tuple_build, K, N) -> tup(K, N, []);
block(map_literal, K, N) -> mlit(K, N, []);
block(maps_get, K, N) -> mget(K, N, []);
block(maps_from_list_flat, K, N) -> mfl(K, [{I, I} || I <- lists:seq(1, N)], #{});
block(maps_from_list_hamt, K, N) -> mfl(K, [{I, I} || I <- lists:seq(1, N)], #{});
block(binary_to_term, K, N) -> b2t(K, term_to_binary(lists:seq(1, N)), []);
block(binary_copy, K, N) -> bcopy(K, list_to_binary(lists:duplicate(N, $a)), <<>>);
block(binary_copy_small, K, N) -> bcopy1(K, list_to_binary(lists:duplicate(N, $a)), <<>>);
block(binary_part, K, N) -> bpart(K, list_to_binary(lists:duplicate(N, $a)), <<>>);
block(W, K, N) -> list_block(W, K, lists:seq(1, N)).

list_block(map, K, L) -> map(K, L);
list_block(foldl, K, L) -> foldl(K, L);
list_block(reverse, K, L) -> reverse(K, L);
list_block(len, K, L) -> len(K, L);
list_block(lc_double, K, L) -> lcd(K, L, []);
list_block(lc_pairs, K, L) -> lcp(K, L, []);
list_block(lc_filter, K, L) -> lcf(K, L, []).

seq(0, _) -> ok;
seq(K, N) -> _ = lists:seq(1, N), seq(K - 1, N).
map(0, _) -> ok;
map(K, L) -> _ = lists:map(fun(X) -> X + 1 end, L), map(K - 1, L).
foldl(0, _) -> ok;
foldl(K, L) -> _ = lists:foldl(fun(X, A) -> [X | A] end, [], L), foldl(K - 1, L).
reverse(0, _) -> ok;
reverse(K, L) -> _ = lists:reverse(L), reverse(K - 1, L).
duplicate(0, _) -> ok;
duplicate(K, N) -> _ = lists:duplicate(N, x), duplicate(K - 1, N).
flatten(0, _) -> ok;
flatten(K, L) -> _ = lists:flatten(L), flatten(K - 1, L).
len(0, _) -> ok;
len(K, L) -> _ = length(L), len(K - 1, L).
i2b(0, _) -> ok;
i2b(K, X) -> _ = integer_to_binary(K * X), i2b(K - 1, X).
i2l(0, _) -> ok;
i2l(K, X) -> _ = integer_to_list(K * X), i2l(K - 1, X).
a2l(0, _, _) -> ok;
a2l(K, A, _) -> a2l(K - 1, A, atom_to_list(A)).
b2l(0, _) -> ok;
b2l(K, B) -> _ = binary_to_list(B), b2l(K - 1, B).
l2b(0, _) -> ok;
l2b(K, L) -> _ = list_to_binary(L), l2b(K - 1, L).
io2b(0, _) -> ok;
io2b(K, L) -> _ = iolist_to_binary(L), io2b(K - 1, L).
t2b(0, _, _) -> ok;
t2b(K, T, _) -> t2b(K - 1, T, term_to_binary(T)).
lcd(0, _, _) -> ok;
lcd(K, L, _) -> lcd(K - 1, L, [X * 2 || X <- L]).
lcp(0, _, _) -> ok;
lcp(K, L, _) -> lcp(K - 1, L, [{X, X} || X <- L]).
lcf(0, _, _) -> ok;
lcf(K, L, _) -> lcf(K - 1, L, [X * 2 || X <- L, X rem 3 =:= 0]).
lcx(0, _, _, _) -> ok;
lcx(K, L1, L2, _) -> lcx(K - 1, L1, L2, [{X, Y} || X <- L1, Y <- L2]).
tup(0, _, _) -> ok;
tup(K, N, _) -> tup(K - 1, N, tup_n(N, [])).
tup_n(0, Acc) -> Acc;
tup_n(I, Acc) -> tup_n(I - 1, [{I, I, x} | Acc]).
mlit(0, _, _) -> ok;
mlit(K, N, _) -> mlit(K - 1, N, mlit_n(N, [])).
mlit_n(0, Acc) -> Acc;
mlit_n(I, Acc) -> mlit_n(I - 1, [#{a => I, b => I, c => x} | Acc]).
mget(0, _, _) -> ok;
mget(K, N, _) -> mget(K - 1, N, mget_n(N, ?MAP20, [])).
mget_n(0, _, Acc) -> Acc;
mget_n(I, M, Acc) -> mget_n(I - 1, M, [maps:get(I rem 20 + 1, M) | Acc]).
mfl(0, _, _) -> ok;
mfl(K, L, _) -> mfl(K - 1, L, maps:from_list(L)).
b2t(0, _, _) -> ok;
b2t(K, B, _) -> b2t(K - 1, B, binary_to_term(B)).
bcopy(0, _, _) -> ok;
bcopy(K, B, _) -> bcopy(K - 1, B, binary:copy(B, 3)).
bcopy1(0, _, _) -> ok;
bcopy1(K, B, _) -> bcopy1(K - 1, B, binary:copy(B)).
bpart(0, _, _) -> ok;
bpart(K, B, _) -> bpart(K - 1, B, binary:part(B, 1, 10)).
mput(0, _, _) -> ok;
mput(K, N, M0) -> _ = mput_n(N, M0), mput(K - 1, N, M0).
mput_n(0, M) -> M;
mput_n(I, M) -> mput_n(I - 1, M#{I => I}).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Records = [record(W, K, N) || {W, K, N} <- ?WORKLOADS],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"kit_blocks.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           <<"\"workloads\": [\n">>, join(Records, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "kit_blocks.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript kit_blocks.escript OUTPUT_DIR~n", []),
    halt(1).

record(W, K, N) ->
    Self = self(),
    Tracer = spawn(fun() -> tracer([]) end),
    %% high priority: the recorder's wait_waiting polls (process_info signals, which cost the
    %% target reductions when they land while it works) cannot run before P waits for `stop`
    P = spawn_opt(?MODULE, run, [W, K, N], [{priority, high}]),
    erlang:trace(P, true, [garbage_collection, {tracer, Tracer}]),
    P ! go,
    wait_waiting(P, 1000),
    [{reductions, Reds}, {heap_size, Hs}, {total_heap_size, Ths}] =
        process_info(P, [reductions, heap_size, total_heap_size]),
    erlang:trace(P, false, [garbage_collection]),
    Tracer ! {get, Self},
    Evs = receive {events, E} -> E end,
    P ! stop,
    [<<"{">>, kv(<<"workload">>, atom_to_binary(W)), <<", ">>, kv(<<"k">>, K), <<", ">>, kv(<<"n">>, N),
     <<", \"final\": {">>, volatile(W), kv(<<"reductions">>, Reds), <<", ">>, kv(<<"heap_size">>, Hs), <<", ">>,
     kv(<<"total_heap_size">>, Ths), <<"},\n \"events\": [\n">>,
     join([event(T, I) || {trace, Pid, T, I} <- Evs, Pid =:= P], <<",\n">>), <<"\n]}">>].

%% maps_from_list_hamt's reductions differ between runs (by up to 1%, the heap never does): the
%% drift check skips them.
volatile(maps_from_list_hamt) -> <<"\"volatile_fields\": [\"reductions\"], ">>;
volatile(_) -> <<>>.

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

event(Tag, Info) ->
    [<<"{">>, kv(<<"tag">>, atom_to_binary(Tag)), <<", ">>,
     join([kv(atom_to_binary(K), proplists:get_value(K, Info)) || K <- ?ITEMS], <<", ">>), <<"}">>].

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
