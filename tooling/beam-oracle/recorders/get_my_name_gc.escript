#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% get_my_name_gc.escript -- beamlab BEAM oracle: where a process collects in
%% proc_lib:spawn_opt/4 when its heap is nearly full (get_my_name's process_info reserve)
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/get_my_name_gc.escript tooling/beam-oracle/fixtures
%% writes <dir>/get_my_name_gc.json in about a second.
%%
%% WHAT IT RECORDS
%%   For each N in 205..222 and each of `unregistered` / `registered` (the caller registered
%%   under a name): a fresh process (min_heap_size 233, traced with erlang:trace(P, true,
%%   [garbage_collection]), the recorder as tracer) runs
%%       erlang:garbage_collect(),            % an empty young heap
%%       T = erlang:make_tuple(N, 0),         % N + 1 words: the free space left is swept
%%       proc_lib:spawn_opt(?MODULE, child, [], []),
%%       element(1, T)                        % T stays live across the spawn
%%   and the first collection after the explicit one is recorded (`first`: its tag and
%%   heap_size, heap_block_size, mbuf_size, stack_size; null when none came before the spawn
%%   returned). proc_lib:spawn_opt/4 (beam_disasm): allocate 5; call get_my_name/0 (allocate 0;
%%   call proc_info/2, which tail-calls the erlang:process_info(self(), registered_name) BIF);
%%   call get_ancestors/0; test_heap 10 for [Parent, Ancestors, M, F, A]. The sweep shows which
%%   of these collects as the free space shrinks: the process_info BIF reserves 3 words with
%%   HAlloc (a heap fragment when they do not fit, which makes the process collect after the BIF
%%   even when the answer, [], used none of them).
%%   `body_stack`: the stack_size of the caller's frame at the call (the explicit collection's).
%%
%% DETERMINISM: one scheduler; fresh processes; repeated runs give identical files.
-module(beamlab_get_my_name_gc_recorder).
-mode(compile).
-export([main/1, body/3, child/0]).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    _ = run(210, unregistered), % warm-up: proc_lib's and this module's code paths loaded
    Runs = [run(N, Kind) || Kind <- [unregistered, registered], N <- lists:seq(205, 222)],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"get_my_name_gc.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           kv(<<"min_heap_size">>, 233), <<",\n">>,
           <<"\"runs\": [\n">>, join(Runs, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "get_my_name_gc.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript get_my_name_gc.escript OUTPUT_DIR~n", []),
    halt(1).

run(N, Kind) ->
    Self = self(),
    P = spawn_opt(?MODULE, body, [Self, N, Kind], [{min_heap_size, 233}]),
    erlang:trace(P, true, [garbage_collection]),
    P ! go,
    receive {done, P} -> ok end,
    erlang:trace(P, false, [garbage_collection]),
    Evs = collect(P, []),
    Ref = monitor(process, P),
    P ! stop,
    receive {'DOWN', Ref, process, P, _} -> ok end,
    Starts = [{T, I} || {T, I} <- Evs, T =:= gc_minor_start orelse T =:= gc_major_start],
    [{_, Explicit} | Rest] = Starts,
    First = case Rest of
                [] -> <<"null">>;
                [{Tag, I} | _] ->
                    [<<"{">>, kv(<<"tag">>, atom_to_binary(Tag)), <<", ">>,
                     join([kv(atom_to_binary(K), g(K, I)) || K <- [heap_size, heap_block_size, mbuf_size, stack_size]], <<", ">>),
                     <<"}">>]
            end,
    [<<"{">>, kv(<<"n">>, N), <<", ">>, kv(<<"caller">>, atom_to_binary(Kind)), <<", ">>,
     kv(<<"body_stack">>, g(stack_size, Explicit)), <<", \"first\": ">>, First, <<"}">>].

g(K, I) -> proplists:get_value(K, I).

collect(P, Acc) ->
    receive {trace, P, T, I} -> collect(P, [{T, I} | Acc])
    after 20 -> lists:reverse(Acc)
    end.

child() -> ok.

body(Parent, N, Kind) ->
    Kind =:= registered andalso register(beamlab_get_my_name_caller, self()),
    receive go -> ok end,
    erlang:garbage_collect(),
    T = erlang:make_tuple(N, 0),
    _ = proc_lib:spawn_opt(?MODULE, child, [], []),
    Parent ! {done, self()},
    _ = element(1, T),
    receive stop -> ok end.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
