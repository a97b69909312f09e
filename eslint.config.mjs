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
const boundaryPatterns = (part) =>
  FORBIDDEN[part].map((other) => ({
    // a path segment naming the part, reached relatively (../trainer/x) or from the root (trainer/x)
    regex: `^(\\.{1,2}/)*${other}/`,
    message: `${part}/ must not import ${other}/ (dependencies point clients -> scripts -> trainer, coordinator -> sdk; see eslint.config.mjs)`,
  }));
const boundaries = Object.keys(FORBIDDEN).map((part) => ({
  files: [`${part}/**/*.ts`],
  ignores: ["**/*.test.ts"],
  rules: { "no-restricted-imports": ["error", { patterns: boundaryPatterns(part) }] },
}));

// The SDK runs in browsers too (the dashboard's page bundles it), so it uses Uint8Array, DataView, TextEncoder and
// @noble/hashes, not Node's global Buffer or Node's modules. Where a library demands a Buffer (Anchor's Borsh coder),
// import it from the "buffer" package: Node's own under Node, the portable one in a bundle. Exceptions, Node-only:
const NODE_ONLY_SDK = [
  "sdk/net/**", // the peer transport: sockets and HTTP (trainers and services only)
  "sdk/audit/challengeEvidence.ts", // evidence files on disk
  // still on Buffer (convert before a page needs them):
  "sdk/audit/runAudit.ts",
  "sdk/coordinatorPdas.ts",
  "sdk/f32.ts",
  "sdk/peer/**",
  "sdk/programDeploySteps.ts",
  "sdk/receiptMetadata.ts",
  "sdk/roundSeed.ts",
  "sdk/trainingRecipe.ts",
  "sdk/transactionSender.ts",
  "sdk/upgradeableLoader.ts",
];
const NODE_MODULES = ["fs", "path", "os", "crypto", "http", "https", "net", "tls", "child_process", "zlib", "stream"];
const browserSafe = [
  ["sdk", ["sdk/**/*.ts"]],
  ["clients", ["clients/dashboard/**/*.ts"]],
].map(([part, files]) => ({
  files,
  ignores: ["**/*.test.ts", ...NODE_ONLY_SDK],
  rules: {
    "no-restricted-globals": [
      "error",
      { name: "Buffer", message: "browser code (the SDK, the dashboard page): use Uint8Array/DataView/TextEncoder" },
    ],
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          ...boundaryPatterns(part),
          {
            regex: `^(node:.*|${NODE_MODULES.join("|")})$`,
            message: "browser code (the SDK, the dashboard page) must not import Node's modules",
          },
        ],
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
  ...browserSafe,
);
