import type { AppInfo, InstalledApp } from '../../protocol/v2/apps.js';
import { appInstallUrl, byAccessThenName } from './app-names.js';
import type { AppTool } from './apps-mcp-tools.js';

/*
 * `app/list` and `app/installed` as the reference 0.169.0 builds them: the directory's apps, marked accessible when
 * the apps MCP server offers tools for them, switched by config.toml's `[apps.<id>] enabled`, paged by index.
 */

/** A refused page request, worded as the reference words it (-32600). */
export class AppListRequestError extends Error {}

/**
 * The directory's apps with the accessible ones marked and filled in. Once the directory is known, accessible apps
 * it does not list are left out; before that (`directoryLoaded` false) they are shown.
 */
export function mergedApps(directory: readonly AppInfo[], accessible: readonly AppInfo[], directoryLoaded: boolean): AppInfo[] {
  const merged = new Map<string, AppInfo>(directory.map((app) => [app.id, { ...app, isAccessible: false }]));
  for (const app of accessible) {
    const existing = merged.get(app.id);
    if (existing === undefined) {
      if (!directoryLoaded) merged.set(app.id, { ...app, isAccessible: true });
      continue;
    }
    existing.isAccessible = true;
    if (existing.name === existing.id && app.name !== app.id) existing.name = app.name;
    existing.description ??= app.description ?? null;
    existing.logoUrl ??= app.logoUrl ?? null;
    existing.logoUrlDark ??= app.logoUrlDark ?? null;
    existing.iconAssets ??= app.iconAssets ?? null;
    existing.iconDarkAssets ??= app.iconDarkAssets ?? null;
    existing.distributionChannel ??= app.distributionChannel ?? null;
    existing.pluginDisplayNames = [...new Set([...(existing.pluginDisplayNames ?? []), ...(app.pluginDisplayNames ?? [])])].sort();
  }
  // Unlike later releases, 0.169.0 lists every directory app, including those later ones hide from Codex [observed].
  return [...merged.values()]
    .map((app) => ({ ...app, installUrl: app.installUrl ?? appInstallUrl(app.name, app.id) }))
    .sort(byAccessThenName);
}

/** `[apps.<id>] enabled = false` in config.toml turns an app off. */
export function appEnabledInConfig(table: Record<string, unknown>, id: string): boolean {
  const apps = table['apps'];
  if (apps === null || typeof apps !== 'object') return true;
  const entry = (apps as Record<string, unknown>)[id];
  if (entry === null || typeof entry !== 'object') return true;
  return (entry as Record<string, unknown>)['enabled'] !== false;
}

/** Each app with its switch from config.toml. */
export function withEnabledState(apps: readonly AppInfo[], table: Record<string, unknown>): AppInfo[] {
  return apps.map((app) => ({ ...app, isEnabled: appEnabledInConfig(table, app.id) }));
}

/** The cursor's index into the list (a decimal index; none is 0). */
export function pageStart(cursor: string | null | undefined): number {
  if (cursor === null || cursor === undefined) return 0;
  if (!/^\+?\d+$/.test(cursor)) throw new AppListRequestError(`invalid cursor: ${cursor}`);
  return Number(cursor);
}

/** One page from `start`: `limit` apps (at least one; all when none is given), and where the next page starts. */
export function appPage(apps: readonly AppInfo[], start: number, limit: number | null | undefined): { data: AppInfo[]; nextCursor: string | null } {
  if (start > apps.length) throw new AppListRequestError(`cursor ${start} exceeds total apps ${apps.length}`);
  const size = Math.max(limit ?? apps.length, 1);
  const end = Math.min(start + size, apps.length);
  return { data: apps.slice(start, end), nextCursor: end < apps.length ? String(end) : null };
}

/** The apps the apps MCP server offers tools for, in the order their tools come, each with its config switch. */
export function installedApps(tools: readonly AppTool[], table: Record<string, unknown>): InstalledApp[] {
  const byId = new Map<string, InstalledApp>();
  for (const tool of tools) {
    const existing = byId.get(tool.appId);
    if (existing === undefined) {
      const enabled = appEnabledInConfig(table, tool.appId);
      byId.set(tool.appId, { id: tool.appId, runtimeName: tool.appName, enabled, callable: enabled });
    } else if (existing.runtimeName === null && tool.appName !== null) {
      byId.set(tool.appId, { ...existing, runtimeName: tool.appName });
    }
  }
  return [...byId.values()];
}
