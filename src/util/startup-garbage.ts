import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * How long after the server listens its start-up garbage is collected: after a client that connects at once has
 * been served its first requests, before anyone looks at an idle server's memory.
 */
const COLLECT_AFTER_MS = 500;

/**
 * Starting the server allocates ~7 MiB that is garbage once it listens (the bundle's bytes and its code cache, the
 * config parse, the module bodies' temporaries) and grows V8's young generation. An idle server allocates almost
 * nothing, so V8 never collects it and the process would keep that memory for as long as it stays idle. One full
 * collection shortly after start-up returns it (idle RSS ~70 → ~63 MiB). Node exposes no collection API without
 * `--expose-gc`, which cannot be passed to an installed binary's shebang portably, so the flag is set at run time
 * and `gc` taken from a fresh context, where V8 installs it once the flag is on.
 */
export function collectStartupGarbageSoon(): void {
  setTimeout(collectGarbage, COLLECT_AFTER_MS).unref();
}

function collectGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') gc();
  } catch {
    // Only memory is at stake: a Node that refuses the flag keeps running as before.
  }
}
