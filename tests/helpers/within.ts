// Bounded waits for tests over real sockets: a wait that would hang fails fast with what it was waiting for.
export function within<T>(promise: Promise<T>, what: string, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves once `check()` holds, polling every 10 ms; fails after `ms` naming `what`, and stops polling then. */
export function eventually(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  let timedOut = false;
  const polled = new Promise<void>((resolve) => {
    const poll = () => (timedOut ? undefined : check() ? resolve() : setTimeout(poll, 10).unref());
    poll();
  });
  return within(polled, what, ms).catch((e: unknown) => {
    timedOut = true;
    throw e;
  });
}
