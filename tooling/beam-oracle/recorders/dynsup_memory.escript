#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% dynsup_memory.escript -- beamlab BEAM oracle: Elixir's DynamicSupervisor with many children
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/dynsup_memory.escript tooling/beam-oracle/fixtures
%% writes <dir>/dynsup_memory.json in about a second. Needs Erlang/OTP 25 and Elixir 1.14 (its
%% ebin is found with `elixir -e`-free lookup: ELIXIR_EBIN, else /usr/lib/elixir/lib/elixir/ebin).
%%
%% WHAT IT RECORDS
%%   For N in [100, 1000]: a fresh 'Elixir.DynamicSupervisor':start_link([{strategy, one_for_one}])
%%   and N children started one after another from the recorder with
%%   'Elixir.DynamicSupervisor':start_child(Sup, #{id => 'Elixir.Agent',
%%       start => {'Elixir.Agent', start_link, [fun() -> I end]}})
%%   (Elixir's `{Agent, fn -> i end}`: the spec is checked in the caller and travels in the call
%%   message as {start_child, {{M, F, A}, Restart, Shutdown, Type, Modules}}; the supervisor keeps
%%   {MFA, ...} in its children map, sharing the message's terms). Recorded with process_info/2
%%   from outside while the supervisor waits in its receive: the supervisor's memory items after
%%   the N children ("supervisor"), its memory after every 10th child ("curve"), and one child's
%%   memory.
%%
%%   Before the runs: one warm-up run with a single child (so that every module the workload
%%   calls is loaded: code loading triggered by a first call allocates on the calling process's
%%   heap, which a node running loaded code never sees), then "init": a fresh supervisor's heap
%%   words used after its start and live after erlang:garbage_collect/1.
%%   Also the supervisor's pid number (`sup_pid`: <0.N.0>): its children get the next numbers,
%%   and a HAMT of pid keys (the children map, over 32 children) is laid out by the pids' hashes,
%%   so the words every maps:put builds depend on them — a twin spawns with the same numbers.
%%
%% DETERMINISM: no refs or times are recorded; each checkpoint is taken when the supervisor is
%%   idle (status waiting). The pid numbers follow from the escript's own processes (the same in
%%   every run of one OTP release). Repeated runs give identical files.
-module(beamlab_dynsup_memory_recorder).
-mode(compile).
-export([main/1]).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Ebin = case os:getenv("ELIXIR_EBIN") of false -> "/usr/lib/elixir/lib/elixir/ebin"; E -> E end,
    true = code:add_patha(Ebin),
    {module, _} = code:ensure_loaded('Elixir.DynamicSupervisor'),
    {module, _} = code:ensure_loaded('Elixir.Agent'),
    {module, _} = code:ensure_loaded('Elixir.Agent.Server'),
    %% warm-up: every module the workload calls is loaded before anything is measured (a node in
    %% production runs loaded code; a first call loading a module allocates on the caller's heap)
    _ = record(1),
    Init = init_words(),
    Runs = [record(N) || N <- [100, 1000]],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"dynsup_memory.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"elixir_version">>, 'Elixir.System':version()), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           <<"\"init\": {">>, join([kv(K, V) || {K, V} <- Init], <<", ">>), <<"},\n">>,
           <<"\"runs\": [\n">>, join(Runs, <<",\n">>), <<"\n]\n">>,
           <<"}\n">>],
    Path = filename:join(OutDir, "dynsup_memory.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript dynsup_memory.escript OUTPUT_DIR~n", []),
    halt(1).

%% A fresh supervisor once started and idle: the heap words its start left (used) and the live
%% ones (after erlang:garbage_collect/1), and its stack.
init_words() ->
    {ok, Sup} = 'Elixir.DynamicSupervisor':start_link([{strategy, one_for_one}]),
    wait_idle(Sup, 100),
    Used = heap_used(Sup),
    true = erlang:garbage_collect(Sup),
    wait_idle(Sup, 100),
    Live = heap_used(Sup),
    {stack_size, St} = process_info(Sup, stack_size),
    unlink(Sup),
    exit(Sup, shutdown),
    receive after 20 -> ok end,
    [{<<"heap_used">>, Used}, {<<"heap_live">>, Live}, {<<"stack_size">>, St}].

heap_used(P) ->
    {garbage_collection_info, G} = process_info(P, garbage_collection_info),
    proplists:get_value(heap_size, G).

record(N) ->
    process_flag(trap_exit, true),
    {ok, Sup} = 'Elixir.DynamicSupervisor':start_link([{strategy, one_for_one}]),
    wait_idle(Sup, 100),
    Empty = proplists:get_value(memory, measure(Sup)),
    Curve = lists:foldl(
              fun(I, Acc) ->
                      {ok, Child} = 'Elixir.DynamicSupervisor':start_child(Sup, #{id => 'Elixir.Agent',
                          start => {'Elixir.Agent', start_link, [fun() -> I end]}}),
                      I =:= 1 andalso put(first_child, Child),
                      case I rem 10 of
                          0 -> wait_idle(Sup, 100), [proplists:get_value(memory, measure(Sup)) | Acc];
                          _ -> Acc
                      end
              end, [], lists:seq(1, N)),
    wait_idle(Sup, 100),
    M = measure(Sup),
    [{_, C1, _, _} | _] = 'Elixir.DynamicSupervisor':which_children(Sup),
    {memory, ChildMem} = process_info(C1, memory),
    unlink(Sup),
    exit(Sup, shutdown),
    receive after 20 -> ok end,
    [<<"{">>, kv(<<"children">>, N), <<", ">>, kv(<<"sup_pid">>, pid_number(Sup)), <<", ">>,
     kv(<<"first_child_pid">>, pid_number(get(first_child))), <<", ">>, kv(<<"empty_memory">>, Empty), <<", ">>,
     kv(<<"child_memory">>, ChildMem), <<",\n \"supervisor\": {">>,
     join([kv(atom_to_binary(K), V) || {K, V} <- M], <<", ">>), <<"},\n">>,
     <<" \"curve\": [">>, join([integer_to_binary(V) || V <- lists:reverse(Curve)], <<", ">>), <<"]}">>].

measure(P) ->
    [{memory, Mem}, {heap_size, H}, {total_heap_size, T}, {stack_size, St},
     {message_queue_len, Q}, {garbage_collection, Gc0}, {garbage_collection_info, Gc1}] =
        process_info(P, [memory, heap_size, total_heap_size, stack_size, message_queue_len,
                         garbage_collection, garbage_collection_info]),
    Gc = Gc0 ++ Gc1,
    G = fun(K) -> proplists:get_value(K, Gc) end,
    [{memory, Mem}, {heap_size, H}, {total_heap_size, T}, {stack_size, St}, {message_queue_len, Q},
     {minor_gcs, G(minor_gcs)}, {heap_block_size, G(heap_block_size)},
     {old_heap_block_size, G(old_heap_block_size)}, {old_heap_size, G(old_heap_size)},
     {mbuf_size, G(mbuf_size)}].

pid_number(P) ->
    [_, N, _] = string:lexemes(pid_to_list(P), "<.>"),
    list_to_integer(N).

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
