/**
 * Scratch lists: module-level arrays that operations which never nest (a collection's roots, a
 * liveness trace's work and visited lists, the new objects of a message being placed) reuse
 * instead of allocating one per call, so a short-lived process or a small heap's trace costs no
 * list of its own.
 *
 * Owns: how such a list is emptied. Invariant: a scratch list is empty between two uses; it is
 * emptied by popping, which keeps its backing store for the next use (`length = 0` drops it, and
 * the next use grows a new one: measured, that was most of the garbage of a snapshot's traces).
 */
export function emptyScratch(list: unknown[]): void {
  while (list.length > 0) list.pop();
}
