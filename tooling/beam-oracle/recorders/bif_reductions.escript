#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1
%%
%% bif_reductions.escript -- beamlab BEAM oracle: reductions BIFs charge, and what that does to
%% a client's slices
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/bif_reductions.escript tooling/beam-oracle/fixtures
%% writes <dir>/bif_reductions.json in about a second. Needs Erlang/OTP 25, one scheduler.
%%
%% WHAT IT RECORDS
%% 1. "copies": a process spawned with copies(K, Bin) runs K iterations of
%%      loop(K, Bin) -> _ = binary:copy(Bin), loop(K - 1, Bin)
%%    then blocks in a receive; its reductions (process_info from outside, once it waits) for
%%    binaries of S bytes and K in [0, 1, 10]. Per iteration = (reds(10) - reds(0)) / 10.
%%    erl_bif_binary.c (OTP 25) do_binary_copy: BUMP_REDS(p, bytes / BINARY_COPY_LOOP_FACTOR),
%%    BINARY_COPY_LOOP_FACTOR = 100, on top of the call.
%% 2. "client": a client sends N messages {msg, I, binary:copy(Payload)} to a server that only
%%    receives them; the server records, at each receive, its message_queue_len. With one
%%    scheduler the client runs a slice, then the server drains what that slice sent: the
%%    queue lengths give the number of messages per client slice. Payloads of 64 KB (the BIF
%%    costs ~655 reductions: a handful per slice) and 16 bytes (a heap binary: hundreds).
%%
%% DETERMINISM: reductions and the slice pattern do not depend on time; repeated runs give
%%   identical files.
-module(beamlab_bif_reductions_recorder).
-mode(compile).
-export([main/1, copies/2, server/2]).

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Copies = [record_copies(S, K) || S <- [16, 64, 65, 1000, 65536, 100000], K <- [0, 1, 10]],
    Clients = [record_client(S, 60) || S <- [65536, 16]],
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"bif_reductions.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<",\n">>,
           <<"\"copies\": [\n">>, join(Copies, <<",\n">>), <<"\n],\n">>,
           <<"\"clients\": [\n">>, join(Clients, <<",\n">>), <<"\n]\n">>,
           <<"}\n">>],
    Path = filename:join(OutDir, "bif_reductions.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s~n", [Path]);
main(_) ->
    io:format(standard_error, "usage: escript bif_reductions.escript OUTPUT_DIR~n", []),
    halt(1).

payload(S) -> binary:copy(<<7>>, S).

copies(0, _Bin) -> receive stop -> ok end;
copies(K, Bin) -> _ = binary:copy(Bin), copies(K - 1, Bin).

record_copies(S, K) ->
    Bin = payload(S),
    P = spawn(?MODULE, copies, [K, Bin]),
    wait_idle(P, 100),
    {reductions, R} = process_info(P, reductions),
    P ! stop,
    [<<"{">>, kv(<<"bytes">>, S), <<", ">>, kv(<<"iterations">>, K), <<", ">>, kv(<<"reductions">>, R), <<"}">>].

server(0, Acc) -> receive {report, To} -> To ! {queue_lengths, lists:reverse(Acc)} end;
server(N, Acc) ->
    receive {msg, _I, _Bin} ->
        {message_queue_len, Q} = process_info(self(), message_queue_len),
        server(N - 1, [Q | Acc])
    end.

client(_Srv, 0, _P) -> ok;
client(Srv, N, P) -> Srv ! {msg, N, binary:copy(P)}, client(Srv, N - 1, P).

record_client(S, N) ->
    Payload = payload(S),
    Srv = spawn(?MODULE, server, [N, []]),
    Self = self(),
    C = spawn(fun() -> client(Srv, N, Payload), Self ! done end),
    receive done -> ok end,
    wait_idle(Srv, 100),
    Srv ! {report, self()},
    Qs = receive {queue_lengths, L} -> L end,
    _ = C,
    [<<"{">>, kv(<<"payload_bytes">>, S), <<", ">>, kv(<<"messages">>, N), <<", \"queue_lengths\": [">>,
     join([integer_to_binary(Q) || Q <- Qs], <<", ">>), <<"]}">>].

wait_idle(_P, 0) -> ok;
wait_idle(P, K) ->
    case process_info(P, [status, message_queue_len]) of
        [{status, waiting}, {message_queue_len, 0}] -> ok;
        _ -> receive after 1 -> wait_idle(P, K - 1) end
    end.

kv(K, V) when is_integer(V) -> [<<"\"">>, K, <<"\": ">>, integer_to_binary(V)];
kv(K, V) when is_binary(V) -> [<<"\"">>, K, <<"\": \"">>, V, <<"\"">>].

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
