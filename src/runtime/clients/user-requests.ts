import type { ParamsOf, RequestDefinition, ResultOf } from '../../protocol/registry-types.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { LoadedThread } from '../threads/loaded-thread.js';

/**
 * Asking the people behind a thread: an approval or a question, sent as a server request to every connection
 * subscribed to the thread. The first valid answer wins; the other copies are withdrawn. There is no timeout
 * (the reference waits as long as it takes); only the turn's end (`signal`) stops the wait.
 *
 * The thread's status flag (`waitingOnApproval` / `waitingOnUserInput`) is the caller's business, because the
 * reference clears it at different moments depending on the answer (before running an accepted command, after
 * completing a declined one).
 */

/** How asking ended. Anything but `answered` counts as a refusal for the caller. */
export type AskOutcome<R> =
  | { readonly kind: 'answered'; readonly result: R }
  /** Every subscriber answered with an error, an answer that does not parse, or went away; or none was there. */
  | { readonly kind: 'unanswered'; readonly reason: string }
  /** The turn ended (interrupt, shutdown) while waiting. */
  | { readonly kind: 'aborted' };

/**
 * Sends `definition` with `params` to the thread's subscribers and waits for the first usable answer. After
 * it, `serverRequest/resolved` is sent for every copy that went out (also when the turn ended first).
 */
export async function askSubscribers<D extends RequestDefinition>(
  thread: LoadedThread,
  definition: D,
  params: ParamsOf<D>,
  signal: AbortSignal,
  /** `serverRequest/resolved` after the answer (the reference sends none for `item/tool/call`). */
  options: { readonly announceResolved?: boolean } = {},
): Promise<AskOutcome<ResultOf<D>>> {
  const channels = thread.subscriberChannels().filter((channel) => channel.isOpen);
  if (channels.length === 0) return { kind: 'unanswered', reason: 'no client is subscribed to the thread' };
  const withdraw = new AbortController();
  const combined = AbortSignal.any([signal, withdraw.signal]);
  const sentIds: number[] = [];
  const failures: string[] = [];
  try {
    return await new Promise<AskOutcome<ResultOf<D>>>((resolve) => {
      let pending = channels.length;
      const onAbort = () => resolve({ kind: 'aborted' });
      signal.addEventListener('abort', onAbort, { once: true });
      const fail = (reason: string) => {
        failures.push(reason);
        pending -= 1;
        if (pending === 0) {
          signal.removeEventListener('abort', onAbort);
          resolve({ kind: 'unanswered', reason: failures.join('; ') });
        }
      };
      for (const channel of channels) {
        channel
          .request(definition.method, params, { signal: combined, onSent: (id) => sentIds.push(id) })
          .then(
            (raw) => {
              const parsed = definition.result.safeParse(raw);
              if (!parsed.success) {
                fail(`malformed answer from connection ${channel.connectionId}`);
                return;
              }
              signal.removeEventListener('abort', onAbort);
              resolve({ kind: 'answered', result: parsed.data as ResultOf<D> });
            },
            (error: unknown) => {
              if (combined.aborted) return;
              fail(error instanceof Error ? error.message : String(error));
            },
          );
      }
    });
  } finally {
    withdraw.abort(new Error('answered elsewhere'));
    for (const requestId of options.announceResolved === false ? [] : sentIds) {
      thread.emit(ServerNotifications.serverRequestResolved, { threadId: thread.id, requestId });
    }
  }
}
