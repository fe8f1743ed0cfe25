/**
 * The workload kit (issue 12): Erlang's building blocks with OTP 25's allocation, so a twin of a
 * user's Erlang is a line-for-line transliteration. Import it as `@beamlab/scenarios/kit`.
 *
 * Owns: the blocks' public surface — `lists` (seq, duplicate, map, foldl, reverse, flatten,
 * length), list comprehensions (one generator with or without a filter, two generators), tuple
 * and map construction, `maps` (put, get, from_list), conversion BIFs, binary BIFs
 * (binary_to_term, binary:copy, binary:part), the Elixir functions agent-vs-task uses
 * (`:binary.bin_to_list`, `List.duplicate`, `List.flatten`, `Enum.take`), the frame and
 * heap-test helpers (`allocateFrame`, `allocateTest`, `allocateNeed`) and the return-address
 * convention. Each block is checked GC event for GC event against a recorded trace
 * (tooling/beam-oracle/recorders/kit_blocks.escript, kit_elixir_blocks.escript); BIFs a context
 * already provides (`ctx.bif`, `ctx.afterBif`) are used as they are.
 * Invariant: blocks only allocate on the calling process's heap and charge its reductions.
 */
export { allocateFrame, allocateNeed, allocateTest } from "./allocate.js";
export { binaryCopy, binaryPart, binaryToTerm } from "./binaries.js";
export { comprehension, comprehension2, type Comprehension, type Comprehension2 } from "./comprehension.js";
export { tuple } from "./construct.js";
export { atomToList, binaryToList, integerToBinary, integerToList, iolistToBinary, listToBinary, termToBinary } from "./bifs.js";
export { binToList, enumTake, listDuplicate, listFlatten } from "./elixir.js";
export { mapsPut, putMapAssoc } from "./maps.js";
export { mapLiteral, mapLiteralNeed, mapLiteralWords, mapsFromList, mapsGet } from "./maps-build.js";
export { duplicate, flatten, foldl, length, map, reverse, RETURN_ADDRESS_WORDS, seq, type KitFun } from "./lists.js";
