import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseHooksFile } from '../hooks/hook-discovery.js';
import type { PluginHookSource } from '../hooks/hook-discovery.js';
import { enabledPluginIds } from './configured-marketplaces.js';
import { PluginCache, parsePluginId, pluginIdString } from './plugin-cache.js';
import type { PluginId } from './plugin-cache.js';
import { readPluginManifest } from './plugin-manifest.js';

export interface PluginHookSources {
  readonly sources: PluginHookSource[];
  readonly warnings: string[];
}

/**
 * The hook declarations of every enabled, installed plugin, by plugin id [observed on 0.169.0]: each
 * hook file the manifest names (default `hooks/hooks.json`), keyed `<plugin id>:<path in the package>`, or each
 * inline table of its `hooks`, keyed `<plugin id>:plugin.json#hooks[<i>]` and attributed to the manifest. A
 * command's `${PLUGIN_ROOT}` and `${PLUGIN_DATA}` (and their `CLAUDE_` twins) name the installed package and
 * `$CODEX_HOME/plugins/data/<plugin>-<marketplace>`; the same four are in the command's environment when it runs.
 */
export async function enabledPluginHookSources(
  codexHome: string,
  config: Readonly<Record<string, unknown>>,
): Promise<PluginHookSources> {
  const cache = new PluginCache(codexHome);
  const found: PluginHookSources = { sources: [], warnings: [] };
  // Ordered as the reference orders its plugin table (byte order of the ids), not as config.toml lists them.
  for (const text of enabledPluginIds(config).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const id = parsePluginId(text);
    const root = id === null ? null : cache.activeRoot(id);
    const manifest = root === null ? null : readPluginManifest(root);
    if (id === null || root === null || manifest === null) continue;
    const declared = await declaredHookTables(root, manifest.path, manifest.hooks, found.warnings);
    if (declared.length === 0) continue;
    const common = {
      pluginId: pluginIdString(id),
      packageHash: await packageHash(root),
      variables: placeholders(codexHome, id, root),
    };
    for (const { keyPart, path, value } of declared) {
      const parsed = parseHooksFile(value);
      if ('problem' in parsed) {
        found.warnings.push(`failed to parse plugin hooks config ${path}: ${parsed.problem}`);
        continue;
      }
      found.sources.push({ ...common, keySource: `${common.pluginId}:${keyPart}`, path, events: parsed.events });
    }
  }
  return found;
}

interface DeclaredTable {
  /** What follows the plugin id in the hook keys. */
  readonly keyPart: string;
  readonly path: string;
  readonly value: unknown;
}

async function declaredHookTables(
  root: string,
  manifestPath: string,
  hooks: { readonly files: readonly string[] } | { readonly inline: readonly unknown[] },
  warnings: string[],
): Promise<DeclaredTable[]> {
  if ('inline' in hooks) {
    return hooks.inline.map((value, index) => ({ keyPart: `plugin.json#hooks[${index}]`, path: manifestPath, value }));
  }
  const tables: DeclaredTable[] = [];
  for (const path of hooks.files) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        warnings.push(`failed to read plugin hooks config ${path}: ${String(error)}`);
      }
      continue;
    }
    try {
      tables.push({ keyPart: relative(root, path), path, value: JSON.parse(text) });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      warnings.push(`failed to parse plugin hooks config ${path}: ${reason}`);
    }
  }
  return tables;
}

function placeholders(codexHome: string, id: PluginId, root: string): Record<string, string> {
  const data = join(codexHome, 'plugins', 'data', `${id.plugin}-${id.marketplace}`);
  return { PLUGIN_ROOT: root, CLAUDE_PLUGIN_ROOT: root, PLUGIN_DATA: data, CLAUDE_PLUGIN_DATA: data };
}

/**
 * `sha256:` + a digest of the installed package's tree (each directory's and file's relative path, and each file's
 * content, in path order), so a plugin update asks for its hooks to be trusted again. The reference appends a
 * package digest of the same form that depends on the same things (every file's content and every directory, not
 * where the package sits or its marketplace's name) [observed], but it is computed its own way: the two servers'
 * digests differ, so a trust recorded by one reads as modified in the other.
 */
async function packageHash(root: string): Promise<string> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((entry) => entry.isFile() || entry.isDirectory())
    .map((entry) => ({ path: relative(root, join(entry.parentPath, entry.name)), file: entry.isFile() }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const digest = createHash('sha256');
  for (const { path, file } of paths) {
    digest.update(file ? `file\0${path}\0` : `dir\0${path}\0`);
    if (file) digest.update(await readFile(join(root, path)));
  }
  return `sha256:${digest.digest('hex')}`;
}
