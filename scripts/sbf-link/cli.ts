// usage: tsx scripts/sbf-link/cli.ts [-o out.so] [--relative] [--map] a.o [b.o ...]
import { readFileSync, writeFileSync } from "node:fs";
import { link, LinkError } from "./index";

function main(argv: string[]): number {
  let out = "out.so";
  let relative = false;
  let printMap = false;
  const inputs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "-o") out = argv[++i];
    else if (argv[i] === "--relative") relative = true;
    else if (argv[i] === "--map") printMap = true;
    else inputs.push(argv[i]);
  }
  try {
    const result = link(
      inputs.map((path) => [path, readFileSync(path)]),
      { relative },
    );
    writeFileSync(out, result.elf);
    if (printMap) {
      console.log(
        `${out}: ${result.elf.length} bytes; .text@0x${result.text.address.toString(16)} ${result.text.size} B, ` +
          `.rodata@0x${result.rodata.address.toString(16)} ${result.rodata.size} B; syscalls: ${result.syscalls.join(", ")}; ` +
          JSON.stringify(result.stats),
      );
    }
    return 0;
  } catch (e) {
    if (e instanceof LinkError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
