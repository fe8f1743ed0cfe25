export * from "./term/types.js";
export * from "./term/atom.js";
export * from "./term/build.js";
export * from "./term/node.js";
