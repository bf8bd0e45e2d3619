import js from "@eslint/js";
import tseslint from "typescript-eslint";
import switchyard from "./scripts/lint/layers.mjs";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "**/node_modules/", "**/dist/", ".stryker-tmp/", "reports/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain scripts run under Node: its globals are defined there.
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  {
    // Imports go one way between layers (scripts/lint/layers.mjs, docs/architecture.md).
    plugins: { switchyard },
    rules: { "switchyard/layers": "error" },
  },
);
