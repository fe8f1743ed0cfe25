/**
 * A `:telemetry`-style event bus: named events with measurements and metadata, handlers attached
 * by id, spans.
 *
 * Owns: the handler table of one simulated node. Every layer emits through a bus it is given
 * (this package is the lowest layer, so nothing has to depend upward to emit).
 *
 * Invariants (as in Erlang's `telemetry` library):
 * - handler ids are unique: attaching an id twice is refused;
 * - handlers run synchronously, in attach order, in the emitter's call;
 * - a handler that throws is detached, and the failure is reported once to `onHandlerFailure`;
 *   the emitter never sees the exception.
 * Cost: `execute` on a bus with no handler at all returns after one integer compare; with handlers
 * on other events it is one WeakMap lookup (the event array's key is cached, so no string is built
 * for a reused name such as an {@link EVENTS} constant) and one Map lookup. For hot paths use
 * {@link TelemetryBus.event}: a handle whose `enabled` check is a property read, so a disabled
 * emitter does not even build its measurements (bench/overhead.ts measures all of these).
 * Handler lists are copy-on-write: attach/detach replace a list, never mutate it, so `execute`
 * iterates without copying and a handler that detaches during dispatch is safe.
 */

/** An event name, e.g. `["beamlab", "gc", "minor", "stop"]`. */
export type EventName = readonly string[];
export type Measurements = Readonly<Record<string, number>>;
export type Metadata = Readonly<Record<string, unknown>>;
export type Handler<C = unknown> = (event: EventName, measurements: Measurements, metadata: Metadata, config: C) => void;

interface Attached {
  readonly id: string;
  readonly handler: Handler<never>;
  readonly config: unknown;
}

/** A pre-resolved event: `enabled` is true while at least one handler listens. */
export interface EventHandle {
  readonly name: EventName;
  readonly enabled: boolean;
  emit(measurements: Measurements, metadata?: Metadata): void;
}

export class AlreadyAttachedError extends Error {
  constructor(readonly handlerId: string) {
    super(`telemetry handler ${JSON.stringify(handlerId)} is already attached`);
    this.name = "AlreadyAttachedError";
  }
}

const keyCache = new WeakMap<EventName, string>();
const key = (name: EventName): string => {
  // Only frozen arrays can be cached: a mutable array could change after being seen.
  if (!Object.isFrozen(name)) return name.join("\u0000");
  let k = keyCache.get(name);
  if (k === undefined) {
    k = name.join("\u0000");
    keyCache.set(name, k);
  }
  return k;
};
const EMPTY: Metadata = Object.freeze({});

class Handle implements EventHandle {
  enabled = false;
  constructor(
    readonly name: EventName,
    private readonly k: string,
    private readonly bus: TelemetryBus,
  ) {}
  emit(measurements: Measurements, metadata: Metadata = EMPTY): void {
    if (this.enabled) this.bus.dispatch(this.k, this.name, measurements, metadata);
  }
}

export interface TelemetryOptions {
  /** Called once when a handler throws and is detached. Defaults to a warning on stderr. */
  readonly onHandlerFailure?: (handlerId: string, event: EventName, error: unknown) => void;
}

export class TelemetryBus {
  private readonly byEvent = new Map<string, readonly Attached[]>();
  private readonly byId = new Map<string, EventName[]>();
  private readonly handles = new Map<string, Handle>();
  private readonly onHandlerFailure: (handlerId: string, event: EventName, error: unknown) => void;

  constructor(options: TelemetryOptions = {}) {
    this.onHandlerFailure =
      options.onHandlerFailure ??
      ((id, event, error) => {
        process.emitWarning(`telemetry handler ${id} failed on ${event.join(".")} and was detached: ${String(error)}`);
      });
  }

  /** Attaches `handler` under `id` to one event. Throws {@link AlreadyAttachedError} for a used id. */
  attach<C>(id: string, event: EventName, handler: Handler<C>, config?: C): void {
    this.attachMany(id, [event], handler, config);
  }

  /** Attaches `handler` under `id` to several events at once. */
  attachMany<C>(id: string, events: readonly EventName[], handler: Handler<C>, config?: C): void {
    if (this.byId.has(id)) throw new AlreadyAttachedError(id);
    this.byId.set(id, [...events]);
    for (const event of events) {
      const k = key(event);
      this.byEvent.set(k, [...(this.byEvent.get(k) ?? []), { id, handler: handler, config }]);
      const h = this.handles.get(k);
      if (h) h.enabled = true;
    }
  }

  /** Detaches the handler `id`; returns false if there was none. */
  detach(id: string): boolean {
    const events = this.byId.get(id);
    if (events === undefined) return false;
    this.byId.delete(id);
    for (const event of events) {
      const k = key(event);
      const list = (this.byEvent.get(k) ?? []).filter((a) => a.id !== id);
      if (list.length === 0) this.byEvent.delete(k);
      else this.byEvent.set(k, list);
      const h = this.handles.get(k);
      if (h) h.enabled = list.length > 0;
    }
    return true;
  }

  /** Ids and events of every attached handler. */
  listHandlers(): { id: string; events: EventName[] }[] {
    return [...this.byId].map(([id, events]) => ({ id, events }));
  }

  /** Emits an event to its handlers. */
  execute(event: EventName, measurements: Measurements, metadata: Metadata = EMPTY): void {
    if (this.byEvent.size === 0) return;
    this.dispatch(key(event), event, measurements, metadata);
  }

  /** @internal Runs the handlers of the event whose key is `k`. */
  dispatch(k: string, event: EventName, measurements: Measurements, metadata: Metadata): void {
    const list = this.byEvent.get(k);
    if (list === undefined) return;
    for (const a of list) {
      try {
        (a.handler as Handler)(event, measurements, metadata, a.config);
      } catch (error) {
        this.detach(a.id);
        this.onHandlerFailure(a.id, event, error);
      }
    }
  }

  /** A reusable handle for a hot event: check `enabled` before building measurements. */
  event(name: EventName): EventHandle {
    const k = key(name);
    let h = this.handles.get(k);
    if (h === undefined) {
      h = new Handle(Object.freeze([...name]), k, this);
      h.enabled = this.byEvent.has(k);
      this.handles.set(k, h);
    }
    return h;
  }

  /**
   * Runs `fn` between `[...prefix, "start"]` and `[...prefix, "stop"]` events (or `"exception"` if
   * it throws, rethrowing), like `:telemetry.span/3`. `duration` is measured with `clock`
   * (virtual time in a simulation), in the clock's unit.
   */
  span<T>(prefix: EventName, metadata: Metadata, fn: () => T, clock: () => number = () => performance.now()): T {
    const start = clock();
    this.execute([...prefix, "start"], { monotonic_time: start }, metadata);
    try {
      const result = fn();
      this.execute([...prefix, "stop"], { duration: clock() - start, monotonic_time: clock() }, metadata);
      return result;
    } catch (error) {
      this.execute([...prefix, "exception"], { duration: clock() - start, monotonic_time: clock() }, { ...metadata, error });
      throw error;
    }
  }
}
