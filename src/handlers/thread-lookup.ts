import { RpcErrors } from '../protocol/errors.js';
import type { LoadedThread } from '../runtime/threads/loaded-thread.js';
import { parseThreadId } from '../runtime/threads/thread-id.js';
import type { ThreadManager } from '../runtime/threads/thread-manager.js';
import { PermissionProfileError } from '../runtime/threads/permission-profiles.js';
import { ThreadSettingsError } from '../runtime/threads/thread-settings.js';
import { ProviderConfigError } from '../model/provider.js';

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
