import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isPlainTable } from '../../config/schema.js';
import { enabledPluginIds } from './configured-marketplaces.js';
import { PluginCache, parsePluginId } from './plugin-cache.js';
import { readPluginManifest } from './plugin-manifest.js';
import type { PluginManifest } from './plugin-manifest.js';

/**
 * The MCP servers a plugin package declares, by name: its `.mcp.json` (`{"mcpServers": {…}}`, Claude's format)
 * or the manifest's inline `mcpServers` table. Read synchronously, like the manifest.
 */
export function pluginMcpServers(manifest: PluginManifest): Record<string, unknown> {
  let table: unknown;
  if ('inline' in manifest.mcpServers) table = manifest.mcpServers.inline;
  else {
    try {
      table = JSON.parse(readFileSync(manifest.mcpServers.file, 'utf8'));
    } catch {
      return {};
    }
  }
  if (!isPlainTable(table)) return {};
  const servers = table['mcpServers'] ?? table;
  return isPlainTable(servers) ? servers : {};
}

/**
 * `config` with the MCP servers of its enabled, installed plugins added to `mcp_servers`, written as config.toml
 * entries (`command`/`args`/`env`/`cwd` or `url`/`http_headers`; a relative `cwd` is the plugin's directory). A
 * server config.toml defines under the same name wins.
 */
export function withPluginMcpServers(
  codexHome: string,
  config: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const cache = new PluginCache(codexHome);
  const added: Record<string, unknown> = {};
  for (const pluginId of enabledPluginIds(config)) {
    const id = parsePluginId(pluginId);
    const root = id === null ? null : cache.activeRoot(id);
    const manifest = root === null ? null : readPluginManifest(root);
    if (root === null || manifest === null) continue;
    for (const [name, server] of Object.entries(pluginMcpServers(manifest))) {
      if (!(name in added) && isPlainTable(server)) added[name] = asConfigEntry(root, server);
    }
  }
  if (Object.keys(added).length === 0) return config;
  const own = isPlainTable(config['mcp_servers']) ? config['mcp_servers'] : {};
  return { ...config, mcp_servers: { ...added, ...own } };
}

function asConfigEntry(root: string, server: Record<string, unknown>): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  if (typeof server['command'] === 'string') {
    entry['command'] = server['command'];
    if (Array.isArray(server['args'])) entry['args'] = server['args'];
    if (isPlainTable(server['env'])) entry['env'] = server['env'];
    const cwd = server['cwd'];
    entry['cwd'] = typeof cwd === 'string' ? (isAbsolute(cwd) ? cwd : join(root, cwd)) : root;
  } else if (typeof server['url'] === 'string') {
    entry['url'] = server['url'];
    if (isPlainTable(server['headers'])) entry['http_headers'] = server['headers'];
  }
  return entry;
}
