import { fileURLToPath } from 'node:url';

/** The reference's two-turn rollout ("hello", "second turn"), as 0.169.0 wrote it (test/fixtures/rollouts). */
export const REFERENCE_ROLLOUT = fileURLToPath(
  new URL(
    '../fixtures/rollouts/reference-0.169.0/rollout-2026-11-22T08-51-26-01a20274-0250-7a53-b773-0774080a263e.jsonl',
    import.meta.url,
  ),
);
/** Its thread id. */
export const REFERENCE_THREAD = '01a20274-0250-7a53-b773-0774080a263e';
/** Its turn ids, in order. */
export const REFERENCE_TURNS = ['01a20274-0272-78f2-9828-621acad3570b', '01a20274-0317-77a0-bf94-e77656a202df'];
