import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | null | undefined;

/**
 * Runs one full, synchronous garbage collection; false when this Node refuses to expose one. Node offers no
 * collection API without `--expose-gc`, which cannot be passed to an installed binary's shebang portably, so the
 * flag is set at run time and `gc` taken from a fresh context, where V8 installs it once the flag is on. The
 * function is looked up once and kept.
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
