// Progress bars (cli-progress) only for a person at a terminal: none when stdout is piped or with --json, where the
// command's lines are what a script reads.
export const progressWanted = (json: boolean): boolean => !json && process.stdout.isTTY === true;
