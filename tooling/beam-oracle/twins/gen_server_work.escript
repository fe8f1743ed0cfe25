#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% gen_server_work.escript -- twin of @beamlab/scenarios' gen-server-work (issue 11, story 1:
%% Yaws + gen_server: hundreds of gen_servers doing request work in their own process).
%%
%% HOW TO RUN: escript tooling/beam-oracle/twins/gen_server_work.escript leak|fix [key=value ...]
%%   prints the twin report (SCENARIO-API.md) as one JSON document on stdout.
%% PARAMETERS (defaults): servers 300, rounds 60, work_base 2000, work_spread 3000,
%%   fullsweep_after 65535 (spawn option of the servers), hibernate_after off (gen_server option).
%% WORK: `servers` gen_servers are started (gen_server:start, role server) by the driver (this
%%   script's process, role driver). Each round R = 1..rounds calls every server once, in order,
%%   gen_server:call(S, {work, N}, infinity) with N = work_base + (R * 37 rem work_spread);
%%   work(N) is exactly issue 11's. leak: handle_call does work(N) in the server. fix: handle_call
%%   spawns a process (role worker) doing work(N) and sending the result back; the server
%%   receives it (after 5000) and replies. The report is taken when the last call returned.
%% FREE CHOICES: R counts from 1 (issue 11 does not say); the servers' state is the atom `state`.
-module(beamlab_twin_gen_server_work).
-mode(compile).
-behaviour(gen_server).
-export([main/1, init/1, handle_call/3, handle_cast/2, work/1]).

load_report() ->
    Dir = filename:dirname(escript:script_name()),
    {ok, twin_report, Bin} = compile:file(filename:join(Dir, "twin_report.erl"), [binary, report]),
    {module, twin_report} = code:load_binary(twin_report, "twin_report.erl", Bin).

main(Args) ->
    load_report(),
    {Mode, Params} = twin_report:args(Args, [{servers, 300}, {rounds, 60}, {work_base, 2000},
        {work_spread, 3000}, {fullsweep_after, 65535}, {hibernate_after, off}]),
    P = fun(K) -> proplists:get_value(K, Params) end,
    State = twin_report:start(100),
    twin_report:role(driver),
    Opts = [{spawn_opt, [{fullsweep_after, P(fullsweep_after)}]}]
        ++ case P(hibernate_after) of off -> []; H -> [{hibernate_after, H}] end,
    Servers = [begin {ok, S} = gen_server:start(?MODULE, Mode, Opts), S end
               || _ <- lists:seq(1, P(servers))],
    [[gen_server:call(S, {work, P(work_base) + (R * 37 rem P(work_spread))}, infinity) || S <- Servers]
     || R <- lists:seq(1, P(rounds))],
    Report = twin_report:finish(#{state => State, scenario => <<"gen-server-work">>, mode => Mode, params => Params}),
    io:put_chars([twin_report:to_json(Report), "\n"]).

init(Mode) ->
    twin_report:role(server),
    {ok, Mode}.

handle_call({work, N}, _From, leak) ->
    {reply, work(N), leak};
handle_call({work, N}, _From, fix) ->
    Server = self(),
    Worker = spawn(fun() -> twin_report:role(worker), Server ! {result, self(), work(N)} end),
    receive
        {result, Worker, Result} -> {reply, Result, fix}
    after 5000 -> {reply, timeout, fix}
    end.

handle_cast(_, S) -> {noreply, S}.

work(N) ->
    L = [{I, I * 2, integer_to_list(I)} || I <- lists:seq(1, N)],
    B = list_to_binary([integer_to_list(X) || {X, _, _} <- L]),
    {length(L), byte_size(B), binary:part(B, 0, 10)}.
