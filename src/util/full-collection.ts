import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | null | undefined;

/**
 * Runs one full, synchronous garbage collection; false when this Node refuses to expose one. Node offers no
 * collection API without `--expose-gc`, which cannot be passed to an installed binary's shebang portably, so the
 * flag is set at run time and `gc` taken from a fresh context, where V8 installs it once the flag is on. The
 * function is looked up once and kept. Setting a flag changes V8's flag hash, and V8 rejects code caches made under
 * another: the launcher writes its cache of the bundle before the first collection, and the flag is not set any
 * earlier, since Node's own code cache of its built-in modules would be rejected too (each then compiled from
 * source when first required).
 */
export function collectFullGarbage(): boolean {
  if (collector === undefined) collector = lookUpCollector();
  if (collector === null) return false;
  collector();
  return true;
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
