#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% booted_node.escript -- beamlab BEAM oracle: what a freshly started OTP 25 node already holds
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/booted_node.escript tooling/beam-oracle/fixtures
%% writes <dir>/booted_node.json in about a second. Needs Erlang/OTP 25 (`erl` on PATH).
%%
%% WHAT IT RECORDS
%%   This script starts a separate node, `erl +S 1 -noshell -eval Probe` (no shell: the node a
%%   service runs as), and the probe, 200 ms after boot (the boot has settled), prints for
%%   every process but its own: registered name, initial_call (proc_lib's '$initial_call' when
%%   there is one, as observer shows it), memory, heap_size, total_heap_size, stack_size,
%%   message_queue_len and its refc binaries (process_info(P, binary) sizes); and
%%   erlang:memory() and the process and atom counts. The probe runs in the process -eval uses;
%%   its own figures are left out of "processes" (a real node has no such process) and its
%%   memory is recorded as "probe_memory" (it is inside erlang_memory.processes).
%%   erlang_memory.processes is far above the sum of the processes' memory: it also counts the
%%   process table the emulator allocates at boot (+P slots) and the allocators' carriers.
%%
%% DETERMINISM: process memory and binaries of a booting node vary a little from run to run
%%   (e.g. global_name_server 7,140 or 7,172 bytes; erlang:memory(processes) by ~4 KB). The
%%   fields that can vary are listed in "volatile_fields" (top level, and in each process) and
%%   not compared by the drift check; the list of processes (names and initial calls, in pid
%%   order) and their count are compared.
-module(beamlab_booted_node_recorder).
-mode(compile).
-export([main/1]).

%% what varied between runs of a process (the drift check skips these; see oracle.mjs)
-define(PROC_VOLATILE, <<"\"volatile_fields\": [\"memory\", \"heap_size\", \"total_heap_size\", \"stack_size\", \"message_queue_len\", \"binaries\"]">>).

probe() ->
    "timer:sleep(200),"
    "Self = self(),"
    "Init = fun(P) -> case process_info(P, dictionary) of"
    "  {dictionary, D} -> case lists:keyfind('$initial_call', 1, D) of"
    "     {_, {M, F, A}} -> {M, F, A};"
    "     false -> element(2, process_info(P, initial_call)) end;"
    "  _ -> undefined end end,"
    "Ps = [begin"
    "  [{registered_name, N}, {memory, Mem}, {heap_size, H}, {total_heap_size, T}, {stack_size, S},"
    "   {message_queue_len, Q}, {binary, B}] = process_info(P, [registered_name, memory, heap_size,"
    "   total_heap_size, stack_size, message_queue_len, binary]),"
    "  {case N of [] -> undefined; _ -> N end, Init(P), Mem, H, T, S, Q, [Sz || {_, Sz, _} <- B]}"
    " end || P <- lists:sort(processes()), P =/= Self, is_process_alive(P)],"
    "{memory, Own} = process_info(Self, memory),"
    "io:format(\"~w.~n\", [{Ps, erlang:memory(), erlang:system_info(process_count) - 1,"
    "  erlang:system_info(atom_count), Own}]),"
    "halt().".

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Erl = os:find_executable("erl"),
    Port = open_port({spawn_executable, Erl}, [{args, ["+S", "1", "-noshell", "-eval", probe()]},
                                               exit_status, binary, stderr_to_stdout]),
    Out = collect(Port, <<>>),
    {ok, Toks, _} = erl_scan:string(binary_to_list(Out)),
    {ok, {Ps, Mem, Count, Atoms, Own}} = erl_parse:parse_term(Toks),
    Procs = [[<<"{">>, kvs(<<"name">>, atom_to_binary(N)), <<", ">>,
              kvs(<<"initial_call">>, mfa(IC)), <<", ">>,
              kv(<<"memory">>, M), <<", ">>, kv(<<"heap_size">>, H), <<", ">>,
              kv(<<"total_heap_size">>, T), <<", ">>, kv(<<"stack_size">>, S), <<", ">>,
              kv(<<"message_queue_len">>, Q), <<", \"binaries\": [">>,
              join([integer_to_binary(X) || X <- B], <<", ">>), <<"], ">>, ?PROC_VOLATILE, <<"}">>]
             || {N, IC, M, H, T, S, Q, B} <- Ps],
    Doc = [<<"{\n">>,
           kvs(<<"recorder">>, <<"booted_node.escript">>), <<",\n">>,
           kvs(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kvs(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           <<"\"volatile_fields\": [\"memory\", \"heap_size\", \"total_heap_size\", \"stack_size\", "
             "\"message_queue_len\", \"binaries\", \"erlang_memory\", \"atom_count\", \"probe_memory\"],\n">>,
           kvs(<<"command">>, <<"erl +S 1 -noshell">>), <<",\n">>,
           kv(<<"process_count">>, Count), <<", ">>, kv(<<"atom_count">>, Atoms), <<", ">>,
           kv(<<"probe_memory">>, Own), <<",\n">>,
           <<"\"erlang_memory\": {">>, join([kv(atom_to_binary(K), V) || {K, V} <- Mem], <<", ">>), <<"},\n">>,
           <<"\"processes\": [\n">>, join(Procs, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "booted_node.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript booted_node.escript OUTPUT_DIR~n", []),
    halt(1).

collect(Port, Acc) ->
    receive
        {Port, {data, D}} -> collect(Port, <<Acc/binary, D/binary>>);
        {Port, {exit_status, 0}} -> Acc;
        {Port, {exit_status, S}} -> error({probe_failed, S, Acc})
    after 30000 -> error({probe_timeout, Acc})
    end.

mfa({M, F, A}) -> iolist_to_binary(io_lib:format("~s:~s/~b", [M, F, A]));
mfa(_) -> <<"undefined">>.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)].
kvs(K, V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
