/** Resolves when `signal` aborts (Ctrl-C, SIGTERM or SIGHUP for a long-running command), at once if it has. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
