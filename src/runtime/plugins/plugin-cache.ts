import { readdirSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidSegment } from './marketplace-manifest.js';
import { PluginRequestError } from './plugin-errors.js';
import { readPluginManifest } from './plugin-manifest.js';

/** The version directory of a package whose manifest names none. */
const UNVERSIONED = 'local';

/** A plugin's id, `name@marketplace`, split. */
export interface PluginId {
  readonly plugin: string;
  readonly marketplace: string;
}

export function pluginIdString(id: PluginId): string {
  return `${id.plugin}@${id.marketplace}`;
}

/** `name@marketplace` with both parts valid, or null. */
export function parsePluginId(text: string): PluginId | null {
  const at = text.lastIndexOf('@');
  if (at <= 0) return null;
  const id = { plugin: text.slice(0, at), marketplace: text.slice(at + 1) };
  return isValidSegment(id.plugin) && isValidSegment(id.marketplace) ? id : null;
}

/**
 * Installed plugin packages, copied under `$CODEX_HOME/plugins/cache/<marketplace>/<plugin>/<version>/` as the
 * reference lays them out [observed on 0.169.0]: a plugin is installed while such a directory exists, and a copy
 * stays what it was when installed even if its source changes.
 */
export class PluginCache {
  readonly #root: string;

  constructor(codexHome: string) {
    this.#root = join(codexHome, 'plugins', 'cache');
  }

  #pluginDir(id: PluginId): string {
    return join(this.#root, id.marketplace, id.plugin);
  }

  /**
   * The installed copy in use (the unversioned one if present, else the highest version), or null. Synchronous,
   * like readPluginManifest, for the MCP servers of a loading thread.
   */
  activeRoot(id: PluginId): string | null {
    let versions: string[];
    try {
      const entries = readdirSync(this.#pluginDir(id), { withFileTypes: true });
      versions = entries.filter((e) => e.isDirectory() && isVersion(e.name)).map((e) => e.name);
    } catch {
      return null;
    }
    if (versions.length === 0) return null;
    const chosen = versions.includes(UNVERSIONED) ? UNVERSIONED : versions.sort(compareVersions).at(-1)!;
    return join(this.#pluginDir(id), chosen);
  }

  /** Copies the package at `source` in as the plugin's only version; the previous copy goes once the new one is in. */
  async install(source: string, id: PluginId): Promise<string> {
    const manifest = readPluginManifest(source);
    if (manifest === null) throw new PluginRequestError('missing or invalid plugin.json');
    if (manifest.name !== id.plugin) {
      throw new PluginRequestError(
        `plugin.json name \`${manifest.name}\` does not match marketplace plugin name \`${id.plugin}\``,
      );
    }
    const version = manifest.version ?? UNVERSIONED;
    if (!isVersion(version)) {
      throw new PluginRequestError(
        'invalid plugin version: only ASCII letters, digits, `.`, `+`, `_`, and `-` are allowed',
      );
    }
    const parent = join(this.#root, id.marketplace);
    await mkdir(parent, { recursive: true });
    // Staged beside the target and swapped in by rename, so a reader never sees a half-copied package.
    const staging = await mkdtemp(join(parent, '.plugin-install-'));
    try {
      await cp(source, join(staging, version), { recursive: true, verbatimSymlinks: true });
      await rm(this.#pluginDir(id), { recursive: true, force: true });
      await rename(staging, this.#pluginDir(id));
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return join(this.#pluginDir(id), version);
  }

  async uninstall(id: PluginId): Promise<void> {
    await rm(this.#pluginDir(id), { recursive: true, force: true });
  }
}

function isVersion(name: string): boolean {
  return name !== '.' && name !== '..' && /^[A-Za-z0-9._+-]+$/.test(name);
}

/** Semantic versions by their numbers, anything else by text. */
function compareVersions(a: string, b: string): number {
  const semver = /^(\d+)\.(\d+)\.(\d+)$/;
  const left = semver.exec(a);
  const right = semver.exec(b);
  if (left && right) {
    for (let i = 1; i <= 3; i++) {
      const diff = Number(left[i]) - Number(right[i]);
      if (diff !== 0) return diff;
    }
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
