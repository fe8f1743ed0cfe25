/**
 * Tags of boxed terms. Each term class carries its tag on its prototype (set in types.ts), so a
 * hot loop reads `t.tag` and switches on a small integer instead of chaining `instanceof`.
 */
export const Tag = {
  Float: 1,
  Atom: 2,
  Nil: 3,
  Cons: 4,
  Tuple: 5,
  Binary: 6,
  SubBinary: 7,
  Map: 8,
  Pid: 9,
  Port: 10,
  Ref: 11,
  Fun: 12,
} as const;
export type Tag = (typeof Tag)[keyof typeof Tag];
