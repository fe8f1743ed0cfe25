# agent_vs_task.exs -- twin of @beamlab/scenarios' agent-vs-task (issue 11, story 2: an Elixir
# listener starting Agents under a DynamicSupervisor that observer shows piling up).
#
# HOW TO RUN: elixir --erl "+S 1" tooling/beam-oracle/twins/agent_vs_task.exs leak|fix [key=value ...]
#   prints the twin report (SCENARIO-API.md) as one JSON document on stdout.
# PARAMETERS (defaults): events 437, result_kb 48.
# WORK: a DynamicSupervisor (strategy :one_for_one, role supervisor) and a listener process
#   (role listener) started by this script's process (role driver). For each event i = 1..events
#   the listener starts one child (role child) with DynamicSupervisor.start_child:
#   leak = {Agent, fn -> process(i) end} (the result is the Agent's state; it never exits),
#   fix = a temporary {Task, fn -> process(i) end} computing the same and exiting.
#   process(i) is issue 11's, exactly. The report is taken when the listener is done and the
#   supervisor has no Task left running (polled every ms), after a :sys.get_state round trip to
#   the supervisor (it has handled every EXIT).
# FREE CHOICES: i counts from 1; the listener starts the children one after another (start_child
#   returns once the child's init is done: Agent's init computes process(i); a Task starts at once).
dir = Path.dirname(__ENV__.file)
{:ok, :twin_report, bin} = :compile.file(String.to_charlist(Path.join(dir, "twin_report.erl")), [:binary, :report])
{:module, :twin_report} = :code.load_binary(:twin_report, ~c"twin_report.erl", bin)

defmodule BeamlabTwin.Sup do
  use DynamicSupervisor
  def start_link(_), do: DynamicSupervisor.start_link(__MODULE__, :ok)
  @impl true
  def init(:ok) do
    :twin_report.role(:supervisor)
    DynamicSupervisor.init(strategy: :one_for_one)
  end
end

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

  def wait_tasks(sup, :fix) do
    if DynamicSupervisor.count_children(sup).active > 0 do
      Process.sleep(1)
      wait_tasks(sup, :fix)
    end
  end

  def wait_tasks(_sup, :leak), do: :ok
end

{mode, params} = :twin_report.args(Enum.map(System.argv(), &String.to_charlist/1), events: 437, result_kb: 48)
state = :twin_report.start(100)
:twin_report.role(:driver)
{:ok, sup} = BeamlabTwin.Sup.start_link(:ok)
driver = self()
_listener = spawn(fn -> BeamlabTwin.Work.listen(sup, mode, params[:events], params[:result_kb], driver) end)
receive do
  :listener_done -> :ok
end
BeamlabTwin.Work.wait_tasks(sup, mode)
_ = :sys.get_state(sup)
report = :twin_report.finish(%{state: state, scenario: "agent-vs-task", mode: mode, params: params})
IO.puts(:twin_report.to_json(report))
