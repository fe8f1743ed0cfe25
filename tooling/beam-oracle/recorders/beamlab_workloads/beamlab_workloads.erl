%% beamlab_workloads -- the seed leaks of packages/scenarios, as small real Erlang workloads.
%%
%% Each workload builds its leak (or, for healthy_busy, a busy node without one) on the node it
%% runs on and returns when it is built; node_dumps.escript runs each one in a fresh
%% `erl +S 1` and ends it with erlang:halt(Slogan) so the VM writes an erl_crash.dump.
%% Every process a workload starts is tagged put('$beamlab_role', Role), with the role names of the
%% simulated scenarios, so a test can check that a finding names the culprit by its role:
%%   tenured_garbage   4 x gen_server tg_server (role server): each call builds a 5,000-element
%%                     list (10,000 words) and replies its length; 300 calls each
%%   idle_children     simple_one_for_one supervisor job_sup (role supervisor) with temporary
%%                     gen_server children job_agent (role agent), one per job, used once,
%%                     never stopped; 100 jobs, each keeps a 200-element list as its state
%%   pinned_refc       a router (role router, spawned with min_heap_size 10000 and
%%                     min_bin_vheap_size 4 Mi words as in packages/scenarios/src/router.ts)
%%                     forwarding 64 KiB refc binaries to a consumer (role consumer) that drops
%%                     them; 100 binaries
%%   sub_binary_cache  a cache (role cache) keeping the first 100 bytes of each 64 KiB payload as a
%%                     sub-binary (no binary:copy/1); 60 payloads
%%   mailbox_backlog   a consumer (role consumer) that handles one message per 50 ms while a
%%                     producer (role producer) casts 3,000 messages
%%   healthy_busy      a supervisor (role supervisor) with 8 gen_server workers (role worker)
%%                     serving 2,000 calls (temporaries die young), a router (role router) that
%%                     forwards 64 KiB binaries and collects, a cache (role cache) that keeps
%%                     binary:copy/1'd parts
-module(beamlab_workloads).
-behaviour(gen_server).
-export([run/1, workloads/0]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).
-export([start_agent/1, start_worker/1]).

workloads() -> [tenured_garbage, idle_children, pinned_refc, sub_binary_cache, mailbox_backlog, healthy_busy].

role(R) -> put('$beamlab_role', R).

build(0, Acc) -> Acc;
build(N, Acc) -> build(N - 1, [N | Acc]).

%% ---- gen_server (tg_server, job_agent, worker) ----
init({tg_server}) -> role(server), {ok, 0};
init({agent, N}) -> role(agent), {ok, build(200, [N])};
init({worker}) -> role(worker), {ok, 0};
init(job_sup) ->
    role(supervisor),
    {ok, {#{strategy => simple_one_for_one, intensity => 10, period => 10},
          [#{id => job_agent, start => {?MODULE, start_agent, []}, restart => temporary}]}};
init(worker_sup) ->
    role(supervisor),
    {ok, {#{strategy => one_for_one, intensity => 10, period => 10},
          [#{id => I, start => {?MODULE, start_worker, [I]}} || I <- lists:seq(1, 8)]}}.

start_agent(N) -> gen_server:start_link(?MODULE, {agent, N}, []).
start_worker(_I) -> gen_server:start_link(?MODULE, {worker}, []).

handle_call(work, _From, N) when is_integer(N) -> {reply, length(build(5000, [])), N + 1};
handle_call(job, _From, State) -> {reply, length(State), State};
handle_call(serve, _From, N) -> {reply, length(build(500, [])), N + 1}.
handle_cast(_, S) -> {noreply, S}.
handle_info(_, S) -> {noreply, S}.

%% ---- workloads ----
run(tenured_garbage) ->
    Servers = [begin {ok, S} = gen_server:start(?MODULE, {tg_server}, []), S end || _ <- lists:seq(1, 4)],
    [gen_server:call(S, work) || _ <- lists:seq(1, 300), S <- Servers],
    ok;
run(idle_children) ->
    {ok, Sup} = supervisor:start_link({local, job_sup}, ?MODULE, job_sup),
    unlink(Sup),
    [begin {ok, A} = supervisor:start_child(Sup, [I]), gen_server:call(A, job) end || I <- lists:seq(1, 100)],
    ok;
run(pinned_refc) ->
    Consumer = spawn(fun() -> role(consumer), consumer_loop() end),
    %% tuned "for throughput" as in packages/scenarios/src/router.ts
    Router = spawn_opt(fun() -> role(router), router_loop(Consumer) end,
                       [{min_heap_size, 10000}, {min_bin_vheap_size, 4 * 1024 * 1024}]),
    register(router, Router),
    [Router ! {fwd, binary:copy(<<I:8>>, 65536)} || I <- lists:seq(1, 100)],
    sync(Router), sync(Consumer),
    ok;
run(sub_binary_cache) ->
    Cache = spawn(fun() -> role(cache), cache_loop(#{}) end),
    register(cache, Cache),
    [Cache ! {put, I, binary:copy(<<I:8>>, 65536)} || I <- lists:seq(1, 60)],
    sync(Cache),
    ok;
run(mailbox_backlog) ->
    Consumer = spawn(fun() -> role(consumer), slow_loop() end),
    register(slow_consumer, Consumer),
    Producer = spawn(fun() -> role(producer), [gen_server:cast(Consumer, {event, I}) || I <- lists:seq(1, 3000)], receive stop -> ok end end),
    register(producer, Producer),
    timer:sleep(200),
    ok;
run(healthy_busy) ->
    {ok, Sup} = supervisor:start_link({local, worker_sup}, ?MODULE, worker_sup),
    unlink(Sup),
    Workers = [P || {_, P, _, _} <- supervisor:which_children(Sup)],
    [gen_server:call(W, serve) || _ <- lists:seq(1, 250), W <- Workers],
    Consumer = spawn(fun() -> role(consumer), consumer_loop() end),
    Router = spawn(fun() -> role(router), collecting_router_loop(Consumer) end),
    [Router ! {fwd, binary:copy(<<I:8>>, 65536)} || I <- lists:seq(1, 100)],
    Cache = spawn(fun() -> role(cache), copying_cache_loop(#{}) end),
    [Cache ! {put, I, binary:copy(<<I:8>>, 65536)} || I <- lists:seq(1, 60)],
    sync(Router), sync(Consumer), sync(Cache),
    ok.

sync(P) -> P ! {sync, self()}, receive {synced, P} -> ok end.

consumer_loop() ->
    receive
        {sync, From} -> From ! {synced, self()}, consumer_loop();
        Bin when is_binary(Bin) -> _ = build(100, []), consumer_loop()
    end.

router_loop(To) ->
    receive
        {sync, From} -> From ! {synced, self()}, router_loop(To);
        {fwd, Bin} -> To ! Bin, router_loop(To)
    end.

collecting_router_loop(To) ->
    receive
        {sync, From} -> From ! {synced, self()}, collecting_router_loop(To);
        {fwd, Bin} -> To ! Bin, erlang:garbage_collect(), collecting_router_loop(To)
    end.

cache_loop(M) ->
    receive
        {sync, From} -> From ! {synced, self()}, cache_loop(M);
        {put, K, <<Head:100/binary, _/binary>>} -> cache_loop(M#{K => Head})
    end.

copying_cache_loop(M) ->
    receive
        {sync, From} -> From ! {synced, self()}, copying_cache_loop(M);
        {put, K, <<Head:100/binary, _/binary>>} -> copying_cache_loop(M#{K => binary:copy(Head)})
    end.

slow_loop() ->
    receive
        {'$gen_cast', {event, _}} -> timer:sleep(50), slow_loop()
    end.
