import { isChatgptAuth } from '../auth/codex-auth.js';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { MarketplaceSources } from '../runtime/plugins/marketplace-sources.js';
import { parsePluginId } from '../runtime/plugins/plugin-cache.js';
import { PluginCatalogue } from '../runtime/plugins/plugin-catalogue.js';
import { PluginRequestError } from '../runtime/plugins/plugin-errors.js';
import type { PluginMarketplaceEntry } from '../protocol/v2/plugins.js';
import { RemoteCatalogueClient, RemoteCatalogueError } from '../runtime/plugins/remote-catalogue-client.js';
import {
  createdShares,
  deleteShare,
  isValidRemotePluginId,
  remoteMarketplaces,
  remotePluginDetail,
  remoteSkillContents,
  updateShareTargets,
  type RemoteSource,
} from '../runtime/plugins/remote-catalogue.js';
import { checkoutShare } from '../runtime/plugins/plugin-share-checkout.js';
import { saveShare } from '../runtime/plugins/plugin-share-save.js';
import { installRemotePlugin, RemoteInstallError, uninstallRemotePlugin } from '../runtime/plugins/remote-install.js';
import { threadCaller } from './caller.js';
import { chatgptBackendFor } from './chatgpt-backend-for.js';
import { bindHandler } from './context.js';
import type { HandlerContext, RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/** What the reference says when a request needs ChatGPT's remote plugin catalogue and there is no ChatGPT login. */
const REMOTE_CATALOGUE_NEEDS_CHATGPT = 'chatgpt authentication required for remote plugin catalog';

/**
 * `plugin/*` and `marketplace/*` over local and git marketplaces, and over ChatGPT's remote plugin catalogue with a
 * ChatGPT login (docs/plugins.md). Without one, remote requests are refused as the reference refuses them.
 */
export function pluginHandlers(services: ServerServices): RequestHandler[] {
  const catalogue = new PluginCatalogue({ config: services.config, env: services.env });
  const sources = new MarketplaceSources(services.config, services.env);
  /** The remote catalogue for this caller; without a ChatGPT login, the refusal `action` words [observed]. */
  const remoteCatalogue = async (context: HandlerContext, action: string): Promise<RemoteCatalogueClient> => {
    const auth = await services.auth.current();
    if (!isChatgptAuth(auth)) {
      const apiKey = auth === null ? '' : '; api key auth is not supported';
      throw RpcErrors.badRequest(`${action}: ${REMOTE_CATALOGUE_NEEDS_CHATGPT}${apiKey}`);
    }
    return new RemoteCatalogueClient(chatgptBackendFor(services, auth, context), threadCaller(context).originator);
  };

  return [
    bindHandler(ClientRequests.pluginList, async (params, context) => {
      const kinds = params.marketplaceKinds ?? null;
      const local =
        kinds === null || kinds.includes('local')
          ? await refusals(() => catalogue.list(params.cwds ?? []))
          : { marketplaces: [], marketplaceLoadErrors: [] };
      const remote = remoteSources(kinds);
      let marketplaces = local.marketplaces;
      // Asked for by kind, a remote catalogue must answer; OpenAI's catalogue, listed by default, is best effort and
      // only tried with a ChatGPT login.
      const tryRemote = kinds !== null || isChatgptAuth(await services.auth.current());
      if (remote.length > 0 && tryRemote) {
        const action = 'list remote plugin catalog';
        try {
          const client = await remoteCatalogue(context, action);
          marketplaces = mergedMarketplaces(marketplaces, await remoteFailures(action, () => remoteMarketplaces(client, remote)));
        } catch (error) {
          if (kinds !== null) throw error;
          context.log.warn({ err: error }, 'plugin/list: the remote plugin catalogue failed; listing local marketplaces only');
        }
      }
      return { marketplaces, marketplaceLoadErrors: local.marketplaceLoadErrors, featuredPluginIds: [] };
    }),
    bindHandler(ClientRequests.pluginInstalled, (params) =>
      refusals(() => catalogue.list(params.cwds ?? [], 'installed', params.installSuggestionPluginNames ?? [])),
    ),
    bindHandler(ClientRequests.pluginRead, async (params, context) => {
      const marketplacePath = marketplaceChoice('plugin/read', params);
      if (marketplacePath !== null) return refusals(async () => ({ plugin: await catalogue.read(marketplacePath, params.pluginName) }));
      validRemotePluginId(params.pluginName);
      const action = 'read remote plugin details';
      const client = await remoteCatalogue(context, action);
      return { plugin: await remoteFailures(action, () => remotePluginDetail(client, params.pluginName)) };
    }),
    bindHandler(ClientRequests.pluginSkillRead, async (params, context) => {
      validRemotePluginId(params.remotePluginId);
      if (params.skillName === '') throw RpcErrors.badRequest('invalid remote plugin skill name: cannot be empty');
      const action = 'read remote plugin skill details';
      const client = await remoteCatalogue(context, action);
      const contents = await remoteFailures(action, () =>
        remoteSkillContents(client, params.remoteMarketplaceName, params.remotePluginId, params.skillName),
      );
      return { contents };
    }),
    bindHandler(ClientRequests.pluginInstall, async (params, context) => {
      const marketplacePath = marketplaceChoice('plugin/install', params);
      if (marketplacePath !== null) {
        return refusals(async () => {
          const plugin = await catalogue.install(marketplacePath, params.pluginName);
          return { authPolicy: plugin.authPolicy, appsNeedingAuth: [] };
        });
      }
      // A remote install names the plugin by its remote id; the marketplace named is not checked [observed].
      validRemotePluginId(params.pluginName);
      const client = await remoteCatalogue(context, 'read remote plugin details before install');
      const place = { codexHome: services.config.codexHome, fetch: services.fetch, signal: context.signal };
      const installed = await remoteInstallFailures(() => installRemotePlugin(client, place, params.pluginName));
      return { authPolicy: installed.authPolicy, appsNeedingAuth: [] };
    }),
    bindHandler(ClientRequests.pluginUninstall, async (params, context) => {
      const id = parsePluginId(params.pluginId);
      if (id !== null) {
        await catalogue.uninstall(id);
        return {};
      }
      // An id that is not `name@marketplace` is a remote plugin id.
      validShareId(params.pluginId);
      const client = await remoteCatalogue(context, 'resolve remote plugin before uninstall');
      const place = { codexHome: services.config.codexHome, fetch: services.fetch, signal: context.signal };
      await remoteInstallFailures(() => uninstallRemotePlugin(client, place, params.pluginId));
      return {};
    }),
    // Nothing here is synced from a remote catalogue, so a pass never finds bundle changes to report.
    bindHandler(ClientRequests.pluginReconcile, () => ({
      changedPlugins: [],
      failedRemotePluginIds: [],
      failedMaterializationRemotePluginIds: [],
    })),
    bindHandler(ClientRequests.pluginShareCheckout, async (params, context) => {
      validShareId(params.remotePluginId);
      const action = 'checkout plugin share';
      const client = await remoteCatalogue(context, action);
      const place = { codexHome: services.config.codexHome, home: services.env['HOME'] ?? null, fetch: services.fetch, signal: context.signal };
      return remoteFailures(action, () => checkoutShare(client, place, params.remotePluginId));
    }),
    bindHandler(ClientRequests.pluginShareSave, async (params, context) => {
      const remotePluginId = params.remotePluginId ?? null;
      if (remotePluginId !== null) validShareId(remotePluginId);
      const discoverability = params.discoverability ?? null;
      const shareTargets = params.shareTargets ?? null;
      if (remotePluginId !== null && (discoverability !== null || shareTargets !== null)) {
        throw RpcErrors.badRequest(
          'discoverability and shareTargets are only supported when creating a plugin share; use plugin/share/updateTargets to update share settings',
        );
      }
      if (discoverability === 'LISTED') {
        throw RpcErrors.badRequest('discoverability LISTED is not supported for plugin/share/save; use UNLISTED or PRIVATE');
      }
      if (shareTargets !== null) noWorkspaceTargets(shareTargets);
      const action = 'save remote plugin share';
      const client = await remoteCatalogue(context, action);
      const auth = await services.auth.current();
      const caller = threadCaller(context);
      const uploader = {
        accountId: isChatgptAuth(auth) ? auth.accountId : null,
        codexHome: services.config.codexHome,
        fetch: services.fetch,
        originator: caller.originator,
        userAgent: caller.userAgent,
      };
      const saved = await remoteFailures(action, () =>
        saveShare(client, uploader, { pluginPath: params.pluginPath, remotePluginId, discoverability, shareTargets }),
      );
      return { remotePluginId: saved.remotePluginId, shareUrl: saved.shareUrl ?? '', canPublishToWorkspace: null };
    }),
    bindHandler(ClientRequests.pluginShareList, async (_params, context) => {
      const action = 'list remote plugin shares';
      const client = await remoteCatalogue(context, action);
      return { data: await remoteFailures(action, () => createdShares(client, services.config.codexHome)) };
    }),
    bindHandler(ClientRequests.pluginShareUpdateTargets, async (params, context) => {
      validShareId(params.remotePluginId);
      noWorkspaceTargets(params.shareTargets);
      const action = 'update remote plugin share targets';
      const client = await remoteCatalogue(context, action);
      const auth = await services.auth.current();
      const accountId = isChatgptAuth(auth) ? auth.accountId : null;
      return remoteFailures(action, () =>
        updateShareTargets(client, accountId, params.remotePluginId, params.discoverability, params.shareTargets),
      );
    }),
    bindHandler(ClientRequests.pluginShareDelete, async (params, context) => {
      validShareId(params.remotePluginId);
      const action = 'delete remote plugin share';
      const client = await remoteCatalogue(context, action);
      await remoteFailures(action, () => deleteShare(client, services.config.codexHome, params.remotePluginId));
      return {};
    }),
    bindHandler(ClientRequests.marketplaceAdd, (params) =>
      refusals(() => sources.add(params.source, params.refName ?? null, params.sparsePaths ?? [])),
    ),
    bindHandler(ClientRequests.marketplaceRemove, (params) => refusals(() => sources.remove(params.marketplaceName))),
    bindHandler(ClientRequests.marketplaceUpgrade, (params) =>
      refusals(() => sources.upgrade(params.marketplaceName ?? null)),
    ),
  ];
}

/** The `marketplacePath` of a request that names a local marketplace, null for a remote one; both or neither is refused. */
function marketplaceChoice(
  method: string,
  params: { marketplacePath?: string | null | undefined; remoteMarketplaceName?: string | null | undefined },
): string | null {
  const marketplacePath = params.marketplacePath ?? null;
  const hasRemote = params.remoteMarketplaceName !== undefined && params.remoteMarketplaceName !== null;
  if ((marketplacePath !== null) === hasRemote) {
    throw RpcErrors.badRequest(`${method} requires exactly one of marketplacePath or remoteMarketplaceName`);
  }
  return marketplacePath;
}

/** The remote catalogues a `plugin/list` asks for: OpenAI's by default, otherwise those its kinds name. */
function remoteSources(kinds: readonly string[] | null): RemoteSource[] {
  if (kinds === null) return ['curated'];
  const byKind: ReadonlyArray<[string, RemoteSource]> = [
    ['workspace-directory', 'workspace-directory'],
    ['shared-with-me', 'shared-with-me'],
    ['created-by-me-remote', 'created-by-me'],
  ];
  return byKind.filter(([kind]) => kinds.includes(kind)).map(([, source]) => source);
}

/** Local marketplaces with the remote ones after them; a remote marketplace replaces a local one of its name. */
function mergedMarketplaces(
  local: readonly PluginMarketplaceEntry[],
  remote: readonly PluginMarketplaceEntry[],
): PluginMarketplaceEntry[] {
  const merged = [...local];
  for (const entry of remote) {
    const index = merged.findIndex((existing) => existing.name === entry.name);
    if (index === -1) merged.push(entry);
    else merged[index] = entry;
  }
  return merged;
}

/** Clients may not name workspaces as share targets: an unlisted share opens one itself [observed]. */
function noWorkspaceTargets(targets: ReadonlyArray<{ principalType: string }>): void {
  if (targets.some((target) => target.principalType === 'workspace')) {
    throw RpcErrors.badRequest('shareTargets cannot include workspace principals; use discoverability UNLISTED for workspace link access');
  }
}

/** The sharing methods' own wording for an unusable remote plugin id [observed]. */
function validShareId(id: string): void {
  if (!isValidRemotePluginId(id)) throw RpcErrors.badRequest('invalid remote plugin id');
}

function validRemotePluginId(id: string): void {
  if (!isValidRemotePluginId(id)) {
    throw RpcErrors.badRequest('invalid remote plugin id: only ASCII letters, digits, `_`, `-`, and `~` are allowed');
  }
}

/** Runs a remote catalogue call, its failures worded `<action>: <why>` (-32600 for the caller's mistakes, else -32603). */
async function remoteFailures<T>(action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof RemoteCatalogueError)) throw error;
    const message = `${action}: ${error.message}`;
    throw error.invalidRequest ? RpcErrors.badRequest(message) : RpcErrors.internal(message, error);
  }
}

/** Runs a remote install or uninstall, its failures as errors (-32600 for the caller's mistakes, else -32603). */
async function remoteInstallFailures<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof RemoteInstallError)) throw error;
    throw error.invalidRequest ? RpcErrors.badRequest(error.message) : RpcErrors.internal(error.message, error);
  }
}

/** Runs `work`, turning the plugin layer's refusals into -32600 errors with their wording. */
async function refusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PluginRequestError) throw RpcErrors.badRequest(error.message);
    throw error;
  }
}
