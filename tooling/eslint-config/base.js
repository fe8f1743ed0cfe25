// Shared eslint flat config for every beamlab workspace package.
// Owns: the rule set (eslint recommended + typescript-eslint strict/stylistic *type-checked*
// rules) and the one import rule the package graph needs locally: no deep imports into another
// package's internals. The cross-package direction rule (refc <- heap <- scheduler <- ...) is
// enforced by tooling/graph-check, which sees the whole workspace.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** @param {string} tsconfigRootDir the package directory (import.meta.dirname of its config) */
export function beamlabConfig(tsconfigRootDir) {
  return tseslint.config(
    { ignores: ["dist/**", ".bench/**", "coverage/**", "*.config.*"] },
    js.configs.recommended,
    ...tseslint.configs.strictTypeChecked,
    ...tseslint.configs.stylisticTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      rules: {
        "no-restricted-imports": [
          "error",
          {
            patterns: [
              {
                group: ["@beamlab/*/src/*", "@beamlab/*/internal/*", "@beamlab/*/dist/*"],
                message: "Import a package through its public entry point, not its files.",
              },
            ],
          },
        ],
        "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
        "@typescript-eslint/no-unnecessary-condition": ["error", { allowConstantLoopConditions: true }],
        "@typescript-eslint/switch-exhaustiveness-check": "error",
        // Indexing under noUncheckedIndexedAccess: `xs[i] as T` after a bounds check is the idiom;
        // the non-null assertion `!` is banned in sources, so its "style" twin must be off.
        "@typescript-eslint/non-nullable-type-assertion-style": "off",
      },
    },
    {
      files: ["test/**", "bench/**"],
      rules: {
        "@typescript-eslint/no-non-null-assertion": "off",
      },
    },
  );
}
