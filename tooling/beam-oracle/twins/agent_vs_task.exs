# agent_vs_task.exs -- twin of @beamlab/scenarios' agent-vs-task (issue 11, story 2: an Elixir
# listener starting Agents under a DynamicSupervisor that observer shows piling up).
#
# HOW TO RUN: elixir --erl "+S 1" tooling/beam-oracle/twins/agent_vs_task.exs leak|fix [key=value ...]
#   prints the twin report (SCENARIO-API.md) as one JSON document on stdout, plus `pids`: the
#   <0.N.0> numbers of the supervisor, the listener and the first and last child (a HAMT keyed by
#   the children's pids is laid out by their hashes: the simulation spawns at these numbers).
# PARAMETERS (defaults): events 437, result_kb 48.
# WORK: a DynamicSupervisor (`DynamicSupervisor.start_link(strategy: :one_for_one)`, role
#   supervisor) and a listener process (role listener) started by this script's process (role
#   driver). For each event i = 1..events the listener starts one child (role child) with
#   DynamicSupervisor.start_child:
#   leak = {Agent, fn -> process(i) end} (the result is the Agent's state; it never exits),
#   fix = a temporary {Task, fn -> process(i) end} computing the same and exiting.
#   process(i) is issue 11's, exactly. The report is taken when the listener is done, (fix) every
#   Task is gone — the driver monitors the children's pids (the listener's number + 1 .. + events)
#   and waits for their 'DOWN's, touching no measured process — and after one :sys.get_state
#   round trip to the supervisor (it has handled every 'EXIT': a child's exit signal to it is
#   sent before its 'DOWN' to the driver). No timer, no polling: the same work in every run.
# WARM-UP: before anything is measured, the same run once in each mode with one event (a first
#   call that loads a module allocates on the calling process's heap — the supervisor would carry
#   Agent's / Task's loading, the first child Agent.Server's — which a node running loaded code
#   never sees); its processes are gone before the report's baseline.
# ROLES: the supervisor runs Elixir's own Supervisor.Default callbacks (the plain start_link form,
#   the path otp's dynsup_gc / dynsup_memory twins check collection for collection), so it cannot
#   tag itself: twin_report gets its role from outside (finish/1's `roles`, nothing on its heap).
# FREE CHOICES: i counts from 1; the listener starts the children one after another (start_child
#   returns once the child's init is done: Agent's init computes process(i); a Task starts at once).
# CHECKED: the children's pid numbers are contiguous (the next process spawned after the run gets
#   listener + events + 1), else the twin fails.
# BEAMLAB_TRACE=sup: the report also has `sup_gc`, the supervisor's gc trace from after its
#   start to the end of the run (erlang:trace with this process as the tracer: no process is
#   spawned, the pid numbers stay; each event's tag and seven sizes), recorded by
#   recorders/agent_vs_task_gc.record.mjs; tracing may perturb a heap (phantom fragments), so
#   a gc-traced run's figures are not necessarily the untraced twin's (they are the same here).
#   BEAMLAB_TRACE=running: prints the running trace (in/out, pid numbers) of the supervisor, the
#   children and the listener to stderr — the order the single scheduler runs them in (it
#   perturbs the supervisor's heap: its fix figures and so the order of later slices move).
#   BEAMLAB_TRACE=order: the same order without that perturbation — the listener and the
#   children running-traced (in/out, and out_exited when a Task is done), the supervisor only
#   gc-traced, its collections printed in line (`gc_minor_start 113 mbuf … heap … blk … old …`,
#   the events of agent_vs_task_gc.json); the supervisor's own slices show only by their effects
#   (its collections, the children it spawns, the listener it wakes). Unperturbed only so far:
#   the running trace moves the listener too — at its 65th call it is preempted after a reply
#   (a collection desired) where the model is not, and from the supervisor's 27th gc event on
#   its events are no longer agent_vs_task_gc.json's (which the model's are, all 154).
dir = Path.dirname(__ENV__.file)
{:ok, :twin_report, bin} = :compile.file(String.to_charlist(Path.join(dir, "twin_report.erl")), [:binary, :report])
{:module, :twin_report} = :code.load_binary(:twin_report, ~c"twin_report.erl", bin)

defmodule BeamlabTwin.Work do
  def process(i, kb) do
    :binary.bin_to_list(:binary.copy(<<rem(i, 256)>>, 8))
    |> List.duplicate(div(kb * 1024, 128))
    |> List.flatten()
    |> Enum.take(div(kb * 1024, 16))
  end

  def child(:leak, i, kb), do: {Agent, fn -> :twin_report.role(:child); process(i, kb) end}
  def child(:fix, i, kb), do: {Task, fn -> :twin_report.role(:child); process(i, kb) end}

  def listen(sup, mode, events, kb, driver) do
    :twin_report.role(:listener)
    for i <- 1..events//1, do: {:ok, _} = DynamicSupervisor.start_child(sup, child(mode, i, kb))
    send(driver, :listener_done)
    receive do
      :stop -> :ok
    end
  end

  # The run as measured: returns the supervisor and the listener.
  def run(mode, events, kb, trace) do
    {:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one)
    if trace == :sup, do: :erlang.trace(sup, true, [:garbage_collection])
    if trace == :running, do: :erlang.trace(sup, true, [:running, :set_on_spawn])
    if trace == :order, do: (:erlang.trace(sup, true, [:garbage_collection]); :erlang.trace(:new, true, [:running, :exiting]))
    driver = self()
    listener = spawn(fn -> listen(sup, mode, events, kb, driver) end)
    if trace == :running, do: :erlang.trace(listener, true, [:running])
    receive do
      :listener_done -> :ok
    end
    wait_children(mode, listener, events)
    _ = :sys.get_state(sup)
    if trace != false, do: :erlang.trace(:all, false, [:all])
    {sup, listener}
  end

  # fix: every Task gone. The children are the listener's next `events` pid numbers (checked
  # after the run); a monitor of a dead one answers at once (noproc).
  def wait_children(:leak, _listener, _events), do: :ok
  def wait_children(:fix, listener, events) do
    n = pid_number(listener)
    for k <- (n + 1)..(n + events)//1, do: Process.monitor(:c.pid(0, k, 0))
    await_down(events)
  end

  defp await_down(0), do: :ok
  defp await_down(k) do
    receive do
      {:DOWN, _, :process, _, _} -> await_down(k - 1)
    end
  end

  def pid_number(p) do
    [_, n, _] = :string.lexemes(:erlang.pid_to_list(p), ~c"<.>")
    List.to_integer(n)
  end

  # The warm-up run's processes, gone.
  def stop(sup, listener) do
    send(listener, :stop)
    ref = Process.monitor(sup)
    Process.unlink(sup)
    Process.exit(sup, :shutdown)
    receive do
      {:DOWN, ^ref, :process, _, _} -> :ok
    end
  end

  # The trace messages in this process's mailbox, in order: gc events as maps (returned; also
  # printed to stderr when print_gc), running events printed to stderr.
  def take_trace(acc, print_gc) do
    receive do
      {:trace, p, tag, info} when tag in [:gc_minor_start, :gc_minor_end, :gc_major_start, :gc_major_end] ->
        items = [:heap_size, :heap_block_size, :old_heap_size, :old_heap_block_size, :mbuf_size, :stack_size, :recent_size]
        if print_gc,
          do: IO.puts(:stderr, "#{tag} #{pid_number(p)} mbuf #{info[:mbuf_size]} heap #{info[:heap_size]} blk #{info[:heap_block_size]} old #{info[:old_heap_size]}")
        take_trace([Map.new([{:tag, tag} | Enum.map(items, fn k -> {k, info[k]} end)]) | acc], print_gc)
      {:trace, p, inout, mfa} when inout in [:in, :out, :in_exiting, :out_exiting, :out_exited] ->
        IO.puts(:stderr, "#{inout} #{pid_number(p)} #{inspect(mfa)}")
        take_trace(acc, print_gc)
    after
      0 -> Enum.reverse(acc)
    end
  end
end

{mode, params} = :twin_report.args(Enum.map(System.argv(), &String.to_charlist/1), events: 437, result_kb: 48)
events = params[:events]
kb = params[:result_kb]
trace =
  case System.get_env("BEAMLAB_TRACE") do
    "sup" -> :sup
    "running" -> :running
    "order" -> :order
    _ -> false
  end
for m <- [:leak, :fix] do
  {s, l} = BeamlabTwin.Work.run(m, 1, kb, false)
  BeamlabTwin.Work.stop(s, l)
end
state = :twin_report.start(100)
:twin_report.role(:driver)
{sup, listener} = BeamlabTwin.Work.run(mode, events, kb, trace)
report = :twin_report.finish(%{state: state, scenario: "agent-vs-task", mode: mode, params: params, roles: %{sup => :supervisor}})
l = BeamlabTwin.Work.pid_number(listener)
next = BeamlabTwin.Work.pid_number(spawn(fn -> :ok end))
if next != l + events + 1 do
  IO.puts(:stderr, "agent_vs_task: the children's pids are not contiguous (listener #{l}, next pid #{next}, #{events} events)")
  System.halt(1)
end
pids = %{supervisor: BeamlabTwin.Work.pid_number(sup), listener: l, children: [l + 1, l + events]}
sup_gc = if trace != false, do: BeamlabTwin.Work.take_trace([], trace == :order), else: []
report = Map.put(report, :pids, pids)
report = if trace == :sup, do: Map.put(report, :sup_gc, sup_gc), else: report
IO.puts(:twin_report.to_json(report))
