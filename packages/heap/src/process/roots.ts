/**
 * The root protocol: what a process's collections start tracing from.
 *
 * Owns: the root set of one process heap — a stack of frames for the code that is running, plus
 * the root sources the process registers (its state, mailbox, dictionary…), plus the terms a
 * single collection is given (the operands of the allocation that triggered it: `objv` in C).
 *
 * The BEAM's root set (erl_gc.c `setup_rootset`) is the stack, the argument registers, the
 * process dictionary, the message queue (on-heap data), seq-trace token, group leader, fvalue and
 * ftrace. Here:
 *  - **Frames.** A frame stands for one Erlang stack frame (or the registers live across a call):
 *    it holds the terms the running function still uses. `pushFrame` when a function starts,
 *    `hold(term)` to keep a term, `release(term)` / `set(slot, …)` when it is dead, `popFrame` on return.
 *    **Conservative gap:** the BEAM's compiler computes liveness per instruction (a y-register is
 *    dead after its last use, `kill`/`trim` instructions), while a frame here keeps what it holds
 *    until it returns or explicitly releases it. A model program that forgets to release keeps
 *    more data alive than the BEAM would (pinned by the test "a frame keeps its temporaries until
 *    it returns"). Each frame also declares its stack words, so S (the GC-visible stack size) can
 *    come from the frames.
 *  - **Root sources** (`addSource`): anything with `forEachRoot(visit)` — the process package's
 *    mailbox, dictionary and state register themselves here.
 * Invariant: every term the simulated program can still use is reachable from a frame, a source
 * or the collection's extra roots; a collection keeps exactly what is reachable from them.
 */
import type { Term } from "../term/types.js";

/** Anything that holds roots: it reports every term it keeps alive. */
export interface RootSource {
  forEachRoot(visit: (t: Term) => void): void;
  /**
   * Optional fast form of {@link forEachRoot} for collections: pushes the boxed roots (those
   * with `typeof === "object"`) onto `out`, in the order `forEachRoot` visits them.
   */
  pushRoots?(out: Term[]): void;
}

/** One running function's live terms (an Erlang stack frame). */
export class Frame implements RootSource {
  private readonly slots: (Term | undefined)[] = [];
  private words: number;
  /** @internal The root set whose stack this frame is on (it keeps the sum of its frames' words). */
  owner: RootSet | undefined = undefined;
  constructor(stackWords = 0) {
    this.words = stackWords;
  }

  /** Words this frame occupies on the Erlang stack (counted in S). */
  get stackWords(): number {
    return this.words;
  }

  set stackWords(words: number) {
    if (this.owner !== undefined) this.owner.frameWordsChanged(words - this.words);
    this.words = words;
  }

  /** Keeps `t` alive until the frame returns (or it is released); returns `t`. */
  hold<T extends Term>(t: T): T {
    this.slots.push(t);
    return t;
  }

  /** Sets slot `i` (a y-register); `undefined` kills it. */
  set(i: number, t: Term | undefined): void {
    while (this.slots.length <= i) this.slots.push(undefined);
    this.slots[i] = t;
  }

  /** The term in slot `i`. */
  get(i: number): Term | undefined {
    return this.slots[i];
  }

  /** Forgets every slot holding `t` (its last use has passed). */
  release(t: Term): void {
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i] === t) this.slots[i] = undefined;
  }

  /** Forgets everything the frame holds. */
  clear(): void {
    this.slots.length = 0;
  }

  forEachRoot(visit: (t: Term) => void): void {
    for (const t of this.slots) if (t !== undefined) visit(t);
  }

  /** @internal Pushes the boxed terms it holds onto `out` (what `forEachRoot` visits, without a callback). */
  pushRoots(out: Term[]): void {
    for (const t of this.slots) if (typeof t === "object") out.push(t);
  }
}

/** The frames and root sources of one process. */
export class RootSet {
  private readonly stack: Frame[] = [];
  /** Sum of the frames' stack words (kept up to date: the heap test reads it on every allocation). */
  private frameWords = 0;
  /** The root sources in registration order, each once (an array: walked at every collection). */
  private readonly sources: RootSource[] = [];

  /** The frames, bottom first (change them only through pushFrame / popFrame / dropFrames). */
  get frames(): readonly Frame[] {
    return this.stack;
  }

  pushFrame(stackWords = 0): Frame {
    const f = new Frame(stackWords);
    f.owner = this;
    this.stack.push(f);
    this.frameWords += stackWords;
    return f;
  }

  /** Pops `frame` (which must be the top frame) or the top frame. */
  popFrame(frame?: Frame): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) throw new Error("popFrame: no frame");
    if (frame !== undefined && frame !== top) throw new Error("popFrame: not the top frame");
    this.stack.pop();
    top.owner = undefined;
    this.frameWords -= top.stackWords;
  }

  /**
   * An exception unwinds the stack to a catch: pops `frame` and every frame above it (nothing
   * when `frame` is not on this stack any more).
   */
  unwindTo(frame: Frame): void {
    const i = this.stack.indexOf(frame);
    if (i < 0) return;
    while (this.stack.length > i) this.popFrame();
  }

  /** Drops every frame (the stack is discarded, e.g. by hibernation). */
  dropFrames(): void {
    for (const f of this.stack) f.owner = undefined;
    this.stack.length = 0;
    this.frameWords = 0;
  }

  /** @internal A frame on this stack changed its stack words by `delta`. */
  frameWordsChanged(delta: number): void {
    this.frameWords += delta;
  }

  addSource(s: RootSource): void {
    if (!this.sources.includes(s)) this.sources.push(s);
  }

  removeSource(s: RootSource): void {
    const i = this.sources.indexOf(s);
    if (i >= 0) this.sources.splice(i, 1);
  }

  /** Stack words declared by the frames. */
  frameStackWords(): number {
    return this.frameWords;
  }

  /** Where {@link visit} pushes (set by {@link collect} while it runs). */
  private out: Term[] | undefined = undefined;
  /** The one visitor handed to the sources (no closure per collection). */
  private readonly visit = (t: Term): void => {
    if (typeof t === "object") this.out?.push(t);
  };

  /** Pushes every root onto `out`: sources, then frames (unless `withFrames` is false). */
  collect(out: Term[], withFrames = true): void {
    for (const s of this.sources) {
      if (s.pushRoots !== undefined) {
        s.pushRoots(out);
        continue;
      }
      const saved = this.out;
      this.out = out;
      try {
        s.forEachRoot(this.visit);
      } finally {
        this.out = saved;
      }
    }
    if (withFrames) {
      for (const f of this.stack) f.pushRoots(out);
    }
  }
}
