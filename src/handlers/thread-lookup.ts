import { RpcErrors } from '../protocol/errors.js';
import type { LoadedThread } from '../runtime/threads/loaded-thread.js';
import { parseThreadId } from '../runtime/threads/thread-id.js';
import type { ThreadManager } from '../runtime/threads/thread-manager.js';
import { PermissionProfileError } from '../runtime/threads/permission-profiles.js';
import { ThreadSettingsError } from '../runtime/threads/thread-settings.js';
import { ProviderConfigError } from '../model/provider.js';
import type { TurnDependencies } from '../runtime/turns/turn-dependencies.js';
import { threadCaller } from './caller.js';
import type { HandlerContext } from './context.js';
import type { ServerServices } from './services.js';

/** A client-supplied thread id in canonical form, or the reference's `invalid thread id: …` error. */
export function threadIdParam(raw: string): string {
  const parsed = parseThreadId(raw);
  if (!parsed.ok) throw RpcErrors.badRequest(`invalid thread id: ${parsed.error}`);
  return parsed.id;
}

/** The loaded thread `raw` names, or -32600 with `message(id)` (each method words it its own way). */
export function loadedThread(threads: ThreadManager, raw: string, message: (id: string) => string): LoadedThread {
  const id = threadIdParam(raw);
  const thread = threads.get(id);
  if (thread === undefined) throw RpcErrors.badRequest(message(id));
  return thread;
}

/**
 * Settings problems as the reference reports them at thread/start (and turn/start, thread/settings/update,
 * thread/compact/start): `failed to load configuration: …`.
 */
export function configurationError(error: unknown): never {
  if (error instanceof ThreadSettingsError || error instanceof ProviderConfigError || error instanceof PermissionProfileError) {
    throw RpcErrors.badRequest(`failed to load configuration: ${error.message}`);
  }
  throw error;
}

/**
 * What a turn started by this request's connection runs with, the connection subscribed to the thread (whoever
 * starts something on a thread hears it). Settings problems are reported as at thread/start.
 */
export function callerTurnDependencies(
  services: ServerServices,
  thread: LoadedThread,
  context: HandlerContext,
): TurnDependencies {
  const deps = callerDependencies(services, thread, context);
  services.threads.subscribe(thread, context.channel);
  return deps;
}

/** What the thread's next turn would run with for this caller, without subscribing it (settings problems as above). */
export function callerDependencies(services: ServerServices, thread: LoadedThread, context: HandlerContext): TurnDependencies {
  try {
    return services.threads.turnDependencies(thread, threadCaller(context));
  } catch (error) {
    configurationError(error);
  }
}
