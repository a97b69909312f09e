// Headless Chromium for the browser tests: Debian's `chromium` driven by playwright-core. When it is missing or does
// not start, the test fails saying so (never skips): .ci/run installs the package.
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)`);
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      timeout: 60_000,
    });
  } catch (e) {
    throw new Error(`headless Chromium (${CHROMIUM}) did not start: ${(e as Error).message.split("\n")[0]}`);
  }
}
