import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "kit/index": "src/kit/index.ts" },
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
