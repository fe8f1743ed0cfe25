# agent_child_gctrace.exs -- a diagnostic next to the agent-vs-task twin: ONE child Agent started
# as the twin starts it (DynamicSupervisor.start_child(sup, {Agent, fn -> role(:child);
# process(i, kb) end}), twin_report's role, process/2 exactly as in agent_vs_task.exs), with its
# collections traced from its spawn (erlang:trace(Sup, true, [garbage_collection, set_on_spawn])).
# Prints one line per gc event of the child (tag and the seven sizes of kit_blocks.json's events)
# and its final heap_size / total_heap_size — to compare with the model's Agent child event by
# event. GC_AT_FUN=1 adds an :erlang.garbage_collect() after role(:child) (the live heap at the
# fun's start).
#
# HOW TO RUN: elixir --erl "+S 1" tooling/beam-oracle/twins/agent_child_gctrace.exs [I [KB]]
#   (defaults 1 and 48; about a second).
# WARM=1 starts one child first, so that no module is loaded on the measured child's heap (a
#   first call that loads a module allocates on the caller's heap).
# Measured (I = 1, KB = 48, WARM=1): 40 events, the first collection (in List.duplicate, stack 22)
#   keeping 159 live words, the child ending on 6,772 + 10,958 words — every event equal to the
#   model's Agent child (scenarios' CHILD_INIT_PATH_STACK 19). Cold (no WARM): 141 live words
#   there (code loading's garbage moves the collection), the same end figure.
# CAVEAT: tracing adds 5-word phantom fragments (see ../README.md); the untraced twin does not.
# Not a recorder: it writes no fixture.
dir = Path.dirname(__ENV__.file)
{:ok, :twin_report, bin} = :compile.file(String.to_charlist(Path.join(dir, "twin_report.erl")), [:binary, :report])
{:module, :twin_report} = :code.load_binary(:twin_report, ~c"twin_report.erl", bin)

defmodule BeamlabAgentChildTrace do
  def process(i, kb) do
    :binary.bin_to_list(:binary.copy(<<rem(i, 256)>>, 8))
    |> List.duplicate(div(kb * 1024, 128))
    |> List.flatten()
    |> Enum.take(div(kb * 1024, 16))
  end

  def child(i, kb, false), do: {Agent, fn -> :twin_report.role(:child); process(i, kb) end}
  def child(i, kb, true), do: {Agent, fn -> :twin_report.role(:child); :erlang.garbage_collect(); process(i, kb) end}

  def tracer(acc) do
    receive do
      {:get, to} -> send(to, {:events, Enum.reverse(acc)})
      t -> tracer([t | acc])
    end
  end
end

{i, kb} =
  case System.argv() do
    [] -> {1, 48}
    [a] -> {String.to_integer(a), 48}
    [a, b | _] -> {String.to_integer(a), String.to_integer(b)}
  end

{:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one)
if System.get_env("WARM") == "1", do: {:ok, _} = DynamicSupervisor.start_child(sup, BeamlabAgentChildTrace.child(i, kb, false))
tracer = spawn(fn -> BeamlabAgentChildTrace.tracer([]) end)
:erlang.trace(sup, true, [:garbage_collection, :set_on_spawn, {:tracer, tracer}])
{:ok, pid} = DynamicSupervisor.start_child(sup, BeamlabAgentChildTrace.child(i, kb, System.get_env("GC_AT_FUN") == "1"))
:erlang.trace(sup, false, [:garbage_collection, :set_on_spawn])
Process.sleep(50)
send(tracer, {:get, self()})

receive do
  {:events, evs} ->
    for {:trace, p, tag, info} <- evs, p == pid do
      items = [:heap_size, :heap_block_size, :old_heap_size, :old_heap_block_size, :mbuf_size, :stack_size, :recent_size]
      IO.puts("#{tag} " <> Enum.map_join(items, " ", fn k -> "#{k}=#{info[k]}" end))
    end
end

IO.puts("final " <> inspect(Process.info(pid, [:heap_size, :total_heap_size])))
