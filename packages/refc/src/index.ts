export { RefcStore, RefcError, ownerKey, type OffHeapBinary, type Holder, type ProcessBinary, type RefcStoreOptions, type LocalPidLike } from "./store.js";
export { binLeak, type BinLeakEntry } from "./bin-leak.js";
export { BINARY_HEADER_BYTES, ON_HEAP_BINARY_LIMIT, PROC_BIN_WORDS, SUB_BIN_WORDS, binaryAllocatedBytes, procBinVheapWords } from "./constants.js";
