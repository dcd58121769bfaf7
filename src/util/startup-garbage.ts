/**
 * How long after the server listens its start-up garbage is collected (once no turn runs): after a client that
 * connects at once has been served its first requests, before anyone looks at an idle server's memory.
 */
const COLLECT_AFTER_MS = 500;

/**
 * Starting the server allocates ~7 MiB that is garbage once it listens (the bundle's bytes and its code cache, the
 * config parse, the module bodies' temporaries) and grows V8's young generation. An idle server allocates almost
 * nothing, so V8 never collects it and the process would keep that memory for as long as it stays idle. One full
 * collection shortly after start-up returns it (idle RSS ~70 → ~63 MiB). It is a background chore: a turn running
 * then is not paused for it (20–40 ms), it waits for the turn to end.
 */
export function collectStartupGarbageSoon(server: { whenIdleAfter(delayMs: number, chore: () => void): void }, collect: () => void): void {
  server.whenIdleAfter(COLLECT_AFTER_MS, collect);
}
