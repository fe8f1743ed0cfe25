#!/usr/bin/env escript
%% -*- erlang -*-
%%
%% cdv_read.escript -- opens a crash dump in OTP's own crashdump_viewer, headless, and prints
%% what it shows as one JSON document on stdout: the oracle for "the dump leak-lab writes opens
%% in crashdump_viewer" (apps/leak-lab/test/crashdump-viewer.test.ts).
%%
%% HOW TO RUN
%%   escript cdv_read.escript <observer ebin dir, or ""> <erl_crash.dump>
%% (observer-ebin.mjs finds the ebin: Debian ships crashdump_viewer in erlang-observer.)
%%
%% WHAT IT PRINTS
%% crashdump_viewer:read_file/1's result, general_info/0 (slogan, process count, total memory),
%% memory/0, and for every process of processes/0 its proc_details/1: the fields of the viewer's
%% #proc{} record (lib/observer/src/crashdump_viewer.hrl, OTP 25) that a dump's =proc section
%% fills. crashdump_viewer gives heap sizes in bytes (words x wordsize) and the dictionary
%% resolved through =proc_heap.
-mode(compile).

main([Ebin, Dump]) ->
    Ebin =/= "" andalso code:add_patha(Ebin),
    {ok, _} = crashdump_viewer:start_link(),
    Read = crashdump_viewer:read_file(Dump),
    {ok, G, _} = crashdump_viewer:general_info(),
    {ok, Mem, _} = crashdump_viewer:memory(),
    {ok, Procs, _} = crashdump_viewer:processes(),
    Details = [begin {ok, D, _} = crashdump_viewer:proc_details(pid_to_list(element(2, P))), proc(D) end || P <- Procs],
    Doc = [{read, text(Read)},
           {slogan, element(3, G)}, {num_procs, element(9, G)}, {mem_tot, element(13, G)},
           {memory, {obj, [{K, list_to_integer(V)} || {K, V} <- Mem]}},
           {processes, Details}],
    io:put_chars([json({obj, Doc}), "\n"]),
    halt(0).

%% #proc{} field positions (element 1 is the record tag).
proc(D) ->
    {obj, [{pid, element(2, D)}, {name, element(3, D)}, {init_func, element(4, D)}, {state, element(7, D)},
           {msg_q_len, element(9, D)}, {dict, text(element(18, D))}, {dict_items, dict_items(element(18, D))}, {reds, element(19, D)},
           {heap_frag_data, element(21, D)}, {stack_heap, element(22, D)}, {old_heap, element(23, D)},
           {heap_unused, element(24, D)}, {old_heap_unused, element(25, D)}, {bin_vheap, element(26, D)},
           {old_bin_vheap, element(27, D)}, {memory, element(37, D)}]}.

%% '$initial_call' as "M:F/A", '$ancestors' as names and "<X.Y.Z>" (the viewer's '#CDVPid'), '$beamlab_role'.
dict_items(Dict) when is_list(Dict) ->
    {obj, [{K, item(V)} || {K, V} <- Dict, lists:member(K, ['$initial_call', '$ancestors', '$beamlab_role'])]};
dict_items(_) -> {obj, []}.

item({M, F, A}) when is_atom(M), is_atom(F), is_integer(A) -> {text, io_lib:format("~s:~s/~b", [M, F, A])};
item(L) when is_list(L) -> {array, [anc(E) || E <- L]};
item(A) when is_atom(A) -> atom_to_list(A);
item(Other) -> text(Other).

anc(['#CDVPid', X, Y, Z]) -> {text, io_lib:format("<~b.~b.~b>", [X, Y, Z])};
anc({'#CDVPid', X, Y, Z}) -> {text, io_lib:format("<~b.~b.~b>", [X, Y, Z])};
anc(A) when is_atom(A) -> atom_to_list(A);
anc(Other) -> text(Other).

text(T) -> {text, io_lib:format("~w", [T])}.

json({obj, KVs}) -> ["{", lists:join(",", [[json(atom_to_list(K)), ":", json(V)] || {K, V} <- KVs]), "}"];
json({text, IoList}) -> json(lists:flatten(IoList));
json({array, L}) -> ["[", lists:join(",", [json(E) || E <- L]), "]"];
json(undefined) -> "null";
json(I) when is_integer(I) -> integer_to_list(I);
json(P) when is_pid(P) -> json(pid_to_list(P));
json(L) when is_list(L) ->
    case io_lib:printable_unicode_list(L) of
        true -> [$", [esc(C) || C <- L], $"];
        false -> ["[", lists:join(",", [json(E) || E <- L]), "]"]
    end;
json(A) when is_atom(A) -> json(atom_to_list(A)).

esc($") -> "\\\"";
esc($\\) -> "\\\\";
esc(C) when C < 32 -> io_lib:format("\\u~4.16.0b", [C]);
esc(C) -> <<C/utf8>>.
