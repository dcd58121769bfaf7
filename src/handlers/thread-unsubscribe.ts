import { ClientRequests } from '../protocol/registry.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/**
 * `thread/unsubscribe`: the caller stops receiving the thread's notifications. `unsubscribed`, then
 * `notSubscribed` when repeated; `notLoaded` for a thread that is not loaded, known or not [observed]. The
 * thread stays loaded; once nobody is subscribed and no turn runs for the unload delay (30 minutes) it is
 * unloaded, which every connection hears as `thread/status/changed notLoaded` then `thread/closed`.
 */
export function threadUnsubscribeHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadUnsubscribe, (params, context) => {
    const thread = services.threads.get(threadIdParam(params.threadId));
    if (thread === undefined) return { status: 'notLoaded' as const };
    const removed = services.threads.unsubscribe(thread, context.channel.connectionId);
    return { status: removed ? ('unsubscribed' as const) : ('notSubscribed' as const) };
  });
}
