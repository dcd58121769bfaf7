import { authHeaders } from '../../auth/codex-auth.js';
import type { ChatgptLogin } from '../../auth/chatgpt-backend.js';
import type { AppInfo } from '../../protocol/v2/apps.js';
import { loadMcpSdk } from '../mcp/load-mcp-sdk.js';
import { appInstallUrl, byAccessThenName, trimmedOrNull } from './app-names.js';
import { HeldListing } from './held-listing.js';

/*
 * The apps a user can use are the ones ChatGPT's apps MCP server (`<chatgpt_base_url>/ps/mcp`, streamable HTTP)
 * offers tools for: each tool names its app in `_meta` (`connector_id`, `connector_name` or
 * `connector_display_name`, `connector_description` or `connectorDescription`). The reference 0.169.0 lists them
 * that way for `app/list` and `app/installed`.
 */

/** How long the whole listing (connect, initialize, every page) may take. */
const LISTING_TIMEOUT_MS = 30_000;
/** How long a listing is served without asking again (the reference keeps it an hour). */
const FRESH_FOR_MS = 60 * 60_000;

/** One app tool: the app it belongs to, as the tool's metadata names it. */
export interface AppTool {
  readonly appId: string;
  readonly appName: string | null;
  readonly appDescription: string | null;
}

/** Who the listing is for, and where its server is. */
export interface AppsMcpScope {
  readonly chatgptBaseUrl: string;
  readonly login: ChatgptLogin;
  readonly fetch: typeof fetch;
  readonly clientVersion: string;
}

/** Lists the app tools of the apps MCP server, keeping the last listing for an hour. */
export class AppsMcpTools {
  readonly #held: HeldListing<AppTool[]>;

  constructor(now: () => number = Date.now) {
    this.#held = new HeldListing(FRESH_FOR_MS, now);
  }

  /** The listing held for `scope`, if still fresh. */
  cached(scope: AppsMcpScope): AppTool[] | null {
    return this.#held.get(keyOf(scope));
  }

  /** The app tools; from the held listing unless `forceRefetch`. Throws when the server cannot be listed. */
  async list(scope: AppsMcpScope, forceRefetch: boolean): Promise<{ tools: AppTool[]; fetched: boolean }> {
    const cached = forceRefetch ? null : this.cached(scope);
    if (cached !== null) return { tools: cached, fetched: false };
    const tools = await listAppTools(scope);
    this.#held.set(keyOf(scope), tools);
    return { tools, fetched: true };
  }
}

function keyOf(scope: AppsMcpScope): string {
  return JSON.stringify([scope.chatgptBaseUrl, scope.login.accountId, scope.login.userId]);
}

/** The apps MCP server's URL under `chatgpt_base_url`. */
export function appsMcpUrl(chatgptBaseUrl: string): string {
  return `${chatgptBaseUrl.replace(/\/+$/, '')}/ps/mcp`;
}

async function listAppTools(scope: AppsMcpScope): Promise<AppTool[]> {
  const sdk = await loadMcpSdk();
  // The reference's client sends the product SKU header; the login's credentials go along so the real service
  // knows the user (see docs/apps.md).
  const headers: Record<string, string> = { 'x-openai-product-sku': 'codex', ...authHeaders(scope.login) };
  const signal = AbortSignal.timeout(LISTING_TIMEOUT_MS);
  const transport = new sdk.StreamableHTTPClientTransport(new URL(appsMcpUrl(scope.chatgptBaseUrl)), {
    requestInit: { headers },
    fetch: (url, init) => scope.fetch(url, { ...init, signal: init?.signal == null ? signal : AbortSignal.any([init.signal, signal]) }),
  });
  const client = new sdk.Client({ name: 'codex-mcp-client', title: 'Codex', version: scope.clientVersion }, { capabilities: {} });
  try {
    await client.connect(transport, { signal, timeout: LISTING_TIMEOUT_MS });
    const tools: AppTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor }, { signal, timeout: LISTING_TIMEOUT_MS });
      for (const tool of page.tools) {
        const meta = tool._meta ?? {};
        const appId = metaString(meta, 'connector_id');
        if (appId === null) continue;
        tools.push({
          appId,
          appName: metaString(meta, 'connector_name') ?? metaString(meta, 'connector_display_name'),
          appDescription: metaString(meta, 'connector_description') ?? metaString(meta, 'connectorDescription'),
        });
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return tools;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function metaString(meta: Record<string, unknown>, key: string): string | null {
  const value = meta[key];
  return typeof value === 'string' ? value : null;
}

/** One app per id the tools name: the first real name and description any of its tools gives, sorted by name. */
export function accessibleApps(tools: readonly AppTool[]): AppInfo[] {
  const apps = new Map<string, AppInfo>();
  for (const tool of tools) {
    const name = trimmedOrNull(tool.appName) ?? tool.appId;
    const description = trimmedOrNull(tool.appDescription);
    const existing = apps.get(tool.appId);
    if (existing === undefined) {
      apps.set(tool.appId, {
        id: tool.appId,
        name,
        description,
        logoUrl: null,
        logoUrlDark: null,
        iconAssets: null,
        iconDarkAssets: null,
        distributionChannel: null,
        branding: null,
        appMetadata: null,
        labels: null,
        installUrl: null,
        isAccessible: true,
        isEnabled: true,
        pluginDisplayNames: [],
      });
      continue;
    }
    if (existing.name === existing.id && name !== tool.appId) existing.name = name;
    if (existing.description == null && description !== null) existing.description = description;
  }
  return [...apps.values()].map((app) => ({ ...app, installUrl: appInstallUrl(app.name, app.id) })).sort(byAccessThenName);
}
