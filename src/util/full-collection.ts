import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Full, synchronous garbage collections on demand. Node offers no collection API without `--expose-gc`, which
 * cannot be passed to an installed binary's shebang portably, so the flag is set at run time, on the first
 * collection, and `gc` taken from a fresh context, where V8 installs it once the flag is on.
 *
 * Setting a flag changes V8's flag hash, and V8 rejects code caches made under another hash: Node's own cache of
 * its built-in modules (each one required afterwards is compiled from source, `https` ~5 → ~18 ms) and the
 * launcher's cache of the bundle (written right after start-up, before any collection). So `beforeFlagChange`
 * runs first, once: the launcher loads there the built-ins it deferred past start-up.
 */
export class FullCollector {
  readonly #beforeFlagChange: () => void;
  #collector: (() => void) | null | undefined;

  constructor(beforeFlagChange: () => void = () => {}) {
    this.#beforeFlagChange = beforeFlagChange;
  }

  /** Runs one full collection; false when this Node refuses to expose one. */
  collect(): boolean {
    if (this.#collector === undefined) {
      this.#beforeFlagChange();
      this.#collector = lookUpCollector();
    }
    if (this.#collector === null) return false;
    this.#collector();
    return true;
  }
}

function lookUpCollector(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    // Only memory is at stake: a Node that refuses the flag keeps running as before.
    return null;
  }
}
