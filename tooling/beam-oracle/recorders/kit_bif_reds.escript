#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% kit_bif_reds.escript -- beamlab BEAM oracle: the reductions one call of each BIF the workload
%% kit models costs (issue 12), without any collection
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/kit_bif_reds.escript tooling/beam-oracle/fixtures
%% writes <dir>/kit_bif_reds.json in about a second. Needs Erlang/OTP 25, one scheduler.
%%
%% WHAT IT RECORDS
%%   For each case {Bif, Size}: a process spawned with min_heap_size 2^21 words (no collection
%%   can run, so no gc_cost is charged) builds the input, then measures
%%     R0 = reds(), R1 = reds(), X = <the BIF call, a call_ext>, R2 = reds()
%%   right after erlang:yield() (a fresh slice: some BIFs take another path with few reductions
%%   left), with reds() = element(2, process_info(self(), reductions)), and records
%%   "reductions" = (R2 - R1) - (R1 - R0): the call's reduction plus the BIF's own BUMP_REDS.
%%   The inputs: binaries of Size bytes ($a), lists of Size characters, lists:seq(1, Size),
%%   term_to_binary(lists:seq(1, Size)), [{I, I} || I <- lists:seq(1, Size)], a 20-character
%%   atom, and for term_to_binary/binary_to_term two more shapes: a list of Size tuples
%%   {I, a, <<"xy">>} and the map of [{I, I}] (a HAMT above 32 keys), or their encodings. X is kept live past R2 so the compiler keeps the call.
%%
%%   "traps": term_to_binary calls that trap (lists:seq(1, 70000), 17,000 tuples) and
%%   binary_to_term calls that export their state (90,000 elements) or trap (180,000), traced
%%   with garbage_collection: the bin_vheap_size of a collection forced right after the call
%%   ("result_bytes": the binary made, or the one decoded).
%%
%% DETERMINISM: repeated runs give identical files but for maps:from_list of more than 32
%%   pairs, whose reductions vary between runs (marked volatile).
-module(beamlab_kit_bif_reds_recorder).
-mode(compile).
-export([main/1, measure/3, trapped/3]).

-define(CASES, [{binary_to_list, [100, 1000, 10000, 20000]},
                {atom_to_list, [20]},
                {list_to_binary, [100, 1000, 10000]},
                {iolist_to_binary, [100, 1000]},
                {binary_copy, [100, 1000, 10000]},
                {binary_copy3, [100, 1000, 10000]},
                {binary_part, [100, 10000]},
                {term_to_binary, [10, 60, 61, 64, 100, 200, 255, 256, 1000, 1016, 10000, 70000]},
                {term_to_binary_tuples, [10, 100, 1000, 17000]},
                {term_to_binary_map, [10, 33, 40, 1000]},
                {binary_to_term, [10, 100, 255, 256, 1000, 5000, 10000, 90000, 180000]},
                {binary_to_term_tuples, [10, 100, 1000]},
                {binary_to_term_map, [10, 40, 1000]},
                {maps_from_list, [20, 33, 200, 1000]},
                {length, [1000, 10000]}]).

%% calls that trap (their budget, the reductions left x 32 or x 128, runs out) or export their
%% state: the binary virtual heap at a collection forced right after the call — the binaries'
%% words plus each magic ref to the state (erts_mk_magic_ref's OH_OVERHEAD).
-define(TRAPS, [{term_to_binary, 70000}, {term_to_binary_tuples, 17000},
                {binary_to_term, 90000}, {binary_to_term, 180000}]).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Records = [record(Bif, Size) || {Bif, Sizes} <- ?CASES, Size <- Sizes],
    Traps = [record_trap(Bif, Size) || {Bif, Size} <- ?TRAPS],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"kit_bif_reds.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           <<"\"cases\": [\n">>, join(Records, <<",\n">>), <<"\n],\n">>,
           <<"\"traps\": [\n">>, join(Traps, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "kit_bif_reds.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript kit_bif_reds.escript OUTPUT_DIR~n", []),
    halt(1).

record_trap(Bif, Size) ->
    P = spawn_opt(?MODULE, trapped, [Bif, Size, self()], [{min_heap_size, 1 bsl 21}]),
    receive {P, ready} -> ok end,
    erlang:trace(P, true, [garbage_collection]),
    P ! go,
    Vheap = receive {trace, P, gc_major_start, Info} -> proplists:get_value(bin_vheap_size, Info) end,
    Bytes = receive {P, B} -> B end,
    [<<"{">>, kv(<<"bif">>, atom_to_binary(Bif)), <<", ">>, kv(<<"size">>, Size), <<", ">>,
     kv(<<"result_bytes">>, Bytes), <<", ">>, kv(<<"bin_vheap_size">>, Vheap), <<"}">>].

trapped(Bif, Size, To) ->
    In = input(Bif, Size),
    erlang:garbage_collect(), % what building the input left (a trapped term_to_binary's state) goes
    To ! {self(), ready},
    receive go -> ok end,
    X = case Bif of
            binary_to_term -> binary_to_term(In);
            _ -> term_to_binary(In)
        end,
    erlang:garbage_collect(),
    To ! {self(), if is_binary(X) -> byte_size(X); true -> byte_size(In) end}.

record(Bif, Size) ->
    P = spawn_opt(?MODULE, measure, [Bif, Size, self()], [{min_heap_size, 1 bsl 21}]),
    Reds = receive {P, R} -> R end,
    [<<"{">>, kv(<<"bif">>, atom_to_binary(Bif)), <<", ">>, kv(<<"size">>, Size), <<", ">>,
     volatile(Bif, Size), kv(<<"reductions">>, Reds), <<"}">>].

%% maps:from_list of a HAMT (more than 32 pairs) charges reductions that differ between runs (by
%% up to 8% at 1,000 pairs; its sort is a yielding one): the drift check skips them.
volatile(maps_from_list, Size) when Size > 32 -> <<"\"volatile_fields\": [\"reductions\"], ">>;
volatile(_, _) -> <<>>.

input(binary_to_list, N) -> list_to_binary(lists:duplicate(N, $a));
input(atom_to_list, N) -> list_to_atom(lists:duplicate(N, $b));
input(list_to_binary, N) -> lists:duplicate(N, $a);
input(iolist_to_binary, N) -> lists:duplicate(N, $a);
input(binary_copy, N) -> list_to_binary(lists:duplicate(N, $a));
input(binary_copy3, N) -> list_to_binary(lists:duplicate(N, $a));
input(binary_part, N) -> list_to_binary(lists:duplicate(N, $a));
input(term_to_binary, N) -> lists:seq(1, N);
input(binary_to_term, N) -> term_to_binary(lists:seq(1, N));
input(term_to_binary_tuples, N) -> tuples(N);
input(term_to_binary_map, N) -> maps:from_list([{I, I} || I <- lists:seq(1, N)]);
input(binary_to_term_tuples, N) -> term_to_binary(tuples(N));
input(binary_to_term_map, N) -> term_to_binary(maps:from_list([{I, I} || I <- lists:seq(1, N)]));
input(maps_from_list, N) -> [{I, I} || I <- lists:seq(1, N)];
input(length, N) -> lists:duplicate(N, $a).

tuples(N) -> [{I, a, <<"xy">>} || I <- lists:seq(1, N)].

reds() -> element(2, process_info(self(), reductions)).

measure(Bif, Size, To) ->
    In = input(Bif, Size),
    %% a fresh slice for the call (building the input used reductions; the BIFs' paths depend
    %% on the reductions left)
    erlang:yield(),
    R0 = reds(),
    R1 = reds(),
    X = case Bif of
            binary_to_list -> binary_to_list(In);
            atom_to_list -> atom_to_list(In);
            list_to_binary -> list_to_binary(In);
            iolist_to_binary -> iolist_to_binary(In);
            binary_copy -> binary:copy(In);
            binary_copy3 -> binary:copy(In, 3);
            binary_part -> binary:part(In, 1, 10);
            term_to_binary -> term_to_binary(In);
            term_to_binary_tuples -> term_to_binary(In);
            term_to_binary_map -> term_to_binary(In);
            binary_to_term -> binary_to_term(In);
            binary_to_term_tuples -> binary_to_term(In);
            binary_to_term_map -> binary_to_term(In);
            maps_from_list -> maps:from_list(In);
            length -> length(In)
        end,
    R2 = reds(),
    To ! {self(), (R2 - R1) - (R1 - R0)},
    keep(X).

keep(X) -> receive never -> X after 0 -> ok end.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
