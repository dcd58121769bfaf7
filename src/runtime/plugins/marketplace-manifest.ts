import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PluginAuthPolicy, PluginInstallPolicy, PluginSource } from '../../protocol/v2/plugins.js';
import { PluginRequestError } from './plugin-errors.js';

/** Where a marketplace root keeps its catalogue, first match wins (Codex's own layout, then Claude's). */
export const MARKETPLACE_MANIFEST_PATHS = ['.agents/plugins/marketplace.json', '.claude-plugin/marketplace.json'] as const;

/** Where a marketplace catalogue's plugin comes from: a directory beside it or a git repository. */
export type MarketplacePluginSource = Exclude<PluginSource, { type: 'remote' }>;

/** One plugin entry of a marketplace catalogue, its source resolved. */
export interface MarketplacePlugin {
  readonly name: string;
  readonly source: MarketplacePluginSource;
  readonly installPolicy: PluginInstallPolicy;
  readonly authPolicy: PluginAuthPolicy;
  /** The catalogue's category; it wins over the plugin manifest's own. */
  readonly category: string | null;
  /** Products the plugin is limited to; an empty list means none, so it cannot be installed. */
  readonly products: readonly string[] | null;
}

export interface Marketplace {
  readonly name: string;
  /** The catalogue file. */
  readonly path: string;
  readonly displayName: string | null;
  readonly plugins: readonly MarketplacePlugin[];
}

/** The catalogue file under `root`, or null when the root has none. */
export async function findMarketplaceManifest(root: string): Promise<string | null> {
  for (const relative of MARKETPLACE_MANIFEST_PATHS) {
    const path = join(root, relative);
    if (await isFile(path)) return path;
  }
  return null;
}

/** The directory a catalogue file belongs to (local plugin paths are relative to it), or null off-layout. */
export function marketplaceRoot(manifestPath: string): string | null {
  for (const relative of MARKETPLACE_MANIFEST_PATHS) {
    if (manifestPath.endsWith(`/${relative}`)) return manifestPath.slice(0, -relative.length - 1);
  }
  return null;
}

/**
 * Reads a marketplace catalogue. Entries whose source cannot be used (unknown kinds, paths leaving the root) are
 * skipped as the reference skips them; a missing or malformed file is refused with the reference's wording.
 */
export async function loadMarketplace(path: string): Promise<Marketplace> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PluginRequestError(`marketplace file \`${path}\` does not exist`);
    }
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PluginRequestError(`invalid marketplace file \`${path}\`: ${(error as Error).message}`);
  }
  if (!isObject(raw) || typeof raw['name'] !== 'string' || !Array.isArray(raw['plugins'])) {
    throw new PluginRequestError(`invalid marketplace file \`${path}\`: expected an object with \`name\` and \`plugins\``);
  }
  const root = marketplaceRoot(path);
  const plugins: MarketplacePlugin[] = [];
  for (const entry of raw['plugins']) {
    if (!isObject(entry) || typeof entry['name'] !== 'string' || !isValidSegment(entry['name'])) continue;
    const source = resolveSource(entry['source'], root);
    if (source === null) continue;
    const policy = isObject(entry['policy']) ? entry['policy'] : {};
    plugins.push({
      name: entry['name'],
      source,
      installPolicy: oneOf(policy['installation'], ['NOT_AVAILABLE', 'AVAILABLE', 'INSTALLED_BY_DEFAULT'], 'AVAILABLE'),
      authPolicy: oneOf(policy['authentication'], ['ON_INSTALL', 'ON_USE'], 'ON_INSTALL'),
      category: typeof entry['category'] === 'string' ? entry['category'] : null,
      products: Array.isArray(policy['products']) ? policy['products'].filter((p) => typeof p === 'string') : null,
    });
  }
  const iface = isObject(raw['interface']) ? raw['interface'] : {};
  return {
    name: raw['name'],
    path,
    displayName: typeof iface['displayName'] === 'string' ? iface['displayName'] : null,
    plugins,
  };
}

/** A plugin id or marketplace name part: letters, digits, `-`, `_` and `.`, not a path step. */
export function isValidSegment(value: string): boolean {
  return value.length > 0 && value !== '.' && value !== '..' && /^[A-Za-z0-9._-]+$/.test(value);
}

function resolveSource(source: unknown, root: string | null): MarketplacePluginSource | null {
  if (typeof source === 'string') return localSource(source, root);
  if (!isObject(source)) return null;
  if (source['source'] === 'local' && typeof source['path'] === 'string') return localSource(source['path'], root);
  const kind = source['source'];
  if ((kind === 'url' || kind === 'git-subdir') && typeof source['url'] === 'string') {
    const url = gitUrl(source['url']);
    const subdir = typeof source['path'] === 'string' ? relativeInside(source['path'].trim().replace(/^\.\//, '')) : null;
    if (url === null || (kind === 'git-subdir' && subdir === null)) return null;
    return { type: 'git', url, path: subdir, refName: selector(source['ref']), sha: selector(source['sha']) };
  }
  return null;
}

/** `./sub/dir` inside the marketplace root; anything else is not a usable local source. */
function localSource(path: string, root: string | null): MarketplacePluginSource | null {
  if (root === null || !path.startsWith('./')) return null;
  const relative = relativeInside(path.slice(2));
  return relative === null ? null : { type: 'local', path: join(root, relative) };
}

function relativeInside(path: string): string | null {
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.length === 0 || parts.some((part) => part === '.' || part === '..')) return null;
  return parts.join('/');
}

function gitUrl(raw: string): string | null {
  const url = raw.trim();
  if (url === '') return null;
  if (url.startsWith('https://github.com/') && !url.endsWith('.git')) return `${url}.git`;
  if (/^(https?|ssh|file):\/\//.test(url) || /^(\.\.?\/|\/)/.test(url) || (url.startsWith('git@') && url.includes(':'))) {
    return url;
  }
  if (/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/.test(url)) return `https://github.com/${url}.git`;
  return null;
}

function selector(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
