#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% binary_memory.escript -- beamlab BEAM oracle: what erlang:memory(binary) counts per refc binary
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/binary_memory.escript tooling/beam-oracle/fixtures
%% writes <dir>/binary_memory.json in about a second. Needs Erlang/OTP 25.
%%
%% WHAT IT RECORDS
%%   For each size (65 bytes to 100 KB): erlang:memory(binary) before and after making 10,000
%%   refc binaries of that size with binary:copy/1 (plus the base they are copied from), held in
%%   a list; "allocated_bytes" is the growth per binary, rounded to the byte (the binary
%%   allocator's carriers move the total by a few bytes at most, well below one binary).
%%
%% DETERMINISM: the rounded per-binary figures repeat exactly between runs (checked).
-module(beamlab_binary_memory_recorder).
-mode(compile).
-export([main/1]).

-define(COUNT, 10000).
-define(SIZES, [65, 100, 200, 500, 1000, 1024, 4096, 65536, 100000]).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Sizes = [size_record(S) || S <- ?SIZES],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"binary_memory.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<", ">>,
           kv(<<"count">>, ?COUNT), <<",\n">>,
           <<"\"sizes\": [\n">>, join(Sizes, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "binary_memory.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript binary_memory.escript OUTPUT_DIR~n", []),
    halt(1).

size_record(Size) ->
    erlang:garbage_collect(),
    B0 = erlang:memory(binary),
    Base = binary:copy(<<7>>, Size),
    L = [binary:copy(Base) || _ <- lists:seq(1, ?COUNT)],
    B1 = erlang:memory(binary),
    ?COUNT = length(L),
    Per = round((B1 - B0) / (?COUNT + 1)),
    [<<"{">>, kv(<<"size">>, Size), <<", ">>, kv(<<"allocated_bytes">>, Per), <<"}">>].

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
