#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% otp_memory.escript -- beamlab BEAM oracle: memory of OTP designs (gen_server, supervisor)
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/otp_memory.escript tooling/beam-oracle/fixtures
%% writes <dir>/otp_memory.json in about a second. Needs Erlang/OTP 25 (recorded with erts
%% 13.1.5, 64-bit, JIT). One scheduler (+S 1, emulator flags above).
%%
%% WHAT IT RECORDS (every number is measured on the running BEAM from OUTSIDE the measured
%% process, with process_info/2 while it waits in its receive; nothing is computed here)
%% Items: memory, heap_size, total_heap_size, stack_size, minor_gcs, message_queue_len and the
%% garbage_collection_info items heap_block_size, old_heap_block_size, old_heap_size, mbuf_size.
%% 1. "servers": a gen_server started with gen_server:start_link(?MODULE, Mode, []) by the
%%    recorder, state = the number of calls served (a small integer). The recorder makes N
%%    gen_server:call(S, work) one after another and measures the server after the calls in
%%    `checkpoints`. Modes:
%%      temps            handle_call builds build(5000, []) (a 5,000-element list of small
%%                       integers: 10,000 words) in the server and replies its length;
%%      temps_hibernate  the same, returning {reply, Len, N + 1, hibernate};
%%      spawn_per_call   handle_call spawns spawn(fun() -> gen_server:reply(From, length(build(5000,
%%                       []))) end) and returns {noreply, N + 1}: the list lives and dies in the
%%                       spawned process. Also records process_count after each checkpoint
%%                       (relative to before the server was started: the workers are gone).
%% 2. "supervised": a simple_one_for_one supervisor (the Erlang twin of Elixir's
%%    DynamicSupervisor) with temporary children, started by supervisor:start_link; M children
%%    are started with supervisor:start_child(Sup, [I]) and each is used once:
%%      agents  one-off "Agents": a gen_server (Elixir's Agent is a gen_server: Agent.Server)
%%              whose init builds build(100, []) as its state; the recorder calls it once
%%              (get: replies length(State)) and never stops it;
%%      tasks   "Tasks": proc_lib:spawn_link of a fun that builds build(100, []), sends its length
%%              to the recorder and returns (Elixir's Task.Supervised is a proc_lib process that
%%              exits when its fun returns).
%%    After each child was used the recorder records the supervisor's memory (its sawtooth:
%%    "supervisor_memory_curve", one value per child, the supervisor idle in its receive).
%%    After all M children were used the recorder records count_children, the memory of one
%%    child (the first; all are alike) and the sum over all live children, and the supervisor's
%%    own memory items.
%%
%% DETERMINISM (checked: repeated runs give identical files)
%%   No pids, refs or times are recorded; each checkpoint is taken when the measured processes
%%   are idle in their receive (status waiting, polled every ms) and, in spawn_per_call, once the
%%   workers have exited (process_count polled until only the server is left, at most 100 ms).
%%
%% FINDINGS ON OTP 25.2.3 / erts 13.1.5: see the fixture; the TypeScript twins in
%%   packages/otp/test/memory.twin.test.ts reproduce every number within 10%.
-module(beamlab_otp_memory_recorder).
-mode(compile).
-behaviour(gen_server).

-export([main/1, init/1, handle_call/3, handle_cast/2, agent_start/1, task_start/2, sup_init/2]).

-define(N, 5000).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Cps = [0, 1, 2, 3, 5, 10, 20, 50, 100],
    Servers = [record_server(M, Cps) || M <- [temps, temps_hibernate, spawn_per_call]],
    Sup = [record_supervised(K, 100) || K <- [agents, tasks]],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"otp_memory.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           kv(<<"list_length">>, ?N), <<",\n">>,
           <<"\"servers\": [\n">>, join(Servers, <<",\n">>), <<"\n],\n">>,
           <<"\"supervised\": [\n">>, join(Sup, <<",\n">>), <<"\n]\n">>,
           <<"}\n">>],
    Path = filename:join(OutDir, "otp_memory.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript otp_memory.escript OUTPUT_DIR~n", []),
    halt(1).

build(0, Acc) -> Acc;
build(K, Acc) -> build(K - 1, [K | Acc]).

%% ------------------------------------------------------------------ gen_server callbacks

init({sup, Kind, Rec}) -> sup_init(Kind, Rec);
init(agent) -> {ok, build(100, [])};
init(Mode) -> {ok, {Mode, 0}}.

handle_call(work, _From, {temps, N}) ->
    L = build(?N, []),
    {reply, length(L), {temps, N + 1}};
handle_call(work, _From, {temps_hibernate, N}) ->
    L = build(?N, []),
    {reply, length(L), {temps_hibernate, N + 1}, hibernate};
handle_call(work, From, {spawn_per_call, N}) ->
    spawn(fun() -> gen_server:reply(From, length(build(?N, []))) end),
    {noreply, {spawn_per_call, N + 1}};
handle_call(get, _From, L) when is_list(L) ->
    {reply, length(L), L}.

handle_cast(_, S) -> {noreply, S}.

%% ------------------------------------------------------------------ 1. servers

record_server(Mode, Cps) ->
    process_flag(trap_exit, true),
    P0 = erlang:system_info(process_count),
    {ok, S} = gen_server:start_link(?MODULE, Mode, []),
    Rows = calls(S, 0, Cps, P0, []),
    exit(S, kill),
    receive {'EXIT', S, _} -> ok end,
    [<<"{">>, kv(<<"id">>, atom_to_binary(Mode)), <<", \"checkpoints\": [\n">>,
     join(Rows, <<",\n">>), <<"\n]}">>].

calls(_S, _I, [], _P0, Acc) -> lists:reverse(Acc);
calls(S, I, [C | Cs], P0, Acc) when I =:= C ->
    settle(P0 + 1),
    Row = [<<"{">>, kv(<<"calls">>, I), <<", ">>,
           kv(<<"process_count">>, erlang:system_info(process_count) - P0), <<", ">>,
           measure(S), <<"}">>],
    calls(S, I, Cs, P0, [Row | Acc]);
calls(S, I, Cs, P0, Acc) ->
    ?N = gen_server:call(S, work),
    calls(S, I + 1, Cs, P0, Acc).

%% waits until only the expected processes are alive (spawned workers have exited)
settle(Want) -> settle(Want, 100).
settle(_, 0) -> ok;
settle(Want, K) ->
    case erlang:system_info(process_count) of
        Want -> ok;
        _ -> receive after 1 -> settle(Want, K - 1) end
    end.

measure(P) ->
    wait_idle(P, 100),
    [{memory, M}, {heap_size, H}, {total_heap_size, T}, {stack_size, St},
     {message_queue_len, Q}, {garbage_collection, Gc}] =
        process_info(P, [memory, heap_size, total_heap_size, stack_size, message_queue_len,
                         garbage_collection]),
    {garbage_collection_info, Gi} = process_info(P, garbage_collection_info),
    G = fun(K) -> proplists:get_value(K, Gi) end,
    join([kv(<<"memory">>, M), kv(<<"heap_size">>, H), kv(<<"total_heap_size">>, T),
          kv(<<"stack_size">>, St), kv(<<"message_queue_len">>, Q),
          kv(<<"minor_gcs">>, proplists:get_value(minor_gcs, Gc)),
          kv(<<"heap_block_size">>, G(heap_block_size)),
          kv(<<"old_heap_block_size">>, G(old_heap_block_size)),
          kv(<<"old_heap_size">>, G(old_heap_size)),
          kv(<<"mbuf_size">>, G(mbuf_size))], <<", ">>).

wait_idle(_P, 0) -> ok;
wait_idle(P, K) ->
    case process_info(P, status) of
        {status, waiting} -> ok;
        _ -> receive after 1 -> wait_idle(P, K - 1) end
    end.

%% ------------------------------------------------------------------ 2. supervised

sup_init(Kind, Rec) ->
    Start = case Kind of
                agents -> {?MODULE, agent_start, []};
                tasks -> {?MODULE, task_start, [Rec]}
            end,
    {ok, {#{strategy => simple_one_for_one, intensity => 3, period => 5},
          [#{id => child, start => Start, restart => temporary, shutdown => 5000}]}}.

agent_start(_I) -> gen_server:start_link(?MODULE, agent, []).

task_start(Rec, _I) ->
    {ok, proc_lib:spawn_link(fun() -> Rec ! {done, length(build(100, []))} end)}.

record_supervised(Kind, M) ->
    P0 = erlang:system_info(process_count),
    {ok, Sup} = supervisor:start_link(?MODULE, {sup, Kind, self()}),
    Steps = [begin
                {ok, C} = supervisor:start_child(Sup, [I]),
                case Kind of
                    agents -> 100 = gen_server:call(C, get);
                    tasks -> receive {done, 100} -> ok end
                end,
                wait_idle(Sup, 100),
                {memory, SupMem} = process_info(Sup, memory),
                {C, SupMem}
            end || I <- lists:seq(1, M)],
    Kids = [C || {C, _} <- Steps],
    Curve = [integer_to_binary(X) || {_, X} <- Steps],
    Live = [C || C <- Kids, is_process_alive(C)],
    [wait_idle(C, 100) || C <- Live],
    wait_idle(Sup, 100),
    Counts = supervisor:count_children(Sup),
    wait_idle(Sup, 100),
    Mem = fun(C) -> {memory, X} = process_info(C, memory), X end,
    ChildRow = case Live of
                   [] -> <<"null">>;
                   [C1 | _] -> [<<"{">>, measure(C1), <<"}">>]
               end,
    Row = [<<"{">>, kv(<<"id">>, atom_to_binary(Kind)), <<", ">>,
           kv(<<"started">>, M), <<", ">>,
           kv(<<"sup_pid">>, pid_number(Sup)), <<", ">>,
           <<"\"child_pids\": [">>, join([integer_to_binary(pid_number(C)) || C <- Kids], <<", ">>), <<"],\n  ">>,
           kv(<<"active">>, proplists:get_value(active, Counts)), <<", ">>,
           kv(<<"live_children">>, length(Live)), <<", ">>,
           kv(<<"children_memory">>, lists:sum([Mem(C) || C <- Live])), <<",\n  ">>,
           <<"\"supervisor_memory_curve\": [">>, join(Curve, <<", ">>), <<"],\n  ">>,
           <<"\"child\": ">>, ChildRow, <<",\n  ">>,
           <<"\"supervisor\": {">>, measure(Sup), <<"}}">>],
    process_flag(trap_exit, true),
    exit(Sup, kill),
    receive {'EXIT', Sup, _} -> ok end,
    settle(P0),
    Row.

%% <0.N.0> -> N: a map keyed by pids (the supervisor's children, a HAMT past 32) is laid out by
%% the pids' hashes, so a twin spawns its supervisor and children with the same numbers.
pid_number(P) ->
    [_, N, _] = string:lexemes(pid_to_list(P), "<.>"),
    list_to_integer(N).

%% ------------------------------------------------------------------ JSON

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
