/*
 * Where a thread moved into a section goes, as positions the reference 0.169.0 gives [observed through its list
 * cursors]: appending takes the last position plus a step (the first thread gets 1000000); inserting before a thread
 * takes the midpoint between it and the one before it (or 0). When no whole number is left between two neighbours,
 * the section is renumbered in steps first.
 */

export const SECTION_POSITION_STEP = 1_000_000;

export interface Placed {
  readonly threadId: string;
  readonly position: number;
}

/** Thrown when `beforeId` is not one of `others`. */
export class NotInSectionError extends Error {}

/**
 * The positions to store: the moved thread's, and those of the others when they had to be renumbered. `others`
 * are the section's other threads in order.
 */
export function placeInSection(others: readonly Placed[], threadId: string, beforeId: string | null): Placed[] {
  if (beforeId === null) {
    const last = others[others.length - 1];
    return [{ threadId, position: (last?.position ?? 0) + SECTION_POSITION_STEP }];
  }
  const at = others.findIndex((other) => other.threadId === beforeId);
  if (at < 0) throw new NotInSectionError();
  const previous = at === 0 ? 0 : others[at - 1]!.position;
  const position = Math.floor((previous + others[at]!.position) / 2);
  if (position > previous) return [{ threadId, position }];
  const order = others.map((other) => other.threadId);
  order.splice(at, 0, threadId);
  return order.map((member, index) => ({ threadId: member, position: (index + 1) * SECTION_POSITION_STEP }));
}
