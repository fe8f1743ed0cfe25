#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% pi_collect.escript -- beamlab BEAM oracle: which requests make a waiting process run the
%% collection it deferred (heap fragments that do not fit), and whether process_info answers
%% with the state before or after it
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/pi_collect.escript tooling/beam-oracle/fixtures
%% writes <dir>/pi_collect.json in well under a second.
%%
%% WHAT IT RECORDS
%%   A fresh process P (spawn/3, 233 words), monitored by the recorder (erlang:monitor/3 with
%%   {alias, demonitor}, as gen:do_call does), waits for `start`, builds
%%   X = erlang:make_tuple(208, 0) and M2 = (Lit40)#{41 => 1} (a literal 40-key HAMT: its
%%   23-word path does not fit and goes to a heap fragment, no heap test) and waits for `go`:
%%   216 words used, 14 free, 23 in a fragment. The recorder then reads
%%   process_info(P, [garbage_collection_info]) (before), does one step, and reads it again
%%   (after). Steps:
%%     status, message_queue_len, heap_size, reductions, memory, total_heap_size,
%%     current_function              process_info(P, Item)
%%     status_message_queue_len      process_info(P, [status, message_queue_len])
%%     demonitor_status              erlang:demonitor(Mref, [flush]), then process_info(P, status)
%%   Signals that need no message: X_status is the signal, then process_info(P, status); X_yield
%%   the signal, then erlang:yield() (P, in the run queue for the signal, runs first):
%%     link_*                        link(P)
%%     unlink_*                      unlink(P) (linked before P started)
%%     monitor_*                     erlang:monitor(process, P) (a second monitor)
%%     demonitor_yield               erlang:demonitor(Mref, [flush])
%%     exit_normal_*                 exit(P, normal) (P does not trap exits: the signal is dropped)
%%     linked_exit_normal_status     a process linked to P (before P started) exits normally; the
%%                                   recorder waits for its 'DOWN', then asks for P's status
%%     alive_yield                   is_process_alive(P)
%%     register_yield                register(pi_collect_target, P)
%%   and process_info(P, dictionary) (step `dictionary`).
%%   For each: heap_size and mbuf_size before and after, and the step's answer (memory in
%%   bytes, total_heap_size in words; 0 for the others).
%%   The model's twin: packages/scheduler/test/pi-collect.twin.test.ts.
%%
%% DETERMINISM: one scheduler; fresh processes; repeated runs give identical files.
-module(beamlab_pi_collect_recorder).
-mode(compile).
-export([main/1, p/0]).

-define(STEPS, [status, message_queue_len, heap_size, reductions, memory, total_heap_size, current_function,
                status_message_queue_len, demonitor_status,
                link_status, link_yield, unlink_status, unlink_yield, monitor_status, monitor_yield,
                demonitor_yield, exit_normal_status, exit_normal_yield, linked_exit_normal_status,
                alive_yield, register_yield, dictionary]).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    _ = [one(S) || S <- ?STEPS], % warm-up: this module's code loaded
    Rows = [one(S) || S <- ?STEPS],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"pi_collect.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           <<"\"steps\": [\n">>, join(Rows, <<",\n">>), <<"\n]\n}\n">>],
    Path = filename:join(OutDir, "pi_collect.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript pi_collect.escript OUTPUT_DIR~n", []),
    halt(1).

lit40() ->
    #{1 => 1, 2 => 2, 3 => 3, 4 => 4, 5 => 5, 6 => 6, 7 => 7, 8 => 8, 9 => 9, 10 => 10,
      11 => 11, 12 => 12, 13 => 13, 14 => 14, 15 => 15, 16 => 16, 17 => 17, 18 => 18, 19 => 19, 20 => 20,
      21 => 21, 22 => 22, 23 => 23, 24 => 24, 25 => 25, 26 => 26, 27 => 27, 28 => 28, 29 => 29, 30 => 30,
      31 => 31, 32 => 32, 33 => 33, 34 => 34, 35 => 35, 36 => 36, 37 => 37, 38 => 38, 39 => 39, 40 => 40}.

p() ->
    receive start -> ok end,
    X = erlang:make_tuple(208, 0),
    M2 = (lit40())#{41 => 1},
    receive go -> ok end,
    {X, M2}.

one(Step) ->
    P = spawn(?MODULE, p, []),
    Mref = erlang:monitor(process, P, [{alias, demonitor}]),
    Linked = case Step of
                 unlink_status -> link(P), undefined;
                 unlink_yield -> link(P), undefined;
                 linked_exit_normal_status -> spawn(fun() -> link(P), receive die -> ok end end);
                 _ -> undefined
             end,
    wait_waiting(P),
    P ! start,
    wait_waiting(P),
    Before = gc_info(P),
    Answer = case Step of
                 demonitor_status -> true = erlang:demonitor(Mref, [flush]), {status, _} = process_info(P, status), 0;
                 link_status -> true = link(P), status(P);
                 link_yield -> true = link(P), yield();
                 unlink_status -> true = unlink(P), status(P);
                 unlink_yield -> true = unlink(P), yield();
                 monitor_status -> _ = erlang:monitor(process, P), status(P);
                 monitor_yield -> _ = erlang:monitor(process, P), yield();
                 demonitor_yield -> true = erlang:demonitor(Mref, [flush]), yield();
                 exit_normal_status -> true = exit(P, normal), status(P);
                 exit_normal_yield -> true = exit(P, normal), yield();
                 linked_exit_normal_status ->
                     Qref = erlang:monitor(process, Linked),
                     Linked ! die,
                     receive {'DOWN', Qref, process, _, normal} -> ok end,
                     status(P);
                 alive_yield -> true = is_process_alive(P), yield();
                 register_yield -> true = register(pi_collect_target, P), yield();
                 dictionary -> {dictionary, _} = process_info(P, dictionary), 0;
                 status_message_queue_len -> [_, _] = process_info(P, [status, message_queue_len]), 0;
                 memory -> {memory, M} = process_info(P, memory), M;
                 total_heap_size -> {total_heap_size, T} = process_info(P, total_heap_size), T;
                 _ -> {Step, _} = process_info(P, Step), 0
             end,
    After = gc_info(P),
    unlink(P),
    _ = [unregister(pi_collect_target) || whereis(pi_collect_target) =:= P],
    exit(P, kill),
    [<<"{">>, kv(<<"step">>, atom_to_binary(Step)), <<", ">>,
     <<"\"before\": ">>, Before, <<", ">>, kv(<<"answer">>, Answer), <<", ">>, <<"\"after\": ">>, After, <<"}">>].

status(P) ->
    {status, _} = process_info(P, status),
    0.

yield() ->
    true = erlang:yield(),
    0.

gc_info(P) ->
    {garbage_collection_info, G} = process_info(P, garbage_collection_info),
    [<<"{">>, join([kv(atom_to_binary(I), proplists:get_value(I, G)) || I <- [heap_size, mbuf_size]], <<", ">>), <<"}">>].

wait_waiting(P) ->
    case process_info(P, status) of
        {status, waiting} -> ok;
        _ -> receive after 1 -> wait_waiting(P) end
    end.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
