/**
 * How `integer_to_list/1` places its result when called from compiled code on OTP 25's x86-64
 * JIT (erts 13.1.5), measured — the rule the workload kit and work.ts share.
 *
 * - HAlloc's limit is 2 stack words below the caller's frame: the result goes to a heap
 *   fragment unless `stop − htop − 2 ≥ 2 × digits` (the call's own words on the Erlang stack).
 * - No collection when the BIF returns with its result in a fragment: the process collects at
 *   its next heap test (the next `allocate` of the comprehension).
 * Evidence: gc traces of gen-server-work's leak servers (`erlang:trace(S, true,
 * [garbage_collection])`, servers 1, 7 and 30 of 30 × 10, server 1 of 300 × 60) against the
 * model's: at one collection the BEAM holds two 6-word strings in fragments with 7 free words
 * before the first (so HAlloc refused 6 of 7 words and no collection followed the first), at
 * another the live tail shows the collection came at the next element's `allocate`, not after
 * the BIF. With these two rules the first 44 gc events of every traced server are the BEAM's,
 * word for word, and the servers end on the BEAM's heaps at 30 × 10 and at 300 × 60; with a
 * reserve of 1 or 3 they do not (0.81 and 0.50 of the BEAM's total heap). The JIT source
 * places one return address there (call_light_bif's fragment call); the second word and the
 * missing after-BIF check are measured, not located in the source. The kit's conversion BIFs
 * (bifs.ts) measured 3 words and the after-BIF rule 8 × free words < fragment words + 3 in a
 * loop of their own (kit_blocks.json); reconciling the two is open.
 */

/** Stack words below the frame while integer_to_list's HAlloc runs. */
export const INTEGER_TO_LIST_RESERVE = 2;
