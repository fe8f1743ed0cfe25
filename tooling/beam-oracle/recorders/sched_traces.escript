#!/usr/bin/env escript
%% -*- erlang -*-
%%
%% sched_traces.escript -- beamlab BEAM oracle: mailboxes, message memory and exit signals
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/sched_traces.escript tooling/beam-oracle/fixtures
%% writes <dir>/sched_traces.json in well under a second. Needs Erlang/OTP 25 (recorded with
%% erts 13.1.5, 64-bit, JIT, default emulator flags).
%%
%% WHAT IT RECORDS (every number is measured on the running BEAM, nothing is computed here)
%% 1. "mailboxes": for each case a fresh receiver is spawned with
%%      spawn_opt(?MODULE, receiver, [Rec], [{message_queue_data, Mqd}])
%%    (arguments [Rec]: 2 heap words, garbage after entry). receiver/1 tells the recorder
%%    `ready` (an atom: 0 words) and parks in wait/1, a receive that matches only the atom
%%    `drain`, so every {msg, Payload} stays queued (selective receive). The recorder then
%%    SUSPENDS it (erlang:suspend_process/1: it cannot run, so it never holds its main lock
%%    and a sender always gets it: on_heap data goes onto the heap whenever it fits, which
%%    makes the run deterministic with any number of schedulers), sends the messages in
%%    batches and measures from OUTSIDE after each batch ("sent" checkpoints):
%%      process_info(Pid, [heap_size, total_heap_size, stack_size, memory,
%%                         message_queue_len, garbage_collection]) and
%%      process_info(Pid, garbage_collection_info).
%%    Payloads are built by the recorder at run time: {msg, L} with L a list of K small
%%    integers (3 + 2K words), the tuple {1, ..., K} (1 + K words; the receiver leaves these
%%    queued for good: they do not match {msg, _}), or the literal {msg, [1,2,3]} of this
%%    module ("literal": a message that is entirely a literal copies 0 words). Then it resumes the receiver,
%%    waits until it is blocked in its receive again (status waiting) and measures
%%    ("resumed": it has scanned the queue without matching anything), sends `drain`: the
%%    receiver takes `drain` past the queued messages, receives every {msg, _} and drops it
%%    (drain/1, `after 0` when the queue is empty), sends `drained` and parks in wait/1 again
%%    ("drained"), and finally erlang:garbage_collect(Pid) from outside ("gc").
%%    Each case is run twice: untraced for the checkpoints, and GC-traced
%%    (erlang:trace(Pid, true, [garbage_collection]) once it is parked, before the
%%    suspension) for "gc_events": every gc_*_start/end message in order, with its wordsize
%%    and the 11 garbage_collection_info items (as in gc_traces.json).
%% 2. "signals": small link/monitor trees run in a fresh root process that traps exits. Each
%%    scenario (see scenarios/0, each one's source is its description) makes processes,
%%    links and monitors, triggers exits, lets every signal land (receive after ?SETTLE ms),
%%    and reports the messages each trapping process has in its queue, in queue order.
%%    Pids are replaced by the names the scenario gives them, monitor refs by "mon_<name>"
%%    (a second monitor on the same process: "mon2_<name>"). A message is a JSON array:
%%    ["EXIT", From, Reason] or ["DOWN", Ref, "process", Who, Reason]; reasons are printed
%%    with ~w.
%%
%% DETERMINISM (checked: repeated runs and runs with +S 1 and +S 8 give identical files)
%%   No pids, refs or times are recorded. Each signal scenario has at most one sender per
%%   receiver in flight at a time, or causally ordered senders, so queue order is fixed.
%%
%% FINDINGS ON OTP 25.2.3 / erts 13.1.5 (numbers in the fixture)
%%   * A queued message costs 88 bytes of `memory` (its container) plus its data: on_heap
%%     data goes onto the receiver's heap while HEAP_LIMIT - HTOP > words (then it is in
%%     heap_size of garbage_collection_info, not in total_heap_size), else into a fragment
%%     counted in mbuf_size and total_heap_size; off_heap data only in memory (8 per word).
%%     The on-heap test has a 3-word margin: data goes onto the heap only when
%%     heap_block_size - stack_size - heap_size - 3 > words (on_heap_2w: a 2-word message
%%     goes to a fragment with 5 words free; found with 2-, 3- and 5-word messages at stack
%%     sizes 1 and 2).
%%   * message_queue_len counts every queued message, matched or not.
%%   * A process both linked to and monitoring a dying process gets the {'EXIT', ...} message
%%     before the 'DOWN' (and two monitors' 'DOWN's in the order they were created).
%%   * monitor/2 then link/1 on a process that is already dead: {'EXIT', X, noproc} comes
%%     first, then the 'DOWN' with noproc (the monitor's answer is a signal handled later).
%%   * erlang:suspend_process/1 adds 56 bytes to the suspended process's memory while it is
%%     suspended (its suspend monitor); the "sent" checkpoints include them.
%%   * Draining (the receive in drain/1): a received message whose data is in a fragment is
%%     added to mbuf_size; once mbuf_size exceeds the free heap the process keeps only 5
%%     reductions and is collected (need 0) when it yields or after its next send. With
%%     on_heap, the queued messages in fragments are copied onto the heap by the GC after it
%%     has set the high-water mark and before its gc_*_end event (on_heap_3w: the end event
%%     has heap_size 300 and wordsize 2, recent_size 225).
-module(beamlab_sched_traces_recorder).
-mode(compile).

-export([main/1, receiver/1, trapper/1, idle/0, exiter/0, linker/1, monitorer/1]).

-define(TIMEOUT, 10000).
-define(SETTLE, 30).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Mailboxes = [record_mailbox(C) || C <- mailbox_cases()],
    Signals = [record_scenario(S) || S <- scenarios()],
    Pcb = record_pcb_memory(),
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"sched_traces.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           kv(<<"context_reductions">>, erlang:system_info(context_reductions)), <<", ">>,
           kv(<<"process_limit">>, erlang:system_info(process_limit)), <<",\n">>,
           <<"\"mailboxes\": [\n">>, join(Mailboxes, <<",\n">>), <<"\n],\n">>,
           <<"\"signals\": [\n">>, join(Signals, <<",\n">>), <<"\n],\n">>,
           <<"\"pcb_memory\": [\n">>, join(Pcb, <<",\n">>), <<"\n]\n">>,
           <<"}\n">>],
    Path = filename:join(OutDir, "sched_traces.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s: ~b mailbox cases, ~b signal scenarios~n",
              [Path, length(Mailboxes), length(Signals)]);
main(_) ->
    io:format(standard_error, "usage: escript sched_traces.escript OUTPUT_DIR~n", []),
    halt(1).

%% ===================================================================
%% 1. mailboxes
%% ===================================================================

%% {Id, Mqd, Payload, Batches}: Payload = {list, K} | literal
mailbox_cases() ->
    [{<<"on_heap_23w">>, on_heap, {list, 10}, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]},
     {<<"on_heap_1003w">>, on_heap, {list, 500}, [1, 1, 1]},
     {<<"on_heap_3w">>, on_heap, {list, 0}, [25, 25, 25, 25]},
     {<<"on_heap_literal">>, on_heap, literal, [5]},
     {<<"on_heap_2w">>, on_heap, {tuple, 1}, [100, 10, 1, 1, 1, 1]},
     {<<"off_heap_23w">>, off_heap, {list, 10}, [1, 1, 1, 1, 1, 5, 5]},
     {<<"off_heap_1003w">>, off_heap, {list, 500}, [1, 1, 1]},
     {<<"off_heap_3w">>, off_heap, {list, 0}, [25, 25, 25, 25]},
     {<<"off_heap_literal">>, off_heap, literal, [5]}].

receiver(Rec) ->
    Rec ! ready,
    wait(Rec).

wait(Rec) ->
    receive
        drain -> drain(Rec), wait(Rec)
    end.

drain(Rec) ->
    receive
        {msg, _} -> drain(Rec)
    after 0 ->
        Rec ! drained
    end.

payload({list, K}) -> {msg, lists:seq(1, K)};
payload({tuple, K}) -> list_to_tuple(lists:seq(1, K));
payload(literal) -> {msg, [1, 2, 3]}.

payload_words({list, K}) -> 3 + 2 * K;
payload_words({tuple, K}) -> 1 + K;
payload_words(literal) -> 0.

record_mailbox({Id, Mqd, Payload, Batches}) ->
    {Checkpoints, []} = run_mailbox(Mqd, Payload, Batches, false),
    {_, Events} = run_mailbox(Mqd, Payload, Batches, true),
    {PayloadName, K} = case Payload of
                           {list, K0} -> {<<"list">>, K0};
                           {tuple, K0} -> {<<"tuple">>, K0};
                           literal -> {<<"literal">>, 3}
                       end,
    json(obj([{<<"id">>, Id},
              {<<"message_queue_data">>, atom_to_binary(Mqd, utf8)},
              {<<"payload">>, obj([{<<"kind">>, PayloadName}, {<<"length">>, K},
                                    {<<"words">>, payload_words(Payload)}])},
              {<<"batches">>, Batches},
              {<<"checkpoints">>, Checkpoints},
              {<<"gc_events">>, Events}])).

%% One run of the protocol; Traced: GC-trace the receiver (tracer: this process) from
%% before the suspension to the end, and return its events (the checkpoints of a traced run
%% are not used: tracing can perturb mbuf_size, see gc_traces.escript).
run_mailbox(Mqd, Payload, Batches, Traced) ->
    Pid = spawn_opt(?MODULE, receiver, [self()], [{message_queue_data, Mqd}]),
    receive ready -> ok after ?TIMEOUT -> error(no_ready) end,
    wait_status(Pid, waiting),
    Start = measure(Pid, <<"spawned">>, 0),
    Traced andalso erlang:trace(Pid, true, [garbage_collection, {tracer, self()}]),
    true = erlang:suspend_process(Pid),
    {Sent, Total} = lists:foldl(
                      fun(B, {Acc, N0}) ->
                              [Pid ! payload(Payload) || _ <- lists:seq(1, B)],
                              N = N0 + B,
                              {[measure(Pid, <<"sent">>, N) | Acc], N}
                      end, {[], 0}, Batches),
    true = erlang:resume_process(Pid),
    wait_status(Pid, waiting),
    Resumed = measure(Pid, <<"resumed">>, Total),
    Pid ! drain,
    receive drained -> ok after ?TIMEOUT -> error(no_drained) end,
    wait_status(Pid, waiting),
    Drained = measure(Pid, <<"drained">>, Total),
    true = erlang:garbage_collect(Pid),
    Gc = measure(Pid, <<"gc">>, Total),
    Events = case Traced of
                 true ->
                     Ref = erlang:trace_delivered(Pid),
                     receive {trace_delivered, Pid, Ref} -> ok after ?TIMEOUT -> error(no_trace) end,
                     trace_events(Pid, []);
                 false -> []
             end,
    exit(Pid, kill),
    {[Start | lists:reverse(Sent)] ++ [Resumed, Drained, Gc], Events}.

trace_events(Pid, Acc) ->
    receive
        {trace, Pid, Tag, Info} ->
            E = obj([{<<"event">>, atom_to_binary(Tag, utf8)},
                     {<<"info">>, obj([{atom_to_binary(K, utf8), V} || {K, V} <- Info])}]),
            trace_events(Pid, [E | Acc])
    after 0 -> lists:reverse(Acc)
    end.

wait_status(Pid, Want) -> wait_status(Pid, Want, 1000).
wait_status(_Pid, _Want, 0) -> error(status_timeout);
wait_status(Pid, Want, N) ->
    case process_info(Pid, status) of
        {status, Want} -> ok;
        _ -> receive after 1 -> ok end, wait_status(Pid, Want, N - 1)
    end.

measure(Pid, Label, Sent) ->
    [{heap_size, H}, {total_heap_size, T}, {stack_size, S}, {memory, M},
     {message_queue_len, Q}, {garbage_collection, GC}] =
        process_info(Pid, [heap_size, total_heap_size, stack_size, memory,
                           message_queue_len, garbage_collection]),
    {garbage_collection_info, GI} = process_info(Pid, garbage_collection_info),
    obj([{<<"label">>, Label}, {<<"sent">>, Sent},
         {<<"heap_size">>, H}, {<<"total_heap_size">>, T}, {<<"stack_size">>, S},
         {<<"memory">>, M}, {<<"message_queue_len">>, Q},
         {<<"minor_gcs">>, proplists:get_value(minor_gcs, GC)},
         {<<"garbage_collection_info">>, obj([{atom_to_binary(K, utf8), V} || {K, V} <- GI])}]).

%% ===================================================================
%% 3. process memory beyond the heap (pcb_memory): links, monitors, queued messages
%% ===================================================================

%% A fresh process parked in idle/0 (spawned with no arguments), then what a link, a
%% monitor (on both sides) and a queued atom message add to its `memory`, measured from
%% outside while every process involved is blocked in a receive.
record_pcb_memory() ->
    A = spawn(?MODULE, idle, []),
    ok = wait_status(A, waiting, 1000),
    Fresh = pcb_measure(<<"fresh">>, A),
    L = spawn(?MODULE, linker, [A]),
    ok = wait_status(L, waiting, 1000),
    Linked = pcb_measure(<<"linked_target">>, A),
    Linker = pcb_measure(<<"linker">>, L),
    M = spawn(?MODULE, monitorer, [A]),
    ok = wait_status(M, waiting, 1000),
    Monitored = pcb_measure(<<"linked_and_monitored_target">>, A),
    Monitorer = pcb_measure(<<"monitorer">>, M),
    A ! hello,
    ok = wait_status(A, waiting, 1000),
    Queued = pcb_measure(<<"linked_monitored_with_one_queued_atom">>, A),
    Lone = spawn(?MODULE, idle, []),
    ok = wait_status(Lone, waiting, 1000),
    LoneFresh = pcb_measure(<<"second_fresh">>, Lone),
    [exit(P, kill) || P <- [A, L, M, Lone]],
    [json(O) || O <- [Fresh, Linked, Linker, Monitored, Monitorer, Queued, LoneFresh]].

pcb_measure(Label, Pid) ->
    [{memory, Mem}, {heap_size, H}, {total_heap_size, T}, {message_queue_len, Q},
     {links, Links}, {monitors, Mons}, {monitored_by, By}] =
        process_info(Pid, [memory, heap_size, total_heap_size, message_queue_len,
                           links, monitors, monitored_by]),
    obj([{<<"label">>, Label}, {<<"memory">>, Mem}, {<<"heap_size">>, H},
         {<<"total_heap_size">>, T}, {<<"message_queue_len">>, Q},
         {<<"links">>, length(Links)}, {<<"monitors">>, length(Mons)},
         {<<"monitored_by">>, length(By)}]).

linker(Target) ->
    link(Target),
    receive never -> ok end.

monitorer(Target) ->
    _ = erlang:monitor(process, Target),
    receive never -> ok end.

%% ===================================================================
%% 2. exit and 'DOWN' signals
%% ===================================================================

%% A trapping process that runs Setup, then parks until asked for its queue.
trapper(Setup) ->
    process_flag(trap_exit, true),
    Setup(),
    receive {report, To} -> To ! {queue, self(), flush([])} end,
    %% stay alive (so no 'EXIT' from it reaches the root) until the scenario's root exits
    process_flag(trap_exit, false),
    receive never -> ok end.

%% A process that does nothing until killed (not trapping).
idle() ->
    receive never -> ok end.

%% A process that exits with the reason it is sent.
exiter() ->
    receive {exit_with, R} -> exit(R) end.

flush(Acc) ->
    receive M -> flush([M | Acc]) after 0 -> lists:reverse(Acc) end.

settle() -> receive after ?SETTLE -> ok end.

%% Each scenario runs in a fresh root that traps exits; Names maps pids to names. It returns
%% the root's queue and the queues of the trappers it asks.
scenarios() ->
    [{<<"link_and_monitor_same_process">>,
      <<"root links to and monitors x (exiter); x exits with boom. root gets both signals.">>,
      fun() ->
              X = spawn_link(?MODULE, exiter, []),
              put_name(X, x),
              Ref = monitor(process, X), put_name(Ref, mon_x),
              X ! {exit_with, boom}, settle(),
              [{root, flush([])}]
      end},
     {<<"two_monitors_and_link">>,
      <<"root monitors x twice (mon_x, then mon2_x) and links to it; x exits with boom.">>,
      fun() ->
              X = spawn(?MODULE, exiter, []), put_name(X, x),
              R1 = monitor(process, X), put_name(R1, mon_x),
              R2 = monitor(process, X), put_name(R2, mon2_x),
              link(X),
              X ! {exit_with, boom}, settle(),
              [{root, flush([])}]
      end},
     {<<"chain_propagation">>,
      <<"root spawn_links trapper a; a spawn_links b (idle, not trapping); b spawn_links c "
        "(idle); root monitors c then b. root: exit(c, boom): c dies, b dies with boom (not "
        "trapping), a gets {'EXIT', b, boom}. Then root asks a for its queue.">>,
      fun() ->
              Root = self(),
              A = spawn_link(?MODULE, trapper,
                             [fun() ->
                                      B = spawn_link(fun() ->
                                                             C = spawn_link(?MODULE, idle, []),
                                                             Root ! {c, C}, idle()
                                                     end),
                                      Root ! {b, B}
                              end]),
              put_name(A, a),
              B = receive {b, B0} -> B0 end, put_name(B, b),
              C = receive {c, C0} -> C0 end, put_name(C, c),
              put_name(monitor(process, C), mon_c),
              put_name(monitor(process, B), mon_b),
              exit(C, boom), settle(),
              [{a, report(A)}, {root, flush([])}]
      end},
     {<<"kill_a_trapper">>,
      <<"root spawn_links trapper a; a spawn_links b (idle); root monitors b. root: "
        "exit(a, kill): a dies with killed although it traps exits; root gets "
        "{'EXIT', a, killed}; b gets the exit signal killed from a and dies with killed.">>,
      fun() ->
              Root = self(),
              A = spawn_link(?MODULE, trapper,
                             [fun() -> B = spawn_link(?MODULE, idle, []), Root ! {b, B} end]),
              put_name(A, a),
              B = receive {b, B0} -> B0 end, put_name(B, b),
              put_name(monitor(process, B), mon_b),
              exit(A, kill), settle(),
              [{root, flush([])}]
      end},
     {<<"normal_exits">>,
      <<"root spawns x (idle, not trapping) and trapper t; t links to x; root monitors x. "
        "root: exit(x, normal) (ignored: x does not trap), exit(t, normal) (t gets "
        "{'EXIT', root, normal}), exit(x, shutdown) (x dies; t gets {'EXIT', x, shutdown}, "
        "root a 'DOWN'). Then root asks t for its queue.">>,
      fun() ->
              Root = self(),
              X = spawn(?MODULE, idle, []), put_name(X, x),
              T = spawn(?MODULE, trapper, [fun() -> link(X), Root ! linked end]),
              put_name(T, t),
              receive linked -> ok end,
              put_name(monitor(process, X), mon_x),
              exit(X, normal), settle(),
              exit(T, normal), settle(),
              exit(X, shutdown), settle(),
              [{t, report(T)}, {root, flush([])}]
      end},
     {<<"noproc">>,
      <<"x exits normally before root monitors and links to it: root gets 'DOWN' with "
        "noproc, then {'EXIT', x, noproc} (link to a dead process while trapping exits).">>,
      fun() ->
              X = spawn(?MODULE, exiter, []), put_name(X, x),
              XRef = monitor(process, X),
              X ! {exit_with, normal},
              receive {'DOWN', XRef, process, X, normal} -> ok end,
              put_name(monitor(process, X), mon_x),
              link(X), settle(),
              [{root, flush([])}]
      end},
     {<<"exit_normal_from_linked">>,
      <<"root links to x (exiter) and monitors it; x exits normally: root (trapping) gets "
        "{'EXIT', x, normal} and the 'DOWN'.">>,
      fun() ->
              X = spawn_link(?MODULE, exiter, []), put_name(X, x),
              put_name(monitor(process, X), mon_x),
              X ! {exit_with, normal}, settle(),
              [{root, flush([])}]
      end}].

report(P) ->
    P ! {report, self()},
    receive {queue, P, Q} -> Q after ?TIMEOUT -> error(no_report) end.

put_name(PidOrRef, Name) -> put({name, PidOrRef}, atom_to_binary(Name, utf8)).

name(T) ->
    case get({name, T}) of
        undefined when T =:= self() -> <<"root">>;
        undefined -> iolist_to_binary(io_lib:format("~w", [T]));
        N -> N
    end.

record_scenario({Id, Desc, Fun}) ->
    Rec = self(),
    {Pid, MRef} = spawn_monitor(
                    fun() ->
                            process_flag(trap_exit, true),
                            Queues = Fun(),
                            Rec ! {self(), [{Who, [msg_json(M) || M <- Q]} || {Who, Q} <- Queues]},
                            %% takes the scenario's linked leftovers down with it
                            exit(scenario_done)
                    end),
    Queues = receive {Pid, Q} -> Q after ?TIMEOUT -> error({scenario_timeout, Id}) end,
    receive {'DOWN', MRef, process, Pid, _} -> ok end,
    json(obj([{<<"id">>, Id}, {<<"description">>, Desc},
              {<<"queues">>, obj([{atom_to_binary(W, utf8), Ms} || {W, Ms} <- Queues])}])).

%% Runs in the scenario's root (its dictionary holds the names).
msg_json({'EXIT', From, Reason}) -> [<<"EXIT">>, name(From), reason(Reason)];
msg_json({'DOWN', Ref, process, Who, Reason}) ->
    [<<"DOWN">>, name(Ref), <<"process">>, name(Who), reason(Reason)];
msg_json(Other) -> [<<"OTHER">>, iolist_to_binary(io_lib:format("~w", [Other]))].

reason(R) -> iolist_to_binary(io_lib:format("~w", [R])).

%% ===================================================================
%% minimal JSON encoder (output is UTF-8)
%% ===================================================================

kv(K, V) -> [json_string(K), <<": ">>, json(V)].

obj(KVs) -> {obj, KVs}.

json({obj, KVs}) -> [${, join([kv(K, V) || {K, V} <- KVs], <<", ">>), $}];
json(null) -> <<"null">>;
json(true) -> <<"true">>;
json(false) -> <<"false">>;
json(I) when is_integer(I) -> integer_to_binary(I);
json(B) when is_binary(B) -> json_string(B);
json(L) when is_list(L) -> [$[, join([json(X) || X <- L], <<", ">>), $]].

json_string(B) when is_binary(B) ->
    case binary:match(B, escape_patterns()) of
        nomatch -> [$", B, $"];
        _ -> [$", << <<(esc(C))/binary>> || <<C>> <= B >>, $"]
    end.

escape_patterns() -> [<<C>> || C <- [$", $\\ | lists:seq(0, 31)]].

esc($") -> <<"\\\"">>;
esc($\\) -> <<"\\\\">>;
esc($\n) -> <<"\\n">>;
esc($\r) -> <<"\\r">>;
esc($\t) -> <<"\\t">>;
esc($\b) -> <<"\\b">>;
esc($\f) -> <<"\\f">>;
esc(C) when C < 32 -> iolist_to_binary(io_lib:format("\\u~4.16.0b", [C]));
esc(C) -> <<C>>.

join([], _Sep) -> [];
join([H | T], Sep) -> [H | [[Sep, X] || X <- T]].
