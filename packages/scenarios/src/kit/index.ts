/**
 * The workload kit (issue 12): Erlang's building blocks with OTP 25's allocation, so a twin of a
 * user's Erlang is a line-for-line transliteration. Import it as `@beamlab/scenarios/kit`.
 *
 * Owns: the blocks' public surface — `lists` (seq, duplicate, map, foldl, reverse, flatten,
 * length), list comprehensions, conversion BIFs, the frame and heap-test helpers (`allocateFrame`, `allocateTest`, `allocateNeed`) and
 * the return-address convention. Each block is checked GC event for GC event against a
 * recorded trace (tooling/beam-oracle/recorders/kit_blocks.escript); BIFs a context already
 * provides (`ctx.binaryCopy`, `ctx.bif`, `ctx.afterBif`) are used as they are.
 * Invariant: blocks only allocate on the calling process's heap and charge its reductions.
 */
export { allocateFrame, allocateNeed, allocateTest } from "./allocate.js";
export { comprehension, type Comprehension } from "./comprehension.js";
export { atomToList, binaryToList, integerToBinary, integerToList, iolistToBinary, listToBinary, termToBinary } from "./bifs.js";
export { mapsPut, putMapAssoc } from "./maps.js";
export { duplicate, flatten, foldl, length, map, reverse, RETURN_ADDRESS_WORDS, seq, type KitFun } from "./lists.js";
