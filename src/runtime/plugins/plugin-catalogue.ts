import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { writeUserConfig } from '../../config/config-write.js';
import type { LoadedConfig } from '../../config/load.js';
import { isPlainTable } from '../../config/schema.js';
import { HOOK_EVENT_NAMES } from '../../protocol/v2/hooks.js';
import type {
  PluginDetail,
  PluginInterface,
  PluginMarketplaceEntry,
  PluginSource,
  PluginSummary,
} from '../../protocol/v2/plugins.js';
import { snakeEvent, tomlEventKey } from '../hooks/hook-discovery.js';
import { directoriesUpToProjectRoot } from '../context/project-root.js';
import { pluginSkills } from '../skills/plugin-skills.js';
import {
  configuredMarketplaceRoot,
  configuredMarketplaces,
  pluginEnabledInConfig,
  removeConfigEntry,
} from './configured-marketplaces.js';
import { cloneRepository } from './git-checkout.js';
import type { GitEnv } from './git-checkout.js';
import { findMarketplaceManifest, loadMarketplace } from './marketplace-manifest.js';
import type { Marketplace, MarketplacePlugin } from './marketplace-manifest.js';
import { PluginCache, pluginIdString } from './plugin-cache.js';
import type { PluginId } from './plugin-cache.js';
import { PluginRequestError } from './plugin-errors.js';
import { pluginMcpServers } from './plugin-mcp-servers.js';
import { readPluginManifest } from './plugin-manifest.js';
import type { PluginManifest } from './plugin-manifest.js';

export interface MarketplaceListing {
  readonly marketplaces: PluginMarketplaceEntry[];
  readonly marketplaceLoadErrors: Array<{ marketplacePath: string; message: string }>;
}

/**
 * The plugins of local and git marketplaces, as the reference 0.169.0 finds and installs them [observed]:
 * marketplaces are found at `~/.agents/plugins/marketplace.json` (or `.claude-plugin/marketplace.json`), at the
 * roots config.toml `[marketplaces]` names, and at each requested cwd (or its git repository's root). Installing
 * copies the package into the plugin cache and turns it on with `[plugins."<name>@<marketplace>"] enabled = true`.
 */
export class PluginCatalogue {
  readonly #config: LoadedConfig;
  readonly #home: string | null;
  readonly #cache: PluginCache;
  readonly #env: GitEnv;

  constructor(options: { config: LoadedConfig; env: GitEnv }) {
    this.#config = options.config;
    this.#env = options.env;
    this.#home = options.env['HOME'] ?? null;
    this.#cache = new PluginCache(options.config.codexHome);
  }

  /** Every marketplace visible from `cwds` with its plugins; catalogues that fail to load are reported apart. */
  async list(cwds: readonly string[], only: 'all' | 'installed' = 'all', suggested: readonly string[] = []): Promise<MarketplaceListing> {
    const listing: MarketplaceListing = { marketplaces: [], marketplaceLoadErrors: [] };
    for (const path of await this.#marketplacePaths(cwds)) {
      let marketplace: Marketplace;
      try {
        marketplace = await loadMarketplace(path);
      } catch (error) {
        if (!(error instanceof PluginRequestError)) throw error;
        listing.marketplaceLoadErrors.push({ marketplacePath: path, message: error.message });
        continue;
      }
      const plugins: PluginSummary[] = [];
      for (const plugin of marketplace.plugins) {
        const summary = await this.#summary(marketplace, plugin);
        if (only === 'all' || summary.installed || suggested.includes(summary.name)) plugins.push(summary);
      }
      if (only === 'installed' && plugins.length === 0) continue;
      listing.marketplaces.push({
        name: marketplace.name,
        path: marketplace.path,
        interface: marketplace.displayName === null ? null : { displayName: marketplace.displayName },
        plugins,
      });
    }
    return listing;
  }

  /** One plugin in full: its skills, MCP servers and hooks as its package declares them. */
  async read(marketplacePath: string, pluginName: string): Promise<PluginDetail> {
    const { marketplace, plugin } = await findPlugin(marketplacePath, pluginName);
    const summary = await this.#summary(marketplace, plugin);
    const root = this.#packageRoot(marketplace, plugin);
    const manifest = root === null ? null : readPluginManifest(root);
    const skills = manifest === null ? [] : await pluginSkills(plugin.name, manifest);
    return {
      marketplaceName: marketplace.name,
      marketplacePath: marketplace.path,
      summary,
      shareUrl: null,
      description: manifest === null && plugin.source.type === 'git' ? notFetchedDescription(plugin.source) : (manifest?.description ?? null),
      skills: skills.map((skill) => ({ ...skill, interface: null, enabled: true })),
      onboardingSkill: null,
      hooks: manifest === null || root === null ? [] : await pluginHooks(summary.id, root, manifest),
      apps: [],
      appTemplates: [],
      mcpServers: manifest === null ? [] : Object.keys(pluginMcpServers(manifest)),
      scheduledTasks: null,
    };
  }

  /** Copies the plugin into the cache and turns it on. */
  async install(marketplacePath: string, pluginName: string): Promise<MarketplacePlugin> {
    const { marketplace, plugin } = await findPlugin(marketplacePath, pluginName);
    if (plugin.installPolicy === 'NOT_AVAILABLE' || (plugin.products !== null && plugin.products.length === 0)) {
      throw new PluginRequestError(
        `plugin \`${plugin.name}\` is not available for install in marketplace \`${marketplace.name}\``,
      );
    }
    const id: PluginId = { plugin: plugin.name, marketplace: marketplace.name };
    if (plugin.source.type === 'local') {
      await this.#cache.install(plugin.source.path, id);
    } else {
      const checkout = await mkdtemp(join(this.#config.codexHome, 'plugins', '.plugin-source-'));
      try {
        await cloneRepository(this.#env, plugin.source.url, plugin.source.refName, [], join(checkout, 'repo'));
        await this.#cache.install(join(checkout, 'repo', plugin.source.path ?? ''), id);
      } finally {
        await rm(checkout, { recursive: true, force: true });
      }
    }
    await writeUserConfig(this.#config, {
      edits: [{ keyPath: `plugins."${pluginIdString(id)}"`, value: { enabled: true }, mergeStrategy: 'upsert' }],
    });
    return plugin;
  }

  /** Removes the installed copy and its config entry; uninstalling what is not installed succeeds. */
  async uninstall(id: PluginId): Promise<void> {
    await this.#cache.uninstall(id);
    await removeConfigEntry(this.#config, 'plugins', pluginIdString(id));
  }

  async #summary(marketplace: Marketplace, plugin: MarketplacePlugin): Promise<PluginSummary> {
    const id = pluginIdString({ plugin: plugin.name, marketplace: marketplace.name });
    const installedRoot = this.#cache.activeRoot({ plugin: plugin.name, marketplace: marketplace.name });
    const root = this.#packageRoot(marketplace, plugin);
    const manifest = root === null ? null : readPluginManifest(root);
    let pluginInterface: PluginInterface | null = manifest?.interface ?? null;
    if (plugin.category !== null) pluginInterface = { ...(pluginInterface ?? emptyInterface()), category: plugin.category };
    return {
      id,
      remotePluginId: null,
      version: null,
      localVersion: manifest?.version ?? null,
      name: plugin.name,
      shareContext: null,
      source: plugin.source,
      installed: installedRoot !== null,
      installedAt: null,
      enabled: installedRoot !== null && pluginEnabledInConfig(this.#config.table, id),
      installPolicy: plugin.installPolicy,
      installPolicySource: null,
      mustShowInstallationInterstitial: null,
      authPolicy: plugin.authPolicy,
      availability: 'AVAILABLE',
      disabledReason: null,
      eligiblePlanTypes: null,
      interface: pluginInterface,
      keywords: [...(manifest?.keywords ?? [])],
    };
  }

  /** Where the plugin's files can be read: its local source, else its installed copy (git sources). */
  #packageRoot(marketplace: Marketplace, plugin: MarketplacePlugin): string | null {
    if (plugin.source.type === 'local') return plugin.source.path;
    return this.#cache.activeRoot({ plugin: plugin.name, marketplace: marketplace.name });
  }

  async #marketplacePaths(cwds: readonly string[]): Promise<string[]> {
    const roots: string[] = [];
    if (this.#home !== null) roots.push(this.#home);
    // Git checkouts first, then local roots, the order the reference lists added marketplaces in [observed].
    const configured = configuredMarketplaces(this.#config.table);
    for (const kind of ['git', 'local'] as const) {
      for (const marketplace of configured.filter((m) => m.sourceType === kind)) {
        roots.push(configuredMarketplaceRoot(this.#config.codexHome, marketplace));
      }
    }
    const paths: string[] = [];
    const add = (path: string | null): boolean => {
      if (path === null) return false;
      if (!paths.includes(path)) paths.push(path);
      return true;
    };
    for (const root of roots) add(await findMarketplaceManifest(root));
    for (const cwd of cwds) {
      if (add(await findMarketplaceManifest(cwd))) continue;
      const chain = await directoriesUpToProjectRoot(cwd);
      // The chain ends at the git repository's root when there is one.
      const repoRoot = chain.at(-1);
      if (repoRoot !== undefined && repoRoot !== cwd) add(await findMarketplaceManifest(repoRoot));
    }
    return paths;
  }
}

/**
 * Every hook handler a plugin's hook files declare (`hooks.json` format), keyed
 * `<plugin id>:<file relative to the plugin>:<event>:<group>:<handler>` as the reference keys them [observed on
 * 0.169.0]: this is the declaration, so handlers the hooks engine would skip (prompt hooks, empty commands) are
 * listed too. Inline hook tables in plugin.json are not summarised.
 */
async function pluginHooks(pluginId: string, root: string, manifest: PluginManifest): Promise<PluginDetail['hooks']> {
  if (!('files' in manifest.hooks)) return [];
  const found: PluginDetail['hooks'] = [];
  for (const file of manifest.hooks.files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      continue;
    }
    const events = isPlainTable(parsed) ? parsed['hooks'] : undefined;
    if (!isPlainTable(events)) continue;
    for (const eventName of HOOK_EVENT_NAMES) {
      const groups = events[tomlEventKey(eventName)];
      if (!Array.isArray(groups)) continue;
      const snake = snakeEvent(eventName);
      groups.forEach((group, groupIndex) => {
        const handlers = isPlainTable(group) && Array.isArray(group['hooks']) ? group['hooks'] : [];
        handlers.forEach((_handler, handlerIndex) => {
          found.push({ key: `${pluginId}:${relative(root, file)}:${snake}:${groupIndex}:${handlerIndex}`, eventName });
        });
      });
    }
  }
  return found;
}

/** What `plugin/read` says of a git plugin that is not installed (so not fetched), in the reference's words. */
function notFetchedDescription(source: Extract<PluginSource, { type: 'git' }>): string {
  const details = [
    source.path === null ? '' : `, path \`${source.path}\``,
    source.refName === null ? '' : `, ref \`${source.refName}\``,
    source.sha === null ? '' : `, sha \`${source.sha}\``,
  ].join('');
  return (
    'This is a cross-repo plugin. Install it to view more detailed information. ' +
    `The source of the plugin is ${source.url}${details}.`
  );
}

async function findPlugin(
  marketplacePath: string,
  pluginName: string,
): Promise<{ marketplace: Marketplace; plugin: MarketplacePlugin }> {
  const marketplace = await loadMarketplace(marketplacePath);
  const plugin = marketplace.plugins.find((p) => p.name === pluginName);
  if (plugin === undefined) {
    throw new PluginRequestError(`plugin \`${pluginName}\` was not found in marketplace \`${marketplace.name}\``);
  }
  return { marketplace, plugin };
}

function emptyInterface(): PluginInterface {
  return {
    displayName: null,
    shortDescription: null,
    longDescription: null,
    developerName: null,
    category: null,
    capabilities: [],
    websiteUrl: null,
    privacyPolicyUrl: null,
    termsOfServiceUrl: null,
    defaultPrompt: null,
    brandColor: null,
    composerIcon: null,
    composerIconUrl: null,
    logo: null,
    logoDark: null,
    logoUrl: null,
    logoUrlDark: null,
    screenshots: [],
    screenshotUrls: [],
  };
}
