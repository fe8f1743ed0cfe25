#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% gen_server_work_gctrace.escript -- a diagnostic next to the gen-server-work twin: the same
%% workload (servers started with gen_server:start, rounds of gen_server:call(S, {work, N},
%% infinity), work(N) as in gen_server_work.escript), with ONE server's collections traced:
%% erlang:trace(S, true, [garbage_collection]) (add RUNNING=1 for in/out events). Prints one line
%% per gc event: tag, heap_size/heap_block_size, old_heap_size/old_heap_block_size, stack_size,
%% mbuf_size, bin_vheap_size/bin_vheap_block_size — the shape to compare with the model's
%% Scheduler onGcTrace + traceGc(pid) for the same server, event by event.
%%
%% HOW TO RUN: escript tooling/beam-oracle/twins/gen_server_work_gctrace.escript leak|fix SERVERS ROUNDS INDEX
%%   e.g. `... leak 30 10 1` (about a second); `... leak 300 60 1` (about 40 s).
%% CAVEAT (measured): tracing perturbs the traced server a little — some runs show 4 more heap
%% words and 5-word "phantom" fragments from the first event on; the untraced twin does not.
%% Not a recorder: it writes no fixture.
-module(beamlab_gen_server_work_gctrace).
-mode(compile).
-behaviour(gen_server).
-export([main/1, init/1, handle_call/3, handle_cast/2, work/1]).

main([ModeS, ServersS, RoundsS, IdxS]) ->
    Mode = list_to_atom(ModeS),
    NS = list_to_integer(ServersS), NR = list_to_integer(RoundsS), Idx = list_to_integer(IdxS),
    put('$beamlab_role', driver),
    Me = self(),
    T = spawn(fun() -> tracer(Me, []) end),
    Servers = [begin {ok, S} = gen_server:start(?MODULE, Mode, [{spawn_opt, [{fullsweep_after, 65535}]}]), S end
               || _ <- lists:seq(1, NS)],
    S1 = lists:nth(Idx, Servers),
    erlang:trace(S1, true, [garbage_collection, {tracer, T}] ++ [running || os:getenv("RUNNING") =:= "1"]),
    [[gen_server:call(S, {work, 2000 + (R * 37 rem 3000)}, infinity) || S <- Servers] || R <- lists:seq(1, NR)],
    erlang:trace(S1, false, [all]),
    erlang:trace_delivered(S1),
    receive {trace_delivered, _, _} -> ok end,
    T ! {done, self()},
    receive {events, Es} -> ok end,
    [io:format("~s~n", [E]) || E <- Es],
    {total_heap_size, Total} = process_info(S1, total_heap_size),
    io:format("final total_heap_size=~p~n", [Total]);
main(_) ->
    io:format(standard_error, "usage: gen_server_work_gctrace.escript leak|fix SERVERS ROUNDS INDEX~n", []),
    halt(2).

tracer(P, Acc) ->
    receive
        {done, From} -> From ! {events, lists:reverse(Acc)};
        {trace, _, Tag, Info} when is_list(Info) ->
            V = fun(K) -> proplists:get_value(K, Info) end,
            L = io_lib:format("~s h=~p/~p o=~p/~p st=~p mb=~p bv=~p/~p",
                              [Tag, V(heap_size), V(heap_block_size), V(old_heap_size), V(old_heap_block_size),
                               V(stack_size), V(mbuf_size), V(bin_vheap_size), V(bin_vheap_block_size)]),
            tracer(P, [L | Acc]);
        {trace, _, Tag, _} -> tracer(P, [atom_to_list(Tag) | Acc])
    end.

init(Mode) -> put('$beamlab_role', server), {ok, Mode}.

handle_call({work, N}, _From, leak) ->
    {reply, work(N), leak};
handle_call({work, N}, _From, fix) ->
    Server = self(),
    Worker = spawn(fun() -> put('$beamlab_role', worker), Server ! {result, self(), work(N)} end),
    receive
        {result, Worker, Result} -> {reply, Result, fix}
    after 5000 -> {reply, timeout, fix}
    end.

handle_cast(_, S) -> {noreply, S}.

work(N) ->
    L = [{I, I * 2, integer_to_list(I)} || I <- lists:seq(1, N)],
    B = list_to_binary([integer_to_list(X) || {X, _, _} <- L]),
    {length(L), byte_size(B), binary:part(B, 0, 10)}.
