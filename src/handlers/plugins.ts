import { isChatgptAuth } from '../auth/codex-auth.js';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { MarketplaceSources } from '../runtime/plugins/marketplace-sources.js';
import { parsePluginId } from '../runtime/plugins/plugin-cache.js';
import { PluginCatalogue } from '../runtime/plugins/plugin-catalogue.js';
import { PluginRequestError } from '../runtime/plugins/plugin-errors.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/** What the reference says when a request needs ChatGPT's remote plugin catalogue and there is no ChatGPT login. */
const REMOTE_CATALOGUE_NEEDS_CHATGPT = 'chatgpt authentication required for remote plugin catalog';

/**
 * `plugin/*` and `marketplace/*` over local and git marketplaces (docs/plugins.md). Requests that go to ChatGPT's
 * remote catalogue are refused as the reference refuses them without a ChatGPT login; with one, they are not
 * supported yet.
 */
export function pluginHandlers(services: ServerServices): RequestHandler[] {
  const catalogue = new PluginCatalogue({ config: services.config, env: services.env });
  const sources = new MarketplaceSources(services.config, services.env);
  const signedInWithChatgpt = async (): Promise<boolean> => isChatgptAuth(await services.auth.current());
  /** The refusal of a request that needs the remote catalogue, worded for the login there is [observed]. */
  const remoteRefusal = async (method: string, action: string): Promise<Error> => {
    const auth = await services.auth.current();
    // Both ChatGPT logins (the stored one and a client's tokens) reach the remote catalogue in the reference.
    if (isChatgptAuth(auth)) return RpcErrors.notSupportedYet(method);
    const apiKey = auth === null ? '' : '; api key auth is not supported';
    return RpcErrors.badRequest(`${action}: ${REMOTE_CATALOGUE_NEEDS_CHATGPT}${apiKey}`);
  };
  /** The marketplace file a request names; a remote catalogue name needs ChatGPT (`action` words the refusal). */
  const localMarketplace = async (
    method: string,
    action: string,
    params: { marketplacePath?: string | null | undefined; remoteMarketplaceName?: string | null | undefined },
  ): Promise<string> => {
    const marketplacePath = params.marketplacePath ?? null;
    const hasRemote = params.remoteMarketplaceName !== undefined && params.remoteMarketplaceName !== null;
    if ((marketplacePath !== null) === hasRemote) {
      throw RpcErrors.badRequest(`${method} requires exactly one of marketplacePath or remoteMarketplaceName`);
    }
    if (marketplacePath === null) throw await remoteRefusal(method, action);
    return marketplacePath;
  };

  return [
    bindHandler(ClientRequests.pluginList, async (params) => {
      // Every kind but `local` is a remote catalogue.
      if ((params.marketplaceKinds ?? []).some((kind) => kind !== 'local')) {
        throw await remoteRefusal('plugin/list', 'list remote plugin catalog');
      }
      return refusals(async () => ({ ...(await catalogue.list(params.cwds ?? [])), featuredPluginIds: [] }));
    }),
    bindHandler(ClientRequests.pluginInstalled, (params) =>
      refusals(() => catalogue.list(params.cwds ?? [], 'installed', params.installSuggestionPluginNames ?? [])),
    ),
    bindHandler(ClientRequests.pluginRead, (params) =>
      refusals(async () => {
        const marketplacePath = await localMarketplace('plugin/read', 'read remote plugin details', params);
        return { plugin: await catalogue.read(marketplacePath, params.pluginName) };
      }),
    ),
    bindHandler(ClientRequests.pluginInstall, (params) =>
      refusals(async () => {
        const marketplacePath = await localMarketplace('plugin/install', 'read remote plugin details before install', params);
        const plugin = await catalogue.install(marketplacePath, params.pluginName);
        return { authPolicy: plugin.authPolicy, appsNeedingAuth: [] };
      }),
    ),
    bindHandler(ClientRequests.pluginUninstall, async (params) => {
      const id = parsePluginId(params.pluginId);
      // An id that is not `name@marketplace` would be a remote plugin id, which needs the remote catalogue.
      if (id === null) throw await remoteRefusal('plugin/uninstall', 'resolve remote plugin before uninstall');
      await catalogue.uninstall(id);
      return {};
    }),
    // Nothing here is synced from a remote catalogue, so a pass never finds bundle changes to report.
    bindHandler(ClientRequests.pluginReconcile, () => ({
      changedPlugins: [],
      failedRemotePluginIds: [],
      failedMaterializationRemotePluginIds: [],
    })),
    // What needs ChatGPT's remote catalogue, each with the action its refusal names.
    ...(
      [
        [ClientRequests.pluginSkillRead, 'read remote plugin skill details'],
        [ClientRequests.pluginShareSave, 'save remote plugin share'],
        [ClientRequests.pluginShareUpdateTargets, 'update remote plugin share targets'],
        [ClientRequests.pluginShareList, 'list remote plugin shares'],
        [ClientRequests.pluginShareCheckout, 'checkout plugin share'],
        [ClientRequests.pluginShareDelete, 'delete remote plugin share'],
      ] as const
    ).map(([definition, action]): RequestHandler =>
      bindHandler(definition, async () => {
        throw await remoteRefusal(definition.method, action);
      }),
    ),
    bindHandler(ClientRequests.marketplaceAdd, (params) =>
      refusals(() => sources.add(params.source, params.refName ?? null, params.sparsePaths ?? [])),
    ),
    bindHandler(ClientRequests.marketplaceRemove, (params) => refusals(() => sources.remove(params.marketplaceName))),
    bindHandler(ClientRequests.marketplaceUpgrade, (params) =>
      refusals(() => sources.upgrade(params.marketplaceName ?? null)),
    ),
    // Apps are ChatGPT connectors: without a ChatGPT login the reference lists none.
    bindHandler(ClientRequests.appList, async () => {
      if (await signedInWithChatgpt()) throw RpcErrors.notSupportedYet('app/list');
      return { data: [], nextCursor: null };
    }),
    bindHandler(ClientRequests.appRead, async (params) => {
      if (await signedInWithChatgpt()) throw RpcErrors.notSupportedYet('app/read');
      return { apps: [], missingAppIds: [...new Set(params.appIds)] };
    }),
    bindHandler(ClientRequests.appInstalled, async () => {
      if (await signedInWithChatgpt()) throw RpcErrors.notSupportedYet('app/installed');
      return { apps: [] };
    }),
  ];
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
