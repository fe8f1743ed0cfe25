#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% sub_binary_cache.escript -- twin of @beamlab/scenarios' sub-binary-cache (issue 11, story 3).
%%
%% HOW TO RUN: escript tooling/beam-oracle/twins/sub_binary_cache.escript leak|fix [key=value ...]
%%   prints the twin report (SCENARIO-API.md) as one JSON document on stdout.
%% PARAMETERS (defaults): payloads 5000, payload_bytes 65536, key_bytes 100.
%% WORK: a cache process (role cache) receives `payloads` messages {put, P}, each P a fresh refc
%%   binary of payload_bytes made by a client process (role client, this script's process:
%%   binary:copy(<<(I rem 256)>>, payload_bytes)), and keeps binary:part(P, 0, key_bytes) (leak) or
%%   binary:copy(binary:part(P, 0, key_bytes)) (fix) of each in a list. The client then syncs with
%%   the cache ({sync, From} -> From ! synced) and runs erlang:garbage_collect(Cache), as a user
%%   checking for the leak would; the report is taken after that.
%% FREE CHOICES: the client is the script's own process and sends the payloads one after another
%%   without waiting (the cache's mailbox is whatever the single scheduler leaves in it).
-module(beamlab_twin_sub_binary_cache).
-mode(compile).
-export([main/1]).

load_report() ->
    Dir = filename:dirname(escript:script_name()),
    {ok, twin_report, Bin} = compile:file(filename:join(Dir, "twin_report.erl"), [binary, report]),
    {module, twin_report} = code:load_binary(twin_report, "twin_report.erl", Bin).

main(Args) ->
    load_report(),
    {Mode, Params} = twin_report:args(Args, [{payloads, 5000}, {payload_bytes, 65536}, {key_bytes, 100}]),
    P = fun(K) -> proplists:get_value(K, Params) end,
    State = twin_report:start(100),
    twin_report:role(client),
    KeyBytes = P(key_bytes),
    Cache = spawn(fun() -> twin_report:role(cache), cache(Mode, KeyBytes, []) end),
    [Cache ! {put, binary:copy(<<(I rem 256)>>, P(payload_bytes))} || I <- lists:seq(1, P(payloads))],
    Cache ! {sync, self()},
    receive synced -> ok end,
    true = erlang:garbage_collect(Cache),
    Report = twin_report:finish(#{state => State, scenario => <<"sub-binary-cache">>, mode => Mode, params => Params}),
    io:put_chars([twin_report:to_json(Report), "\n"]).

cache(Mode, KeyBytes, Keys) ->
    receive
        {put, P} ->
            Part = binary:part(P, 0, KeyBytes),
            Key = case Mode of leak -> Part; fix -> binary:copy(Part) end,
            cache(Mode, KeyBytes, [Key | Keys]);
        {sync, From} ->
            From ! synced,
            cache(Mode, KeyBytes, Keys)
    end.
