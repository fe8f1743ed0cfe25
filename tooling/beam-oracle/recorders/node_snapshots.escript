#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% node_snapshots.escript -- beamlab BEAM oracle: live-node snapshot files of the seed leaks
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/node_snapshots.escript tooling/beam-oracle/fixtures
%% writes <dir>/snapshots/<workload>.snap.json (one per workload) and <dir>/node_snapshots.json
%% (the manifest) in a few seconds. Needs Erlang/OTP 25 (erts 13.1.5, 64-bit).
%%
%% WHAT IT RECORDS
%% For each workload of beamlab_workloads/beamlab_workloads.erl, a fresh `erl +S 1 -noshell`
%% runs the workload, then beamlab_snapshot:write(File, 3, 50, [gc_probe]) (the same call a user
%% makes over rpc on a live node: 3 snapshots 50 ms apart, the gc probe on the last one). Every
%% number in a snapshot is process_info / erlang:memory output of the running BEAM. The manifest
%% lists, per workload, how many processes carry each '$beamlab_role' in the last snapshot
%% (deterministic); the snapshot files hold times and pids and are not compared for drift.
-mode(compile).

main([OutDir]) ->
    Here = filename:dirname(escript:script_name()),
    Tmp = filename:join(os:getenv("TMPDIR", "/tmp"), "beamlab_node_snapshots_" ++ os:getpid()),
    ok = filelib:ensure_dir(filename:join(Tmp, "x")),
    [{ok, _} = compile:file(filename:join([Here, D, D ++ ".erl"]), [{outdir, Tmp}, report])
     || D <- ["beamlab_workloads", "beamlab_snapshot"]],
    SnapDir = filename:join(OutDir, "snapshots"),
    ok = filelib:ensure_dir(filename:join(SnapDir, "x")),
    Erl = os:find_executable("erl"),
    Rows = [record(Erl, Tmp, SnapDir, W) || W <- workloads()],
    Json = ["{\n  \"recorder\": \"node_snapshots.escript\",\n  \"otp_release\": \"", erlang:system_info(otp_release),
            "\",\n  \"wordsize\": ", integer_to_list(erlang:system_info(wordsize)),
            ",\n  \"snapshots\": [\n", lists:join(",\n", Rows), "\n  ]\n}\n"],
    ok = file:write_file(filename:join(OutDir, "node_snapshots.json"), Json),
    _ = [file:delete(F) || F <- filelib:wildcard(filename:join(Tmp, "*"))],
    _ = file:del_dir(Tmp),
    ok.

workloads() -> [tenured_garbage, idle_children, pinned_refc, sub_binary_cache, mailbox_backlog, healthy_busy].

record(Erl, Tmp, SnapDir, W) ->
    Name = atom_to_list(W),
    File = filename:join(SnapDir, Name ++ ".snap.json"),
    RolesFile = filename:join(Tmp, Name ++ ".roles"),
    Eval = lists:flatten(io_lib:format(
        "ok = beamlab_workloads:run(~s), "
        "{ok, _} = beamlab_snapshot:write(\"~s\", 3, 50, [gc_probe]), "
        "Roles = lists:foldl(fun(P, Acc) -> case erlang:process_info(P, dictionary) of "
        "{dictionary, D} -> case lists:keyfind('$beamlab_role', 1, D) of {_, R} -> maps:update_with(R, fun(N) -> N + 1 end, 1, Acc); false -> Acc end; "
        "_ -> Acc end end, #{}, erlang:processes()), "
        "ok = file:write_file(\"~s\", io_lib:format(\"~~p.~~n\", [lists:sort(maps:to_list(Roles))])), "
        "erlang:halt(0)", [Name, File, RolesFile])),
    Port = open_port({spawn_executable, Erl},
                     [{args, ["+S", "1", "-noshell", "-pa", Tmp, "-eval", Eval]}, exit_status, stderr_to_stdout, binary]),
    0 = wait(Port),
    {ok, [Roles]} = file:consult(RolesFile),
    RoleJson = lists:join(", ", [io_lib:format("\"~s\": ~b", [R, N]) || {R, N} <- Roles]),
    io_lib:format("    {\"workload\": \"~s\", \"file\": \"snapshots/~s.snap.json\", \"samples\": 3, \"roles\": {~s}}",
                  [Name, Name, RoleJson]).

wait(Port) ->
    receive
        {Port, {data, _}} -> wait(Port);
        {Port, {exit_status, S}} -> S
    after 60000 -> error(timeout)
    end.
