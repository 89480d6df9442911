// Lint rules of the house: type-only imports spelled as such, and import boundaries that keep
// the data flow one-way (shared/ imports nothing of client/ or server/; the simulation imports
// no engine or network code; client/ takes only types from server/).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const boundary = (patterns) => ["error", { patterns }];

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "test-results/", "bench/results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module" },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    files: ["shared/**/*.ts"],
    rules: {
      "no-restricted-imports": boundary([
        { group: ["**/client/**", "**/server/**"], message: "shared/ must not import client/ or server/." },
      ]),
    },
  },
  {
    files: ["shared/sim/**/*.ts"],
    rules: {
      "no-restricted-imports": boundary([
        { group: ["**/client/**", "**/server/**"], message: "shared/ must not import client/ or server/." },
        {
          group: ["@colyseus/*", "phaser", "zod", "node:*"],
          message: "the simulation is pure: no engine, network or I/O imports.",
        },
        { group: ["../schema*", "../protocol*"], message: "the simulation does not know the wire format." },
      ]),
      "no-restricted-globals": [
        "error",
        { name: "Date", message: "the simulation reads no clock." },
        { name: "performance", message: "the simulation reads no clock." },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "use the seeded rng in the world." },
      ],
    },
  },
  {
    files: ["client/**/*.ts"],
    rules: {
      "no-restricted-imports": boundary([
        { group: ["**/server/**"], allowTypeImports: true, message: "client/ may import only types from server/." },
      ]),
    },
  },
  {
    files: ["client/src/scenes/**/*.ts", "client/src/game/**/*.ts"],
    rules: {
      "no-restricted-imports": boundary([
        { group: ["**/server/**"], allowTypeImports: true, message: "client/ may import only types from server/." },
        {
          group: ["@colyseus/*"],
          message: "scenes never touch the SDK: go through the session module (client/src/net).",
        },
      ]),
    },
  },
);
