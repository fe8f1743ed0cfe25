import { beamlabConfig } from "/work/main/tooling/eslint-config/base.js";
const cfg = beamlabConfig("/work/main/packages/heap");
for (const c of cfg) {
  if (c.rules && c.rules["@typescript-eslint/restrict-template-expressions"]) c.rules["@typescript-eslint/restrict-template-expressions"] = ["error", { allowNumber: true }];
  if (c.languageOptions?.parserOptions?.projectService) c.languageOptions.parserOptions = { project: "/work/main/packages/heap/tsconfig.lint.tmp.json", tsconfigRootDir: "/work/main/packages/heap" };
}
export default cfg;
