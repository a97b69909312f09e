// Injected into the page's bundle for Anchor's Borsh dependencies (buffer-layout, @coral-xyz/borsh), which use Node's
// global Buffer: esbuild points their references here, to the portable "buffer" package web3.js and Anchor already
// bring. Concord's own code does not rely on it (eslint.config.mjs forbids the global in sdk/ and this folder).
export { Buffer } from "buffer";
