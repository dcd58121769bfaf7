import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { BackendRequestError, type ChatgptBackend } from '../../auth/chatgpt-backend.js';
import { statusLine } from '../../model/errors.js';
import { serdeMessage } from '../../protocol/serde-message.js';
import { PluginAuthPolicySchema, PluginInstallPolicySchema, PluginShareDiscoverabilitySchema } from '../../protocol/v2/plugins.js';

/*
 * ChatGPT's plugin service (`<chatgpt_base_url>/ps/plugins/…`), the remote plugin catalogue, as the reference 0.169.0
 * calls it: every request carries the login's bearer token and account id, the caller's originator and user agent,
 * and `oai-product-sku: codex`; list endpoints are paged 200 at a time with `pageToken`.
 */

/** How long one catalogue request may take. */
const CATALOGUE_REQUEST_TIMEOUT_MS = 30_000;
const PAGE_LIMIT = 200;

/**
 * A catalogue request that failed, worded as the reference words it. `invalidRequest` marks the failures the
 * reference reports as -32600 (the backend's 404, a marketplace or path the caller got wrong); the rest are -32603.
 */
export class RemoteCatalogueError extends Error {
  constructor(
    message: string,
    readonly invalidRequest = false,
  ) {
    super(message);
  }
}

/** A catalogue scope: OpenAI's global catalogue, the workspace's, or the plugins the user created. */
export type RemoteScope = 'GLOBAL' | 'WORKSPACE' | 'USER';

const optionalString = lazySchema(() => z
  .string()
  .nullish()
  .transform((value) => value ?? null));
const stringList = lazySchema(() => z
  .array(z.string())
  .nullish()
  .transform((value) => value ?? []));

const SkillInterfaceSchema = lazySchema(() => z.looseObject({
  display_name: optionalString,
  short_description: optionalString,
  brand_color: optionalString,
  default_prompt: optionalString,
  icon_small_url: optionalString,
  icon_large_url: optionalString,
}));

const ReleaseSchema = lazySchema(() => z.looseObject({
  version: optionalString,
  /** Where the release's bundle (a .tar.gz) can be downloaded; only given when asked for. */
  bundle_download_url: optionalString,
  display_name: z.string(),
  description: z.string(),
  keywords: stringList,
  app_ids: stringList,
  interface: z.looseObject({
    short_description: optionalString,
    long_description: optionalString,
    developer_name: optionalString,
    category: optionalString,
    capabilities: stringList,
    website_url: optionalString,
    privacy_policy_url: optionalString,
    terms_of_service_url: optionalString,
    brand_color: optionalString,
    default_prompt: optionalString,
    default_prompts: z.array(z.string()).nullish(),
    composer_icon_url: optionalString,
    logo_url: optionalString,
    logo_url_dark: optionalString,
    screenshot_urls: stringList,
  }),
  skills: z
    .array(z.looseObject({ name: z.string(), description: z.string(), interface: SkillInterfaceSchema.nullish() }))
    .nullish()
    .transform((value) => value ?? []),
  mcp_servers: z
    .array(z.looseObject({ key: z.string() }))
    .nullish()
    .transform((value) => value ?? []),
}));

const PrincipalSchema = lazySchema(() => z.looseObject({
  principal_type: z.enum(['user', 'group', 'workspace']),
  principal_id: z.string(),
  role: z.enum(['reader', 'editor', 'owner']),
  name: z.string(),
}));

/** One plugin as the catalogue describes it. The service says `ENABLED` where the protocol says `AVAILABLE`. */
export const RemotePluginSchema = lazySchema(() => z.looseObject({
  id: z.string(),
  name: z.string(),
  scope: z.enum(['GLOBAL', 'WORKSPACE']),
  discoverability: PluginShareDiscoverabilitySchema.nullish().transform((value) => value ?? null),
  creator_account_user_id: optionalString,
  creator_name: optionalString,
  share_url: optionalString,
  share_principals: z
    .array(PrincipalSchema)
    .nullish()
    .transform((value) => value ?? null),
  installation_policy: PluginInstallPolicySchema,
  authentication_policy: PluginAuthPolicySchema,
  status: z
    .enum(['AVAILABLE', 'ENABLED', 'DISABLED_BY_ADMIN'])
    .optional()
    .transform((value) => (value === 'DISABLED_BY_ADMIN' ? value : 'AVAILABLE')),
  release: ReleaseSchema,
}));
export type RemotePlugin = z.output<typeof RemotePluginSchema>;

/** An installed plugin: the catalogue entry, whether it is on, and which of its skills the user turned off. */
const InstalledPluginSchema = lazySchema(() => RemotePluginSchema.extend({
  enabled: z.boolean(),
  disabled_skill_names: stringList,
}));
export type InstalledRemotePlugin = z.output<typeof InstalledPluginSchema>;

const pageOf = <S extends z.ZodType>(item: S) =>
  z.looseObject({
    plugins: z.array(item),
    pagination: z.looseObject({ next_page_token: optionalString }),
  });

const ShareTargetsAnswerSchema = lazySchema(() => z.looseObject({
  principals: z.array(PrincipalSchema),
  discoverability: PluginShareDiscoverabilitySchema,
}));

const UploadUrlAnswerSchema = lazySchema(() => z.looseObject({ file_id: z.string(), upload_url: z.string(), etag: optionalString }));
const ShareCreatedSchema = lazySchema(() => z.looseObject({ plugin_id: z.string(), share_url: optionalString }));

const MutationAnswerSchema = lazySchema(() => z.looseObject({ id: z.string(), enabled: z.boolean() }));

const SkillDetailSchema = lazySchema(() => z.looseObject({ plugin_id: z.string(), name: z.string(), skill_md_contents: optionalString }));

/** The catalogue requests of one signed-in caller. */
export class RemoteCatalogueClient {
  readonly #backend: ChatgptBackend;
  readonly #base: string;
  readonly #headers: Record<string, string>;

  constructor(backend: ChatgptBackend, originator: string) {
    this.#backend = backend;
    this.#base = backend.baseUrl.replace(/\/+$/, '');
    this.#headers = { originator, 'oai-product-sku': 'codex' };
  }

  /** Every plugin a scope's directory lists. */
  directory(scope: RemoteScope): Promise<RemotePlugin[]> {
    return this.#pages(`list?scope=${scope}&limit=${PAGE_LIMIT}`, RemotePluginSchema);
  }

  /** The plugins the user installed from a scope. */
  installed(scope: RemoteScope): Promise<InstalledRemotePlugin[]> {
    return this.#pages(`installed?scope=${scope}&limit=${PAGE_LIMIT}`, InstalledPluginSchema);
  }

  /** The workspace plugins shared with the user directly. */
  sharedWithMe(): Promise<RemotePlugin[]> {
    return this.#pages(`workspace/shared?limit=${PAGE_LIMIT}`, RemotePluginSchema);
  }

  /** One plugin's catalogue entry. */
  detail(remotePluginId: string): Promise<RemotePlugin> {
    return this.#get(`${this.#base}/ps/plugins/${remotePluginId}`, RemotePluginSchema);
  }

  /** One plugin's catalogue entry with its release's bundle download URL. */
  detailWithDownloadUrl(remotePluginId: string): Promise<RemotePlugin> {
    return this.#get(`${this.#base}/ps/plugins/${remotePluginId}?includeDownloadUrls=true`, RemotePluginSchema);
  }

  /** A skill's SKILL.md; the answer must name the plugin and skill asked for. */
  async skillContents(remotePluginId: string, skillName: string): Promise<string | null> {
    const url = `${this.#base}/ps/plugins/${pathSegment(remotePluginId)}/skills/${pathSegment(skillName)}`;
    const answer = await this.#get(url, SkillDetailSchema);
    if (answer.plugin_id !== remotePluginId) {
      throw new RemoteCatalogueError(
        `remote plugin mutation returned unexpected plugin id: expected \`${remotePluginId}\`, got \`${answer.plugin_id}\``,
      );
    }
    if (answer.name !== skillName) {
      throw new RemoteCatalogueError(
        `remote plugin skill response returned unexpected skill name: expected \`${skillName}\`, got \`${answer.name}\``,
      );
    }
    return answer.skill_md_contents;
  }

  async #pages<S extends z.ZodType>(pathAndQuery: string, item: S): Promise<z.output<S>[]> {
    const plugins: z.output<S>[] = [];
    let pageToken: string | null = null;
    do {
      // Form-encoded, as the reference's query builder writes it (a space is `+`).
      const token: string = pageToken === null ? '' : `&${new URLSearchParams({ pageToken }).toString()}`;
      const page: z.output<ReturnType<typeof pageOf<S>>> = await this.#get(
        `${this.#base}/ps/plugins/${pathAndQuery}${token}`,
        pageOf(item),
      );
      plugins.push(...page.plugins);
      pageToken = page.pagination.next_page_token;
    } while (pageToken !== null);
    return plugins;
  }

  /** The workspace plugins the user created and shared. */
  createdByMe(): Promise<RemotePlugin[]> {
    return this.#pages(`workspace/created?limit=${PAGE_LIMIT}`, RemotePluginSchema);
  }

  /**
   * Installs (`install`) or uninstalls a plugin for the user; the service answers with the plugin's id and whether it
   * is now enabled, which must be what was asked for.
   */
  async setInstalled(remotePluginId: string, install: boolean): Promise<void> {
    const url = `${this.#base}/ps/plugins/${remotePluginId}/${install ? 'install?includeAppsNeedingAuth=true' : 'uninstall'}`;
    const answer = decodeAnswer(url, await this.#send('POST', url), MutationAnswerSchema);
    if (answer.id !== remotePluginId) {
      throw new RemoteCatalogueError(
        `remote plugin mutation returned unexpected plugin id: expected \`${remotePluginId}\`, got \`${answer.id}\``,
      );
    }
    if (answer.enabled !== install) {
      throw new RemoteCatalogueError(
        `remote plugin mutation returned unexpected enabled state for \`${remotePluginId}\`: expected ${install}, got ${answer.enabled}`,
      );
    }
  }

  /** Stops sharing a plugin the user created: the service answers 204 and nothing else will do. */
  async deleteShare(remotePluginId: string): Promise<void> {
    await this.#send('DELETE', `${this.#base}/public/plugins/workspace/${remotePluginId}`, undefined, [204]);
  }

  /** Replaces who a shared plugin is shared with; the service answers with the principals it now has. */
  async updateShareTargets(
    remotePluginId: string,
    request: { discoverability: string; targets: ReadonlyArray<{ principal_type: string; principal_id: string; role: string }> },
  ): Promise<z.output<typeof ShareTargetsAnswerSchema>> {
    const url = `${this.#base}/ps/plugins/${remotePluginId}/shares`;
    return decodeAnswer(url, await this.#send('PUT', url, request), ShareTargetsAnswerSchema);
  }

  /** Asks where to upload a plugin archive (`pluginId` when it replaces an existing share). */
  async uploadUrl(request: {
    filename: string;
    mime_type: string;
    size_bytes: number;
    plugin_id?: string;
  }): Promise<z.output<typeof UploadUrlAnswerSchema>> {
    const url = `${this.#base}/public/plugins/workspace/upload-url`;
    return decodeAnswer(url, await this.#send('POST', url, request), UploadUrlAnswerSchema);
  }

  /** Turns an uploaded archive into a share: a new one, or a new release of `remotePluginId`. */
  async finalizeShare(remotePluginId: string | null, request: Record<string, unknown>): Promise<z.output<typeof ShareCreatedSchema>> {
    const url = `${this.#base}/public/plugins/workspace${remotePluginId === null ? '' : `/${remotePluginId}`}`;
    return decodeAnswer(url, await this.#send('POST', url, request), ShareCreatedSchema);
  }

  async #get<S extends z.ZodType>(url: string, schema: S): Promise<z.output<S>> {
    return decodeAnswer(url, await this.#send('GET', url), schema);
  }

  /** One request; a status outside `expected` (any 2xx by default) fails with the service's answer. */
  async #send(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, expected?: readonly number[]): Promise<string> {
    let answer;
    try {
      answer = await this.#backend.exchange(method, url, {
        headers: this.#headers,
        signal: AbortSignal.timeout(CATALOGUE_REQUEST_TIMEOUT_MS),
        ...(body === undefined ? {} : { body }),
      });
    } catch (error) {
      if (!(error instanceof BackendRequestError) && !isTimeout(error)) throw error;
      throw new RemoteCatalogueError(
        `failed to send remote plugin catalog request to ${url}: error sending request for url (${url})`,
      );
    }
    const ok = expected === undefined ? answer.status >= 200 && answer.status <= 299 : expected.includes(answer.status);
    if (!ok) {
      throw new RemoteCatalogueError(
        `remote plugin catalog request to ${url} failed with status ${statusLine(answer.status)}: ${answer.body}`,
        answer.status === 404,
      );
    }
    return answer.body;
  }
}

function decodeAnswer<S extends z.ZodType>(url: string, body: string, schema: S): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new RemoteCatalogueError(`failed to parse remote plugin catalog response from ${url}: expected value`);
  }
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const why = serdeMessage(schema, raw, parsed.error.issues);
    throw new RemoteCatalogueError(`failed to parse remote plugin catalog response from ${url}: ${why}`);
  }
  return parsed.data;
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/**
 * A URL path segment encoded the way the reference's URL library encodes one: controls, space, `"#<>?\`{}`, `/`
 * and `%` (and anything outside ASCII) are escaped, the rest kept.
 */
function pathSegment(segment: string): string {
  return Array.from(new TextEncoder().encode(segment), (byte) => {
    const char = String.fromCharCode(byte);
    const escaped = byte < 0x21 || byte > 0x7e || '"#<>?`{}/%'.includes(char);
    return escaped ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : char;
  }).join('');
}
