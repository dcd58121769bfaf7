import type { LoadedThread } from '../threads/loaded-thread.js';

/**
 * The turn half of a graceful shutdown: the turns running on `threads` may finish by themselves until `deadline`
 * resolves; those still running then are interrupted exactly as turn/interrupt does (persisted with
 * `turn_aborted`, reported `turn/completed` `interrupted`). Resolves once every turn has ended and its rollout
 * lines are durable, with how many had to be interrupted. No turn can start meanwhile: the router refuses
 * requests while draining.
 */
export async function finishRunningTurns(
  threads: Iterable<LoadedThread>,
  deadline: Promise<void>,
): Promise<{ interrupted: number }> {
  const running = [...threads].flatMap((thread) =>
    thread.activeTurn === null ? [] : [{ thread, turn: thread.activeTurn }],
  );
  const allDone = Promise.all(running.map(({ turn }) => turn.done));
  await Promise.race([allDone, deadline]);
  // A turn that ended clears `activeTurn`; one still set is still running.
  const late = running.filter(({ thread, turn }) => thread.activeTurn === turn && !turn.abort.signal.aborted);
  for (const { turn } of late) turn.abort.abort(new Error('server shutting down'));
  await allDone;
  return { interrupted: late.length };
}
