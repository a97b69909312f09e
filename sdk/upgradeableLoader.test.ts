import { deployedElf, PROGRAMDATA_HEADER_SIZE } from "./upgradeableLoader";

describe("upgradeable loader accounts", () => {
  test("deployedElf is the ProgramData after its header, without the room kept for upgrades", () => {
    const elf = Buffer.from("\x7fELF and the rest of the program");
    const header = Buffer.alloc(PROGRAMDATA_HEADER_SIZE, 0xaa);
    const account = Buffer.concat([header, elf, Buffer.alloc(64)]);
    expect(Buffer.from(deployedElf(account, elf.length))).toEqual(elf);
    expect(deployedElf(header, elf.length)).toHaveLength(0); // an account too short for the ELF gives no bytes of it
  });
});
