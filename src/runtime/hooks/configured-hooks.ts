import type { LoadedConfig } from '../../config/load.js';
import { applyOverrides } from '../../config/overrides.js';
import { isPlainTable } from '../../config/schema.js';
import { enabledPluginHookSources } from '../plugins/plugin-hook-sources.js';
import { discoverHooks, type DiscoveredHooks, type HookLayer } from './hook-discovery.js';

/** Where the reference attributes hooks set with `-c` [from its source]: a synthetic config path. */
const SESSION_FLAGS_PATH = '/<session-flags>/config.toml';

/** The parts of the loaded configuration hooks are declared in. */
export type HookConfig = Pick<LoadedConfig, 'configPath' | 'fileTable' | 'overrides' | 'table'>;

/**
 * The hooks `$CODEX_HOME/hooks.json`, config.toml and the `-c` overrides declare, then those of enabled plugins
 * (`source: "plugin"`), with their trust as `hooks.state` records it: what `hooks/list` shows and what a turn runs
 * (the trusted, enabled ones). Read afresh on every call: a client trusts a hook with config/batchWrite, or turns
 * a plugin on or off, and the next event follows.
 */
export async function configuredHooks(codexHome: string, config: HookConfig): Promise<DiscoveredHooks> {
  const plugins = await enabledPluginHookSources(codexHome, config.table);
  const discovered = await discoverHooks(configLayers(codexHome, config), hookStates(config), plugins.sources);
  return { ...discovered, warnings: [...plugins.warnings, ...discovered.warnings] };
}

function configLayers(codexHome: string, config: HookConfig): HookLayer[] {
  const layers: HookLayer[] = [
    { source: 'user', configPath: config.configPath, table: config.fileTable, hooksJsonDir: codexHome },
  ];
  if (config.overrides.length > 0) {
    const table = applyOverrides({}, config.overrides.map((o) => ({ path: [...o.path], value: o.value })));
    layers.push({ source: 'sessionFlags', configPath: SESSION_FLAGS_PATH, table, hooksJsonDir: null });
  }
  return layers;
}

/** `hooks.state`: per hook key, whether it is enabled and the hash the user trusted. */
function hookStates(config: HookConfig): Readonly<Record<string, unknown>> {
  const hooksTable = config.table['hooks'];
  return isPlainTable(hooksTable) && isPlainTable(hooksTable['state']) ? hooksTable['state'] : {};
}
