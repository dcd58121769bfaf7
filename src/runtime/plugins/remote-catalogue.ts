import type { SkillInterface } from '../../protocol/v2/skills.js';
import type {
  PluginDetail,
  PluginInterface,
  PluginMarketplaceEntry,
  PluginShareContext,
  PluginShareDiscoverability,
  PluginSharePrincipal,
  PluginSummary,
} from '../../protocol/v2/plugins.js';
import { forgetSharedPluginPath, sharedPluginPaths } from './plugin-share-paths.js';
import { shareTargetsFor, type ShareTarget } from './share-targets.js';
import {
  RemoteCatalogueError,
  type InstalledRemotePlugin,
  type RemoteCatalogueClient,
  type RemotePlugin,
  type RemoteScope,
} from './remote-catalogue-client.js';

/*
 * ChatGPT's remote plugin catalogue as marketplaces, the way the reference 0.169.0 presents it: OpenAI's curated
 * catalogue, the workspace's directory, what colleagues shared with the user and what the user created. Each
 * remote plugin gets a config id `<name>@<marketplace>`, its marketplace decided by its scope and how it is shared.
 */

const CURATED = 'openai-curated-remote';
const WORKSPACE_DIRECTORY = 'workspace-directory';
const SHARED_WITH_ME = 'workspace-shared-with-me';
const SHARED_WITH_ME_PRIVATE = 'workspace-shared-with-me-private';
const SHARED_WITH_ME_UNLISTED = 'workspace-shared-with-me-unlisted';
const CREATED_BY_ME = 'created-by-me-remote';

/** The marketplace names a remote plugin skill can be read from. */
const SKILL_MARKETPLACES: ReadonlySet<string> = new Set([
  CURATED,
  WORKSPACE_DIRECTORY,
  SHARED_WITH_ME,
  SHARED_WITH_ME_PRIVATE,
  SHARED_WITH_ME_UNLISTED,
  CREATED_BY_ME,
]);

const MAX_DEFAULT_PROMPTS = 3;
const MAX_DEFAULT_PROMPT_CHARS = 128;

/** The remote catalogues `plugin/list` can show, in the order the reference lists them. */
export type RemoteSource = 'curated' | 'workspace-directory' | 'shared-with-me' | 'created-by-me';

/** What the reference accepts as a remote plugin id. */
export function isValidRemotePluginId(id: string): boolean {
  return /^[A-Za-z0-9_~-]+$/.test(id);
}

/** The marketplaces of `sources`, those without plugins left out. */
export async function remoteMarketplaces(
  client: RemoteCatalogueClient,
  sources: readonly RemoteSource[],
): Promise<PluginMarketplaceEntry[]> {
  const needsWorkspaceInstalled = sources.some((source) => source === 'workspace-directory' || source === 'shared-with-me');
  const workspaceInstalled = needsWorkspaceInstalled ? await client.installed('WORKSPACE') : [];
  const marketplaces: Array<PluginMarketplaceEntry | null> = [];
  for (const source of sources) {
    switch (source) {
      case 'curated': {
        const [installed, directory] = await scopeListing(client, 'GLOBAL');
        marketplaces.push(marketplace(CURATED, 'OpenAI Curated Remote', directory, installed, true));
        break;
      }
      case 'workspace-directory': {
        const directory = await client.directory('WORKSPACE');
        marketplaces.push(marketplace(WORKSPACE_DIRECTORY, 'Workspace Directory', directory, workspaceInstalled, false));
        break;
      }
      case 'shared-with-me': {
        // The shared endpoint lists what was shared with the user directly; an unlisted plugin installed from a
        // link but not among them goes to a marketplace of its own.
        const shared = await client.sharedWithMe();
        const sharedIds = new Set(shared.map((plugin) => plugin.id));
        const direct = shared.filter((plugin) => discoverabilityOf(plugin) !== 'LISTED');
        marketplaces.push(marketplace(SHARED_WITH_ME_PRIVATE, 'Shared with me', direct, workspaceInstalled, false));
        const linkInstalled = workspaceInstalled.filter(
          (plugin) => discoverabilityOf(plugin) === 'UNLISTED' && !sharedIds.has(plugin.id),
        );
        marketplaces.push(marketplace(SHARED_WITH_ME_UNLISTED, 'Shared with me (unlisted)', [], linkInstalled, true));
        break;
      }
      case 'created-by-me': {
        const [installed, directory] = await scopeListing(client, 'USER');
        marketplaces.push(marketplace(CREATED_BY_ME, 'Created by me', directory, installed, false));
        break;
      }
    }
  }
  return marketplaces.filter((entry) => entry !== null);
}

/** A scope's installed plugins and directory, asked for together. */
function scopeListing(client: RemoteCatalogueClient, scope: RemoteScope): Promise<[InstalledRemotePlugin[], RemotePlugin[]]> {
  return Promise.all([client.installed(scope), client.directory(scope)]);
}

/**
 * A marketplace of the directory's plugins in the catalogue's order (then, with `includeInstalledOnly`, installed
 * plugins the directory no longer lists); null when there is nothing to show.
 */
function marketplace(
  name: string,
  displayName: string,
  directory: readonly RemotePlugin[],
  installed: readonly InstalledRemotePlugin[],
  includeInstalledOnly: boolean,
): PluginMarketplaceEntry | null {
  const byId = new Map<string, RemotePlugin>(directory.map((plugin) => [plugin.id, plugin]));
  const installedById = new Map(installed.map((plugin) => [plugin.id, plugin]));
  if (includeInstalledOnly) {
    for (const plugin of installed) if (!byId.has(plugin.id)) byId.set(plugin.id, plugin);
  }
  if (byId.size === 0) return null;
  const plugins = [...byId.values()].map((plugin) => remoteSummary(plugin, installedById.get(plugin.id) ?? null));
  return { name, path: null, interface: { displayName }, plugins };
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The marketplace a plugin belongs to: the curated catalogue, the workspace directory, or shared with the user. */
export function canonicalMarketplace(plugin: RemotePlugin): string {
  if (plugin.scope === 'GLOBAL') return CURATED;
  return discoverabilityOf(plugin) === 'LISTED' ? WORKSPACE_DIRECTORY : SHARED_WITH_ME;
}

/** A workspace plugin's discoverability, which the catalogue must give. */
function discoverabilityOf(plugin: RemotePlugin): NonNullable<RemotePlugin['discoverability']> {
  if (plugin.discoverability === null) {
    throw new RemoteCatalogueError(`workspace plugin \`${plugin.id}\` did not include discoverability`);
  }
  return plugin.discoverability;
}

/** A catalogue plugin as the protocol lists it. */
export function remoteSummary(plugin: RemotePlugin, installed: InstalledRemotePlugin | null): PluginSummary {
  return {
    id: `${plugin.name}@${canonicalMarketplace(plugin)}`,
    remotePluginId: plugin.id,
    version: plugin.release.version,
    localVersion: installed?.release.version ?? null,
    name: plugin.name,
    shareContext: shareContext(plugin),
    source: { type: 'remote' },
    installed: installed !== null,
    installedAt: null,
    enabled: installed?.enabled ?? false,
    installPolicy: plugin.installation_policy,
    installPolicySource: null,
    mustShowInstallationInterstitial: null,
    authPolicy: plugin.authentication_policy,
    availability: plugin.status,
    disabledReason: null,
    eligiblePlanTypes: null,
    interface: pluginInterface(plugin),
    keywords: plugin.release.keywords,
  };
}

/** How a workspace plugin is shared; OpenAI's catalogue plugins have no share context. */
function shareContext(plugin: RemotePlugin): PluginShareContext | null {
  if (plugin.scope === 'GLOBAL') return null;
  return {
    remotePluginId: plugin.id,
    remoteVersion: plugin.release.version,
    discoverability: discoverabilityOf(plugin),
    shareUrl: plugin.share_url,
    creatorAccountUserId: plugin.creator_account_user_id,
    creatorName: plugin.creator_name,
    sharePrincipals:
      plugin.share_principals?.map((principal) => ({
        principalType: principal.principal_type,
        principalId: principal.principal_id,
        role: principal.role,
        name: principal.name,
      })) ?? null,
    canPublishToWorkspace: null,
  };
}

/** The release's presentation; null when it has nothing to show. */
function pluginInterface(plugin: RemotePlugin): PluginInterface | null {
  const { release } = plugin;
  const shown = release.interface;
  const result: PluginInterface = {
    displayName: nonEmpty(release.display_name),
    shortDescription: shown.short_description,
    longDescription: shown.long_description,
    developerName: shown.developer_name,
    category: shown.category,
    capabilities: shown.capabilities,
    websiteUrl: shown.website_url,
    privacyPolicyUrl: shown.privacy_policy_url,
    termsOfServiceUrl: shown.terms_of_service_url,
    defaultPrompt: defaultPrompts(shown.default_prompts ?? null, shown.default_prompt),
    brandColor: shown.brand_color,
    composerIcon: null,
    composerIconUrl: shown.composer_icon_url,
    logo: null,
    logoDark: null,
    logoUrl: shown.logo_url,
    logoUrlDark: shown.logo_url_dark,
    screenshots: [],
    screenshotUrls: shown.screenshot_urls,
  };
  const { capabilities, screenshotUrls, screenshots: _none, ...optional } = result;
  const hasFields =
    capabilities.length > 0 || screenshotUrls.length > 0 || Object.values(optional).some((value) => value !== null);
  return hasFields ? result : null;
}

/** Up to three usable starter prompts (the list wins over the single prompt); null when none is usable. */
function defaultPrompts(list: readonly string[] | null, single: string | null): string[] | null {
  const usable = (prompt: string): string | null => {
    const trimmed = prompt.trim();
    return trimmed === '' || [...trimmed].length > MAX_DEFAULT_PROMPT_CHARS ? null : trimmed;
  };
  if (list !== null) {
    const prompts = list.map(usable).filter((prompt) => prompt !== null).slice(0, MAX_DEFAULT_PROMPTS);
    if (prompts.length > 0) return prompts;
  }
  const prompt = single === null ? null : usable(single);
  return prompt === null ? null : [prompt];
}

function nonEmpty(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * One remote plugin in full (`plugin/read`): its entry, whether the user installed it, which of its skills are
 * off. The marketplace is the plugin's own, whatever the caller named.
 */
export async function remotePluginDetail(client: RemoteCatalogueClient, remotePluginId: string): Promise<PluginDetail> {
  const plugin = await client.detail(remotePluginId);
  const marketplaceName = canonicalMarketplace(plugin);
  const installed = (await client.installed(plugin.scope)).find((candidate) => candidate.id === remotePluginId) ?? null;
  const disabledSkills = new Set(installed?.disabled_skill_names ?? []);
  return {
    marketplaceName,
    marketplacePath: null,
    summary: remoteSummary(plugin, installed),
    shareUrl: null,
    description: nonEmpty(plugin.release.description),
    skills: plugin.release.skills.map((skill) => ({
      name: skill.name,
      description: skill.description,
      shortDescription: skill.interface?.short_description ?? null,
      interface: skillInterface(skill.interface ?? null),
      path: null,
      enabled: !disabledSkills.has(skill.name),
    })),
    onboardingSkill: null,
    hooks: [],
    apps: [],
    appTemplates: [],
    mcpServers: [...new Set(plugin.release.mcp_servers.map((server) => server.key))].sort(compare),
    scheduledTasks: null,
  };
}

function skillInterface(shown: RemotePlugin['release']['skills'][number]['interface'] | null): SkillInterface | null {
  if (!shown) return null;
  const result = {
    displayName: shown.display_name,
    shortDescription: shown.short_description,
    iconSmall: null,
    iconLarge: null,
    iconSmallUrl: shown.icon_small_url,
    iconLargeUrl: shown.icon_large_url,
    brandColor: shown.brand_color,
    defaultPrompt: shown.default_prompt,
  };
  const hasFields = Object.values(result).some((value) => value !== null);
  return hasFields ? result : null;
}

/** A remote plugin skill's SKILL.md (`plugin/skill/read`); the marketplace must be one of the remote ones. */
export async function remoteSkillContents(
  client: RemoteCatalogueClient,
  marketplaceName: string,
  remotePluginId: string,
  skillName: string,
): Promise<string | null> {
  if (!SKILL_MARKETPLACES.has(marketplaceName)) {
    throw new RemoteCatalogueError(`remote marketplace \`${marketplaceName}\` is not supported`, true);
  }
  return await client.skillContents(remotePluginId, skillName);
}

/**
 * The workspace plugins the user created and shared (`plugin/share/list`), each with where it was saved from when
 * this CODEX_HOME knows. The catalogue must say who each is shared with.
 */
export async function createdShares(
  client: RemoteCatalogueClient,
  codexHome: string,
): Promise<Array<{ plugin: PluginSummary; localPluginPath: string | null }>> {
  const created = await client.createdByMe();
  if (created.length === 0) return [];
  const installed = new Map((await client.installed('WORKSPACE')).map((plugin) => [plugin.id, plugin]));
  let paths: Record<string, string>;
  try {
    paths = await sharedPluginPaths(codexHome);
  } catch (error) {
    throw new RemoteCatalogueError(`failed to load plugin share local path mapping: ${(error as Error).message}`);
  }
  return created.map((plugin) => {
    const summary = remoteSummary(plugin, installed.get(plugin.id) ?? null);
    if (summary.shareContext?.sharePrincipals == null) {
      throw new RemoteCatalogueError(`created workspace plugin \`${plugin.id}\` did not include share_principals`);
    }
    return { plugin: summary, localPluginPath: paths[plugin.id] ?? null };
  });
}

/** Stops sharing a plugin and forgets where it was saved from (best effort, as the reference does). */
export async function deleteShare(client: RemoteCatalogueClient, codexHome: string, remotePluginId: string): Promise<void> {
  await client.deleteShare(remotePluginId);
  await forgetSharedPluginPath(codexHome, remotePluginId).catch(() => undefined);
}

/** Replaces a shared plugin's targets (an unlisted share keeps the user's workspace as a reader). */
export async function updateShareTargets(
  client: RemoteCatalogueClient,
  accountId: string | null,
  remotePluginId: string,
  discoverability: PluginShareDiscoverability,
  targets: readonly ShareTarget[],
): Promise<{ principals: PluginSharePrincipal[]; discoverability: PluginShareDiscoverability }> {
  const wanted = shareTargetsFor(accountId, discoverability, targets) ?? [];
  const answer = await client.updateShareTargets(remotePluginId, { discoverability, targets: wanted });
  return {
    principals: answer.principals.map((principal) => ({
      principalType: principal.principal_type,
      principalId: principal.principal_id,
      role: principal.role,
      name: principal.name,
    })),
    discoverability: answer.discoverability,
  };
}
