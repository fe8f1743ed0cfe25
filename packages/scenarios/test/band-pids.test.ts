/**
 * `--band`'s pid perturbation (node.ts): a rerun's node starts its pid counter 0..PID_BAND − 1
 * further, drawn from the perturbation seed — deterministic, and absent from an unperturbed run.
 */
import { describe, expect, it } from "vitest";
import type { Pid } from "@beamlab/heap";
import { newNode, pidShift, PID_BAND } from "../src/index.js";

function firstPid(perturb?: { seed: number; words: number }): number {
  const run = newNode(perturb === undefined ? {} : { perturb }, { duration: 1, interval: 1 });
  const pid: Pid = run.scheduler.spawn(function* idle() {
    // nothing to do
  });
  return pid.id;
}

describe("band pid perturbation", () => {
  it("an unperturbed node starts at <0.1.0>; a perturbed one at 1 + pidShift(seed)", () => {
    expect(firstPid()).toBe(1);
    for (const seed of [1, 2, 3, 8]) expect(firstPid({ seed, words: 4 })).toBe(1 + pidShift(seed));
  });

  it("the shifts of the first seeds are spread over the band and repeat for the same seed", () => {
    const shifts = Array.from({ length: 8 }, (_, i) => pidShift(i + 1));
    expect(new Set(shifts).size).toBe(8);
    for (const s of shifts) expect(s >= 0 && s < PID_BAND).toBe(true);
    expect(Array.from({ length: 8 }, (_, i) => pidShift(i + 1))).toEqual(shifts);
  });
});
