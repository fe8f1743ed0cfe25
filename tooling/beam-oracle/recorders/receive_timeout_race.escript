#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% receive_timeout_race.escript -- beamlab BEAM oracle: a receive whose `after` timer fires
%% while the process, already woken by a message, waits in the run queue
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/receive_timeout_race.escript tooling/beam-oracle/fixtures
%% writes <dir>/receive_timeout_race.json in under a second. Needs Erlang/OTP 25, one scheduler.
%%
%% WHAT IT RECORDS
%%   A receiver waits in `receive M -> {got, M} after T -> timeout end` and then in a second
%%   `receive M -> {then, M} after 0 -> nothing end`. Behind it in the run queue, 3000 workers
%%   each run one slice of 4000 reductions (the first round takes far longer than T = 10 ms);
%%   worker 10 sends the receiver `hello` in its first slice (the receiver wakes and is queued
%%   behind the other workers). The recorder spawns the receiver and all the workers at high
%%   priority, so none of them runs before all exist: the receiver arms its timer, then workers
%%   1-9 run one slice each before `hello` is sent (well under T even on a loaded machine; spawning
%%   the workers after the receiver waited took over 10 ms there and let the timer fire first). Recorded: what each receive returned and the receiver's
%%   message_queue_len inside the `after` clause — for T = 10 (the timer fires before the receiver
%%   runs) and T = 60000 (it does not).
%%   Finding (erts 13.1.5): with T = 10 the first receive takes the timeout although `hello` had
%%   arrived long before the timer fired — the message sat in the receiver's outer signal queue
%%   (message_queue_len 0 in the after clause) — and the second receive gets it; with T = 60000
%%   the first receive gets it.
%%
%% DETERMINISM: the outcome only needs nine worker slices to take less than 10 ms and the first
%%   round of 3000 slices longer (about 100 ms here); repeated runs give identical files (checked,
%%   also with the machine's two cores busy).
-module(beamlab_receive_timeout_race_recorder).
-mode(compile).
-export([main/1]).

busy(0) -> ok;
busy(N) -> busy(N - 1).

race(T) ->
    Me = self(),
    %% everything is spawned before any of it runs: the receiver first, then the workers
    process_flag(priority, high),
    A = spawn(fun() ->
                  First = receive M -> {got, M} after T -> {timeout, element(2, process_info(self(), message_queue_len))} end,
                  Second = receive M2 -> {then, M2} after 0 -> nothing end,
                  Me ! {self(), First, Second}
              end),
    Ws = [spawn(fun() -> busy(4000), case I of 10 -> A ! hello; _ -> ok end, busy(100000) end) || I <- lists:seq(1, 3000)],
    R = receive {A, F, S} -> {F, S} end,
    process_flag(priority, normal),
    [exit(W, kill) || W <- Ws],
    R.

fmt({{got, M}, S}) -> io_lib:format("{\"first\": \"got ~p\", \"queue_len_in_after\": null, \"second\": ~p}", [M, fmt2(S)]);
fmt({{timeout, Q}, S}) -> io_lib:format("{\"first\": \"timeout\", \"queue_len_in_after\": ~p, \"second\": ~p}", [Q, fmt2(S)]).
fmt2({then, M}) -> lists:flatten(io_lib:format("then ~p", [M]));
fmt2(nothing) -> "nothing".

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    _ = race(60000), % warm up (code loading)
    Short = race(10),
    Long = race(60000),
    Doc = ["{\n\"recorder\": \"receive_timeout_race.escript\", \"otp_release\": \"", erlang:system_info(otp_release),
           "\", \"erts_version\": \"", erlang:system_info(version), "\", \"wordsize\": ", integer_to_list(erlang:system_info(wordsize)), ",\n",
           "\"after_10\": ", fmt(Short), ",\n",
           "\"after_60000\": ", fmt(Long), "\n}\n"],
    Path = filename:join(OutDir, "receive_timeout_race.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript receive_timeout_race.escript OUTPUT_DIR~n", []),
    halt(1).
