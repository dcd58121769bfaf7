import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';

/**
 * The rule of the parity tests: every difference found (`what` → detail) must be listed in `allowed` with a reason
 * (listed ones are reported as diagnostics), and a listed difference that no longer occurs fails too, so the list
 * only ever shrinks.
 */
export function assertExplained(
  t: TestContext,
  found: ReadonlyMap<string, string>,
  allowed: Readonly<Record<string, string>>,
  unexplainedMessage = 'differences from the reference that are not explained',
): void {
  for (const [what, detail] of found) {
    if (allowed[what] !== undefined) t.diagnostic(`allowed (${allowed[what]}): ${what}\n      ${detail}`);
  }
  const unexplained = [...found].filter(([what]) => allowed[what] === undefined);
  const stale = Object.keys(allowed).filter((what) => !found.has(what));
  assert.deepEqual(
    unexplained.map(([what, detail]) => `${what}\n      ${detail}`),
    [],
    unexplainedMessage,
  );
  assert.deepEqual(stale, [], 'listed differences that no longer occur: remove them from ALLOWED');
}
