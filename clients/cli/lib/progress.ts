// Progress bars (cli-progress) only for a person at a terminal: none when stdout is piped or with --json, where the
// command's lines are what a script reads.
import type { MultiBar } from "cli-progress";

export const progressWanted = (json: boolean): boolean => !json && process.stdout.isTTY === true;

/** Stops a MultiBar after writing the lines logged above it since its last redraw (stop() alone drops them). */
export function stopBars(bars: MultiBar | null | undefined): void {
  bars?.update();
  bars?.stop();
}
