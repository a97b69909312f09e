import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The direction of dependencies (../shared/DESIGN.md): clients/ -> scripts/ -> trainer/, coordinator/ -> sdk/ -> the
// IDL. Each part lists the parts it must not import; tests (tests/ and *.test.ts beside a module) and bench/ may
// import anything. programs/coordinator/paths.ts is neutral ground every part may use.
const FORBIDDEN = {
  sdk: ["trainer", "coordinator", "scripts", "clients", "bench", "tests"],
  trainer: ["coordinator", "scripts", "clients", "bench", "tests"],
  coordinator: ["trainer", "scripts", "clients", "bench", "tests"],
  scripts: ["clients", "bench", "tests"],
  clients: ["bench", "tests"],
};
const boundaries = Object.entries(FORBIDDEN).map(([part, forbidden]) => ({
  files: [`${part}/**/*.ts`],
  ignores: ["**/*.test.ts"],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: forbidden.map((other) => ({
          // a path segment naming the part, reached relatively (../trainer/x) or from the root (trainer/x)
          regex: `^(\\.{1,2}/)*${other}/`,
          message: `${part}/ must not import ${other}/ (dependencies point clients -> scripts -> trainer, coordinator -> sdk; see eslint.config.mjs)`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ["node_modules/", "target/", "coverage/", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  ...boundaries,
);
