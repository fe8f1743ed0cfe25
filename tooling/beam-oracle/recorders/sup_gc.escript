#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% sup_gc.escript -- beamlab BEAM oracle: every collection of an Erlang simple_one_for_one
%% supervisor (OTP 25 supervisor.erl) while 100 temporary children are started under it, in
%% order (the GC trace otp_memory.json's "supervised" curves follow)
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/sup_gc.escript tooling/beam-oracle/fixtures
%% writes <dir>/sup_gc.json in about a second. Needs Erlang/OTP 25.
%%
%% WHAT IT RECORDS
%%   The workload of otp_memory.escript's "supervised" section, for both kinds: agents
%%   (gen_servers whose init builds build(100, []); the recorder calls each once) and tasks
%%   (proc_lib:spawn_link of a fun that sends {done, 100} to the recorder and returns). After a
%%   warm-up run of each kind with one child (every module the workload calls gets loaded), a
%%   fresh supervisor:start_link(?MODULE, {sup, Kind, self()}) is traced, once idle, with
%%   erlang:trace(Sup, true, [garbage_collection]) — the tracer is this process, so no process
%%   is spawned — and 100 children are started with supervisor:start_child(Sup, [I]) and used,
%%   the recorder waiting for the supervisor to be idle after each and reading its memory with
%%   process_info(Sup, memory), as otp_memory.escript does (that request collects a supervisor
%%   whose collection is desired: without it the tasks run's 17th collection comes one child
%%   later). After each child a marker {child, I} is put in this process's
%%   mailbox, so each event is attributed to the child it happened in (`child`: the first I
%%   whose marker comes after it). Every gc_minor_start/end and gc_major_start/end of the
%%   supervisor is recorded with heap_size, heap_block_size, old_heap_size,
%%   old_heap_block_size, mbuf_size, stack_size and recent_size. `sup_pid`: the supervisor's
%%   <0.N.0> (a twin spawns it with that number: the children map, a HAMT past 32 children, is
%%   laid out by the pids' hashes). Tracing perturbs (gc trace messages that do not fit add
%%   heap-fragment words; the twin's Scheduler.traceGc models it): these are the traced run's.
%%
%% DETERMINISM: one scheduler; the events and pid numbers are the same in every run of one
%%   OTP release. Repeated runs give identical files.
-module(beamlab_sup_gc_recorder).
-mode(compile).
-behaviour(gen_server).
-export([main/1, init/1, handle_call/3, handle_cast/2, agent_start/1, task_start/2]).

-define(CHILDREN, 100).
-define(ITEMS, [heap_size, heap_block_size, old_heap_size, old_heap_block_size, mbuf_size, stack_size, recent_size]).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    process_flag(trap_exit, true),
    _ = [run(K, 1, false) || K <- [agents, tasks]],
    Rows = [run(K, ?CHILDREN, true) || K <- [agents, tasks]],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"sup_gc.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           kv(<<"children">>, ?CHILDREN), <<",\n">>,
           <<"\"runs\": [\n">>, join(Rows, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "sup_gc.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript sup_gc.escript OUTPUT_DIR~n", []),
    halt(1).

build(0, Acc) -> Acc;
build(K, Acc) -> build(K - 1, [K | Acc]).

init({sup, Kind, Rec}) ->
    Start = case Kind of
                agents -> {?MODULE, agent_start, []};
                tasks -> {?MODULE, task_start, [Rec]}
            end,
    {ok, {#{strategy => simple_one_for_one, intensity => 3, period => 5},
          [#{id => child, start => Start, restart => temporary, shutdown => 5000}]}};
init(agent) -> {ok, build(100, [])}.

handle_call(get, _From, L) when is_list(L) -> {reply, length(L), L}.
handle_cast(_, S) -> {noreply, S}.

agent_start(_I) -> gen_server:start_link(?MODULE, agent, []).

task_start(Rec, _I) ->
    {ok, proc_lib:spawn_link(fun() -> Rec ! {done, length(build(100, []))} end)}.

run(Kind, N, Trace) ->
    {ok, Sup} = supervisor:start_link(?MODULE, {sup, Kind, self()}),
    wait_idle(Sup, 100),
    Trace andalso erlang:trace(Sup, true, [garbage_collection]),
    lists:foreach(
      fun(I) ->
              {ok, C} = supervisor:start_child(Sup, [I]),
              case Kind of
                  agents -> 100 = gen_server:call(C, get);
                  tasks -> receive {done, 100} -> ok end
              end,
              wait_idle(Sup, 100),
              %% as otp_memory.escript does after each child (its memory curve): the waiting
              %% supervisor handles this request (a collection when one is desired)
              {memory, _} = process_info(Sup, memory),
              self() ! {child, I}
      end, lists:seq(1, N)),
    Trace andalso erlang:trace(Sup, false, [garbage_collection]),
    Events = collect(Sup, 1, []),
    unlink(Sup),
    exit(Sup, kill),
    receive {'EXIT', Sup, _} -> ok after 100 -> ok end,
    flush_exits(),
    [<<"{">>, kv(<<"id">>, atom_to_binary(Kind)), <<", ">>, kv(<<"sup_pid">>, pid_number(Sup)), <<",\n">>,
     <<"\"events\": [\n">>, join(Events, <<",\n">>), <<"\n]}">>].

flush_exits() ->
    receive {'EXIT', _, _} -> flush_exits() after 10 -> ok end.

%% the supervisor's gc trace messages and the markers, in mailbox order
collect(Sup, I, Acc) ->
    receive
        {trace, Sup, Tag, Info} when Tag =:= gc_minor_start; Tag =:= gc_minor_end;
                                     Tag =:= gc_major_start; Tag =:= gc_major_end ->
            Row = [<<"{">>, kv(<<"tag">>, atom_to_binary(Tag)), <<", ">>, kv(<<"child">>, I), <<", ">>,
                   join([kv(atom_to_binary(K), proplists:get_value(K, Info)) || K <- ?ITEMS], <<", ">>), <<"}">>],
            collect(Sup, I, [Row | Acc]);
        {child, J} -> collect(Sup, J + 1, Acc)
    after 0 -> lists:reverse(Acc)
    end.

pid_number(P) ->
    [_, N, _] = string:lexemes(pid_to_list(P), "<.>"),
    list_to_integer(N).

wait_idle(_P, 0) -> ok;
wait_idle(P, K) ->
    case process_info(P, status) of
        {status, waiting} -> ok;
        _ -> receive after 1 -> wait_idle(P, K - 1) end
    end.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
