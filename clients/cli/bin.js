#!/usr/bin/env node
// Entry point of the `concord` command: TypeScript sources run through tsx's CommonJS loader.
require("tsx/cjs");
require("./index.ts")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
