#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% node_dumps.escript -- beamlab BEAM oracle: real erl_crash.dump files of the seed leaks
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/node_dumps.escript tooling/beam-oracle/fixtures
%% writes <dir>/crash-dumps/<workload>.erl_crash.dump.gz (one per workload) and
%% <dir>/node_dumps.json (the manifest) in a few seconds. Needs Erlang/OTP 25 (erts 13.1.5, 64-bit).
%%
%% WHAT IT RECORDS
%% For each workload of beamlab_workloads/beamlab_workloads.erl (the seed leaks of
%% packages/scenarios and one healthy busy node), a fresh `erl +S 1 -noshell` runs the workload
%% and then erlang:halt("beamlab: <workload>"), so the VM itself writes the crash dump
%% (ERL_CRASH_DUMP points at a temporary file; the escript gzips it). Nothing in a dump is
%% written by this script. The manifest lists, per workload, the slogan and how many processes
%% carry each '$beamlab_role' (counted by the workload before it halts: deterministic), which the
%% tests use to check that the findings name the culprit role.
%% The dumps themselves hold addresses and dates and are not compared for drift; the manifest is.
-mode(compile).

main([OutDir]) ->
    Here = filename:dirname(escript:script_name()),
    Src = filename:join([Here, "beamlab_workloads", "beamlab_workloads.erl"]),
    Tmp = filename:join(os:getenv("TMPDIR", "/tmp"), "beamlab_node_dumps_" ++ os:getpid()),
    ok = filelib:ensure_dir(filename:join(Tmp, "x")),
    {ok, _} = compile:file(Src, [{outdir, Tmp}, report]),
    DumpDir = filename:join(OutDir, "crash-dumps"),
    ok = filelib:ensure_dir(filename:join(DumpDir, "x")),
    Erl = os:find_executable("erl"),
    Rows = [record(Erl, Tmp, DumpDir, W) || W <- workloads()],
    Json = ["{\n  \"recorder\": \"node_dumps.escript\",\n  \"otp_release\": \"", erlang:system_info(otp_release),
            "\",\n  \"wordsize\": ", integer_to_list(erlang:system_info(wordsize)),
            ",\n  \"dumps\": [\n", lists:join(",\n", Rows), "\n  ]\n}\n"],
    ok = file:write_file(filename:join(OutDir, "node_dumps.json"), Json),
    _ = [file:delete(F) || F <- filelib:wildcard(filename:join(Tmp, "*"))],
    _ = file:del_dir(Tmp),
    ok.

workloads() -> [tenured_garbage, idle_children, pinned_refc, sub_binary_cache, mailbox_backlog, healthy_busy].

record(Erl, Tmp, DumpDir, W) ->
    Name = atom_to_list(W),
    Dump = filename:join(Tmp, Name ++ ".dump"),
    Slogan = "beamlab: " ++ Name,
    RolesFile = filename:join(Tmp, Name ++ ".roles"),
    Eval = lists:flatten(io_lib:format(
        "ok = beamlab_workloads:run(~s), "
        "Roles = lists:foldl(fun(P, Acc) -> case erlang:process_info(P, dictionary) of "
        "{dictionary, D} -> case lists:keyfind('$beamlab_role', 1, D) of {_, R} -> maps:update_with(R, fun(N) -> N + 1 end, 1, Acc); false -> Acc end; "
        "_ -> Acc end end, #{}, erlang:processes()), "
        "ok = file:write_file(\"~s\", io_lib:format(\"~~p.~~n\", [lists:sort(maps:to_list(Roles))])), "
        "erlang:halt(\"~s\")", [Name, RolesFile, Slogan])),
    Port = open_port({spawn_executable, Erl},
                     [{args, ["+S", "1", "-noshell", "-pa", Tmp, "-eval", Eval]},
                      {env, [{"ERL_CRASH_DUMP", Dump}, {"ERL_CRASH_DUMP_SECONDS", "60"}]},
                      exit_status, stderr_to_stdout, binary]),
    _ = collect(Port, <<>>),
    {ok, [Roles]} = file:consult(RolesFile),
    {ok, Bytes} = file:read_file(Dump),
    ok = file:write_file(filename:join(DumpDir, Name ++ ".erl_crash.dump.gz"), zlib:gzip(Bytes)),
    ok = file:delete(Dump),
    RoleJson = lists:join(", ", [io_lib:format("\"~s\": ~b", [R, N]) || {R, N} <- Roles]),
    io_lib:format("    {\"workload\": \"~s\", \"file\": \"crash-dumps/~s.erl_crash.dump.gz\", \"slogan\": \"~s\", \"roles\": {~s}}",
                  [Name, Name, Slogan, RoleJson]).

collect(Port, Acc) ->
    receive
        {Port, {data, D}} -> collect(Port, <<Acc/binary, D/binary>>);
        {Port, {exit_status, _}} -> Acc
    after 60000 -> error({timeout, Acc})
    end.
