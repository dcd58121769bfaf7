import type { TestContext } from 'node:test';

/** A promise a test resolves when it chooses (e.g. to let a held model reply go on); resolved in `t.after` too. */
export function latch(t: TestContext): { readonly released: Promise<void>; release(): void } {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  t.after(() => release());
  return { released, release };
}
