// A Prometheus counter that follows a running total kept elsewhere (the bytes a socket layer counted, the frames a
// relay forwarded): the owner keeps counting as it does, and the counter catches up at each scrape. Shared by the
// trainer's metrics (trainer/node/nodeMetrics.ts) and the services' (coordinator/metrics/).
import type { Registry } from "prom-client";
import { Counter } from "prom-client";

export function counterOf(registry: Registry, name: string, help: string, read: () => number): Counter {
  let seen = 0;
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const total = read();
      if (total > seen) this.inc(total - seen);
      seen = Math.max(seen, total);
    },
  });
}
