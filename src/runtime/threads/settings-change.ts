import { resolve } from 'node:path';
import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadSettingsUpdateParams } from '../../protocol/v2/thread-settings-update.js';
import type { TurnStartParams } from '../../protocol/v2/turn-methods.js';
import type { LoadedThread } from './loaded-thread.js';
import { selectPermissionProfile } from './permission-profiles.js';
import type { ThreadSettings } from './thread-settings.js';
import { threadSettingsView } from './thread-view.js';

/*
 * How a loaded thread's settings change after it was loaded: turn/start's overrides (kept for later turns) and
 * thread/settings/update. Every change goes through here so the thread's subscribers hear
 * `thread/settings/updated` exactly when the settings they see changed, and a change the thread cannot run with is
 * rolled back before anyone hears of it.
 */

/** The overrides turn/start accepts; each non-null one replaces the thread's setting for this and later turns. */
export type TurnOverrides = Pick<
  TurnStartParams,
  | 'cwd'
  | 'approvalPolicy'
  | 'approvalsReviewer'
  | 'sandboxPolicy'
  | 'model'
  | 'serviceTier'
  | 'effort'
  | 'summary'
  | 'personality'
  | 'runtimeWorkspaceRoots'
>;

/** `settings` with turn/start's non-null overrides applied (a sandbox policy drops the permission profile). */
export function withTurnOverrides(settings: ThreadSettings, overrides: TurnOverrides): ThreadSettings {
  return {
    ...settings,
    ...(overrides.cwd != null ? { cwd: overrides.cwd } : {}),
    ...(overrides.approvalPolicy != null ? { approvalPolicy: overrides.approvalPolicy } : {}),
    ...(overrides.approvalsReviewer != null ? { approvalsReviewer: overrides.approvalsReviewer } : {}),
    ...(overrides.sandboxPolicy != null ? { sandboxPolicy: overrides.sandboxPolicy, activePermissionProfile: null } : {}),
    ...(overrides.model != null ? { model: overrides.model } : {}),
    ...(overrides.serviceTier != null ? { serviceTier: overrides.serviceTier } : {}),
    ...(overrides.effort != null ? { reasoningEffort: overrides.effort } : {}),
    ...(overrides.summary != null ? { reasoningSummary: overrides.summary } : {}),
    ...(overrides.personality != null ? { personality: overrides.personality } : {}),
    ...(overrides.runtimeWorkspaceRoots != null ? { runtimeWorkspaceRoots: overrides.runtimeWorkspaceRoots } : {}),
  };
}

/**
 * `settings` with thread/settings/update's non-null fields applied (and `serviceTier: null` clearing the tier). A
 * relative `cwd` is taken from the thread's current one, as the reference does (observed from the reference 0.169.0).
 * @throws PermissionProfileError when `permissions` names a profile the configuration does not define.
 */
export function withSettingsUpdate(
  settings: ThreadSettings,
  update: ThreadSettingsUpdateParams,
  configTable: Readonly<Record<string, unknown>>,
): ThreadSettings {
  let next: ThreadSettings = { ...settings };
  const environment = update.environments?.[0];
  if (environment !== undefined) {
    const cwd = resolve(settings.cwd, environment.cwd);
    next = { ...next, cwd, runtimeWorkspaceRoots: environment.runtimeWorkspaceRoots ?? [cwd] };
  } else if (update.cwd != null) {
    const cwd = resolve(settings.cwd, update.cwd);
    next = { ...next, cwd, runtimeWorkspaceRoots: [cwd] };
  }
  if (update.permissions != null) {
    next = { ...next, ...selectPermissionProfile(update.permissions, configTable, settings.config) };
  }
  if (update.sandboxPolicy != null) {
    next = { ...next, sandboxPolicy: update.sandboxPolicy, activePermissionProfile: null };
  }
  const mode = update.collaborationMode?.settings;
  return {
    ...next,
    ...(update.approvalPolicy != null ? { approvalPolicy: update.approvalPolicy } : {}),
    ...(update.approvalsReviewer != null ? { approvalsReviewer: update.approvalsReviewer } : {}),
    ...(update.model != null ? { model: update.model } : {}),
    ...(mode !== undefined ? { model: mode.model } : {}),
    ...(update.serviceTier !== undefined ? { serviceTier: update.serviceTier } : {}),
    ...(update.effort != null ? { reasoningEffort: update.effort } : {}),
    ...(mode?.reasoning_effort != null ? { reasoningEffort: mode.reasoning_effort } : {}),
    ...(update.summary != null ? { reasoningSummary: update.summary } : {}),
    ...(update.personality != null ? { personality: update.personality } : {}),
  };
}

/**
 * Gives `thread` the settings `next` and runs `prepare` with them (what a turn needs is built from the thread's
 * settings); when `prepare` throws, the thread gets its old settings back and the error goes on. Returns what
 * `prepare` returned and `announce`, which tells the subscribers when the settings they see changed: a caller
 * subscribes the client that asked first, so it hears the change too.
 */
export function trySettings<T>(
  thread: LoadedThread,
  next: ThreadSettings,
  prepare: () => T,
): { prepared: T; announce: () => void } {
  const previous = thread.settings;
  const before = JSON.stringify(threadSettingsView(thread));
  thread.settings = next;
  let prepared: T;
  try {
    prepared = prepare();
  } catch (error) {
    thread.settings = previous;
    throw error;
  }
  return { prepared, announce: () => announceIfChanged(thread, before) };
}

/** Replaces the thread's settings, telling its subscribers (`thread/settings/updated`) only when the view changed. */
export function replaceSettings(thread: LoadedThread, next: ThreadSettings): void {
  const before = JSON.stringify(threadSettingsView(thread));
  thread.settings = next;
  announceIfChanged(thread, before);
}

function announceIfChanged(thread: LoadedThread, before: string): void {
  const after = threadSettingsView(thread);
  if (JSON.stringify(after) === before) return;
  thread.emit(ServerNotifications.threadSettingsUpdated, { threadId: thread.id, threadSettings: after });
}
