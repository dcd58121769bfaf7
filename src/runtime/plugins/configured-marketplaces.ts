import { join } from 'node:path';
import { writeUserConfig } from '../../config/config-write.js';
import type { LoadedConfig } from '../../config/load.js';
import { isPlainTable } from '../../config/schema.js';

/** A marketplace added with `marketplace/add`, as config.toml `[marketplaces.<name>]` records it. */
export interface ConfiguredMarketplace {
  readonly name: string;
  readonly sourceType: 'local' | 'git';
  readonly source: string;
  readonly ref: string | null;
  readonly sparsePaths: readonly string[];
}

/** Where git marketplaces are checked out [observed on 0.169.0]. */
export function gitMarketplacesDir(codexHome: string): string {
  return join(codexHome, '.tmp', 'marketplaces');
}

/** The directory holding a configured marketplace's catalogue: the local source itself, or the git checkout. */
export function configuredMarketplaceRoot(codexHome: string, marketplace: ConfiguredMarketplace): string {
  return marketplace.sourceType === 'local' ? marketplace.source : join(gitMarketplacesDir(codexHome), marketplace.name);
}

/** The `[marketplaces]` entries of the configuration, in file order. */
export function configuredMarketplaces(table: Readonly<Record<string, unknown>>): ConfiguredMarketplace[] {
  const marketplaces = table['marketplaces'];
  if (!isPlainTable(marketplaces)) return [];
  const found: ConfiguredMarketplace[] = [];
  for (const [name, entry] of Object.entries(marketplaces)) {
    if (!isPlainTable(entry) || typeof entry['source'] !== 'string') continue;
    const sourceType = entry['source_type'] === 'git' ? 'git' : entry['source_type'] === 'local' ? 'local' : null;
    if (sourceType === null) continue;
    const sparse = entry['sparse_paths'];
    found.push({
      name,
      sourceType,
      source: entry['source'],
      ref: typeof entry['ref'] === 'string' ? entry['ref'] : null,
      sparsePaths: Array.isArray(sparse) ? sparse.filter((p): p is string => typeof p === 'string') : [],
    });
  }
  return found;
}

/** Whether config.toml `[plugins."<id>"]` turns the plugin on. */
export function pluginEnabledInConfig(table: Readonly<Record<string, unknown>>, id: string): boolean {
  const plugins = table['plugins'];
  const entry = isPlainTable(plugins) ? plugins[id] : undefined;
  return isPlainTable(entry) && entry['enabled'] === true;
}

/** The ids config.toml `[plugins]` turns on. */
export function enabledPluginIds(table: Readonly<Record<string, unknown>>): string[] {
  const plugins = table['plugins'];
  return isPlainTable(plugins) ? Object.keys(plugins).filter((id) => pluginEnabledInConfig(table, id)) : [];
}

/**
 * Removes `[<table>."<key>"]` from config.toml when it is there; the last entry takes the table with it, as the
 * reference leaves no empty `[plugins]` or `[marketplaces]` behind [observed on 0.169.0].
 */
export async function removeConfigEntry(config: LoadedConfig, table: 'plugins' | 'marketplaces', key: string): Promise<void> {
  const entries = config.fileTable[table];
  if (!isPlainTable(entries) || !(key in entries)) return;
  const keyPath = Object.keys(entries).length === 1 ? table : `${table}."${key}"`;
  await writeUserConfig(config, { edits: [{ keyPath, value: null, mergeStrategy: 'replace' }] });
}
