%% beamlab_snapshot -- snapshots of a live node, as JSON that `leak-lab diagnose <file>` reads.
%%
%% On a running node (no restart, nothing to install but this module):
%%   1. compile and load it there, e.g. from a remote shell (erl -remsh node@host):
%%        c("/path/to/beamlab_snapshot.erl").
%%      or load the compiled module over rpc from another node:
%%        {M, B, F} = code:get_object_code(beamlab_snapshot), rpc:call(Node, code, load_binary, [M, F, B]).
%%   2. one rpc line writes N snapshots, Interval ms apart, to a file on that node:
%%        rpc:call(Node, beamlab_snapshot, write, ["/tmp/node.snap.json", 10, 1000, []]).
%%      Options: [gc_probe] also runs erlang:garbage_collect/1 on every process whose heap is at
%%      least 16384 words, or whose ProcBins refer to at least 1 MiB, at the LAST snapshot and
%%      records the heap words in use and the refc binary bytes referenced before and after
%%      (what a fullsweep keeps is what is reachable). That changes the node (like recon:bin_leak/1);
%%      leave it out to only observe.
%%   3. leak-lab diagnose /tmp/node.snap.json
%%
%% Per snapshot: time (ms, erlang:system_time), erlang:memory(), system_info counts, and per process the
%% process_info items memory, heap_size, total_heap_size, stack_size, reductions,
%% message_queue_len, status, registered_name, initial_call, current_function,
%% garbage_collection (minor_gcs, fullsweep_after), garbage_collection_info, binary (ids hashed
%% with erlang:phash2/1 to stay exact in JSON), links; from the dictionary '$initial_call' (which
%% becomes initial_call, as observer shows it), '$ancestors', and '$beamlab_role' (role). The
%% supervision tree is read from '$ancestors' (parent = first ancestor, its name resolved with
%% whereis/1), never by calling a supervisor. OTP 21 or later (no json module needed).
-module(beamlab_snapshot).
-export([take/0, take/1, write/4, series/3, to_json/1]).

-define(ITEMS, [registered_name, initial_call, current_function, status, message_queue_len, memory,
                heap_size, total_heap_size, stack_size, reductions, garbage_collection,
                garbage_collection_info, binary, links, dictionary]).
-define(PROBE_MIN_WORDS, 16384).
-define(PROBE_MIN_BINARY_BYTES, 1048576).

write(File, N, IntervalMs, Opts) ->
    Snaps = series(N, IntervalMs, Opts),
    Doc = #{format => <<"beamlab-snapshots">>, version => 1, node => atom_to_binary(node(), utf8),
            otp_release => list_to_binary(erlang:system_info(otp_release)), snapshots => Snaps},
    ok = file:write_file(File, to_json(Doc)),
    {ok, length(Snaps)}.

series(N, IntervalMs, Opts) when N >= 1 ->
    [begin
         S = take(if I =:= N -> Opts; true -> [] end),
         if I < N -> timer:sleep(IntervalMs); true -> ok end,
         S
     end || I <- lists:seq(1, N)].

take() -> take([]).

take(Opts) ->
    Time = erlang:system_time(millisecond),
    Procs0 = [P || P <- [info(Pid) || Pid <- erlang:processes()], P =/= undefined],
    Names = maps:from_list([{N, maps:get(pid, P)} || P <- Procs0, {ok, N} <- [maps:find(registered_name, P)]]),
    Parents = maps:from_list([{maps:get(pid, P), Par} || P <- Procs0, Par <- [parent(P, Names)], Par =/= undefined]),
    Children = maps:fold(fun(C, Par, Acc) -> maps:update_with(Par, fun(L) -> [C | L] end, [C], Acc) end, #{}, Parents),
    Procs1 = [add_tree(P, Parents, Children) || P <- Procs0],
    Procs = case lists:member(gc_probe, Opts) of true -> [probe(P) || P <- Procs1]; false -> Procs1 end,
    #{time => Time,
      memory => maps:from_list(erlang:memory()),
      system_info => #{process_count => erlang:system_info(process_count),
                       process_limit => erlang:system_info(process_limit),
                       port_count => erlang:system_info(port_count),
                       atom_count => erlang:system_info(atom_count),
                       ets_count => length(ets:all()),
                       schedulers => erlang:system_info(schedulers)},
      processes => [maps:remove(ancestors, P) || P <- Procs]}.

info(Pid) ->
    case erlang:process_info(Pid, ?ITEMS) of
        undefined -> undefined;
        L -> convert(Pid, maps:from_list(L))
    end.

convert(Pid, I) ->
    Dict = maps:get(dictionary, I),
    {gc_info_ok, GcInfo} = {gc_info_ok, maps:from_list(maps:get(garbage_collection_info, I))},
    Gc = maps:get(garbage_collection, I),
    Base = #{pid => pid_text(Pid),
             initial_call => mfa_text(case lists:keyfind('$initial_call', 1, Dict) of
                                          {_, MFA} -> MFA;
                                          false -> maps:get(initial_call, I)
                                      end),
             current_function => mfa_text(maps:get(current_function, I)),
             status => maps:get(status, I),
             message_queue_len => maps:get(message_queue_len, I),
             memory => maps:get(memory, I),
             heap_size => maps:get(heap_size, I),
             total_heap_size => maps:get(total_heap_size, I),
             stack_size => maps:get(stack_size, I),
             reductions => maps:get(reductions, I),
             garbage_collection => #{minor_gcs => proplists:get_value(minor_gcs, Gc, 0),
                                     fullsweep_after => proplists:get_value(fullsweep_after, Gc, 65535)},
             garbage_collection_info => GcInfo,
             binary => [#{id => erlang:phash2(Id), size => Size, refc => Refc} || {Id, Size, Refc} <- maps:get(binary, I)],
             links => [pid_text(L) || L <- maps:get(links, I), is_pid(L)],
             ancestors => case lists:keyfind('$ancestors', 1, Dict) of {_, A} -> A; false -> [] end},
    WithName = case maps:get(registered_name, I) of [] -> Base; N -> Base#{registered_name => N} end,
    WithDict = case lists:keyfind('$initial_call', 1, Dict) of
                   {_, DI} -> WithName#{dictionary => [[<<"$initial_call">>, mfa_text(DI)],
                                                       [<<"$ancestors">>, [anc_text(A) || A <- maps:get(ancestors, Base)]]]};
                   false -> WithName
               end,
    case lists:keyfind('$beamlab_role', 1, Dict) of
        {_, Role} -> WithDict#{role => Role};
        false -> WithDict
    end.

parent(P, Names) ->
    case maps:get(ancestors, P) of
        [A | _] when is_pid(A) -> pid_text(A);
        [A | _] when is_atom(A) -> maps:get(A, Names, undefined);
        _ -> undefined
    end.

add_tree(P, Parents, Children) ->
    Pid = maps:get(pid, P),
    P1 = case maps:find(Pid, Parents) of {ok, Par} -> P#{parent => Par}; error -> P end,
    case maps:find(Pid, Children) of {ok, Cs} -> P1#{children => lists:sort(Cs)}; error -> P1 end.

probe(P) ->
    G = maps:get(garbage_collection_info, P),
    Blocks = maps:get(heap_block_size, G) + maps:get(old_heap_block_size, G),
    BinBytes = lists:sum([maps:get(size, B) || B <- maps:get(binary, P)]),
    case Blocks >= ?PROBE_MIN_WORDS orelse BinBytes >= ?PROBE_MIN_BINARY_BYTES of
        false -> P;
        true ->
            Pid = list_to_pid(binary_to_list(maps:get(pid, P))),
            Before = maps:get(heap_size, G) + maps:get(old_heap_size, G),
            BinBefore = lists:sum([maps:get(size, B) || B <- maps:get(binary, P)]),
            case erlang:garbage_collect(Pid) andalso erlang:process_info(Pid, [garbage_collection_info, binary]) of
                [{garbage_collection_info, After}, {binary, Bins}] ->
                    Used = proplists:get_value(heap_size, After) + proplists:get_value(old_heap_size, After),
                    BinAfter = lists:sum([S || {_, S, _} <- Bins]),
                    P#{gc_probe => #{used_words_before => Before, used_words_after => Used,
                                     binary_bytes_before => BinBefore, binary_bytes_after => BinAfter}};
                _ -> P
            end
    end.

pid_text(Pid) -> list_to_binary(pid_to_list(Pid)).
anc_text(A) when is_pid(A) -> pid_text(A);
anc_text(A) -> iolist_to_binary(io_lib:format("~w", [A])).
mfa_text({M, F, A}) -> iolist_to_binary(io_lib:format("~w:~w/~w", [M, F, A]));
mfa_text(Other) -> iolist_to_binary(io_lib:format("~w", [Other])).

%% A small JSON encoder (maps, lists, binaries as strings, atoms as strings, numbers).
to_json(M) when is_map(M) ->
    ["{", lists:join(",", [[to_json(key(K)), ":", to_json(V)] || {K, V} <- lists:sort(maps:to_list(M))]), "}"];
to_json(L) when is_list(L) -> ["[", lists:join(",", [to_json(E) || E <- L]), "]"];
to_json(B) when is_binary(B) -> [$", escape(B), $"];
to_json(true) -> "true";
to_json(false) -> "false";
to_json(A) when is_atom(A) -> to_json(atom_to_binary(A, utf8));
to_json(I) when is_integer(I) -> integer_to_list(I);
to_json(F) when is_float(F) -> float_to_list(F, [short]).

key(K) when is_atom(K) -> atom_to_binary(K, utf8);
key(K) -> K.

escape(B) -> [esc(C) || <<C/utf8>> <= B].
esc($") -> "\\\"";
esc($\\) -> "\\\\";
esc(C) when C < 32 -> io_lib:format("\\u~4.16.0b", [C]);
esc(C) -> <<C/utf8>>.
