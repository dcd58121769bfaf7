import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { PluginShareCheckoutResponse } from '../../protocol/v2/plugin-share.js';
import { isValidSegment } from './marketplace-manifest.js';
import { rememberSharedPluginPath, sharedPluginPaths } from './plugin-share-paths.js';
import { downloadBundle, RemoteBundleError, unpackBundle, validRemoteBundle } from './remote-bundle.js';
import { canonicalMarketplace } from './remote-catalogue.js';
import { RemoteCatalogueError, type RemoteCatalogueClient, type RemotePlugin } from './remote-catalogue-client.js';

/*
 * `plugin/share/checkout`: a plugin shared with the user is downloaded into `~/plugins/<name>` (or where an earlier
 * checkout or save of it lives) and listed in the user's personal marketplace, `~/.agents/plugins/marketplace.json`,
 * so it can be edited and installed like any local plugin; as the reference 0.169.0 does it.
 */

const PERSONAL_MARKETPLACE_FILE = '.agents/plugins/marketplace.json';
const PERSONAL_MARKETPLACE_NAME = 'codex-curated';
const PERSONAL_MARKETPLACE_DISPLAY_NAME = 'Personal';
/** The marketplaces of plugins shared with the user: only those can be checked out. */
const SHARED_MARKETPLACES: ReadonlySet<string> = new Set([
  'workspace-shared-with-me',
  'workspace-shared-with-me-private',
  'workspace-shared-with-me-unlisted',
]);

export interface CheckoutPlace {
  readonly codexHome: string;
  /** The user's home directory (`$HOME`), where the checkout and the personal marketplace go. */
  readonly home: string | null;
  readonly fetch: typeof fetch;
  readonly signal?: AbortSignal;
}

/** Checks a shared plugin out; a checkout that already exists is listed again, not downloaded again. */
export async function checkoutShare(
  client: RemoteCatalogueClient,
  place: CheckoutPlace,
  remotePluginId: string,
): Promise<PluginShareCheckoutResponse> {
  const plugin = await client.detailWithDownloadUrl(remotePluginId);
  await client.installed(plugin.scope);
  if (!isValidSegment(plugin.name)) {
    throw new RemoteCatalogueError(
      `remote plugin \`${remotePluginId}\` returned invalid plugin name: invalid plugin name: only ASCII letters, digits, \`_\`, and \`-\` are allowed`,
    );
  }
  if (plugin.scope !== 'WORKSPACE' || !SHARED_MARKETPLACES.has(canonicalMarketplace(plugin))) {
    throw new RemoteCatalogueError(`remote plugin \`${remotePluginId}\` is not available for plugin/share/checkout`, true);
  }
  if (place.home === null) throw new RemoteCatalogueError('could not determine home directory for personal plugin marketplace');
  const home = place.home;
  const known = (await sharedPluginPaths(place.codexHome).catch(() => ({}) as Record<string, string>))[remotePluginId];
  const pluginPath = known ?? join(home, 'plugins', plugin.name);
  const relativePath = personalRelativePath(home, pluginPath);
  const alreadyCheckedOut = known !== undefined && existsSync(known);
  if (!alreadyCheckedOut && existsSync(pluginPath)) {
    throw invalidPath(pluginPath, `cannot check out remote plugin \`${remotePluginId}\` because the local plugin path already exists`);
  }
  if (!alreadyCheckedOut) await download(place, plugin, remotePluginId, pluginPath);
  const cleanUp = async () => {
    if (!alreadyCheckedOut) await rm(pluginPath, { recursive: true, force: true });
  };
  let marketplace;
  try {
    marketplace = await listInPersonalMarketplace(home, plugin, relativePath);
    await rememberSharedPluginPath(place.codexHome, remotePluginId, pluginPath);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return {
    remotePluginId,
    pluginId: `${plugin.name}@${marketplace.name}`,
    pluginName: plugin.name,
    pluginPath,
    marketplaceName: marketplace.name,
    marketplacePath: marketplace.path,
    remoteVersion: plugin.release.version,
  };
}

async function download(place: CheckoutPlace, plugin: RemotePlugin, remotePluginId: string, destination: string): Promise<void> {
  let bundle;
  try {
    bundle = validRemoteBundle(remotePluginId, plugin.name, plugin.release.version, plugin.release.bundle_download_url);
  } catch (error) {
    if (error instanceof RemoteBundleError) {
      throw new RemoteCatalogueError(`failed to prepare remote plugin bundle checkout: ${error.message}`);
    }
    throw error;
  }
  try {
    await unpackBundle(await downloadBundle(place.fetch, bundle, place.signal), plugin.name, destination);
  } catch (error) {
    if (error instanceof RemoteBundleError) throw new RemoteCatalogueError(`failed to check out remote plugin bundle: ${error.message}`);
    throw error;
  }
}

function invalidPath(path: string, reason: string): RemoteCatalogueError {
  return new RemoteCatalogueError(`invalid plugin path \`${path}\`: ${reason}`, true);
}

/** `./<path under home>`, the way a personal marketplace names a plugin directory; it must be inside home. */
function personalRelativePath(home: string, pluginPath: string): string {
  const inside = relative(home, pluginPath);
  if (inside.startsWith('..') || inside.startsWith(sep)) {
    throw invalidPath(pluginPath, 'local plugin path must be inside the home directory to be listed in the personal marketplace');
  }
  if (inside === '') throw invalidPath(pluginPath, 'local plugin path must not be the home directory');
  return `./${inside.split(sep).join('/')}`;
}

/** Adds (or refreshes) the plugin's entry in the personal marketplace, creating the file if need be. */
async function listInPersonalMarketplace(
  home: string,
  plugin: RemotePlugin,
  relativePath: string,
): Promise<{ name: string; path: string }> {
  const path = join(home, PERSONAL_MARKETPLACE_FILE);
  const invalid = (why: string) => invalidPath(path, why);
  let marketplace: unknown;
  try {
    marketplace = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (error instanceof SyntaxError) throw invalid(`failed to parse personal marketplace file: ${error.message}`);
      throw new RemoteCatalogueError(`failed to read personal plugin marketplace: ${(error as Error).message}`);
    }
    marketplace = { name: PERSONAL_MARKETPLACE_NAME, interface: { displayName: PERSONAL_MARKETPLACE_DISPLAY_NAME }, plugins: [] };
  }
  if (marketplace === null || typeof marketplace !== 'object' || Array.isArray(marketplace)) {
    throw invalid('personal marketplace file must contain a JSON object');
  }
  const table = marketplace as Record<string, unknown>;
  table['name'] ??= PERSONAL_MARKETPLACE_NAME;
  const name = table['name'];
  if (typeof name !== 'string') throw invalid('marketplace name must be a string');
  if (!isValidSegment(name)) throw invalid('marketplace name is invalid: only ASCII letters, digits, `_`, and `-` are allowed');
  table['plugins'] ??= [];
  const plugins = table['plugins'];
  if (!Array.isArray(plugins)) throw invalid('marketplace plugins must be an array');
  const category = plugin.release.interface.category;
  const entry: Record<string, unknown> = {
    name: plugin.name,
    source: { source: 'local', path: relativePath },
    policy: { installation: plugin.installation_policy, authentication: plugin.authentication_policy },
    ...(category !== null && category.trim() !== '' ? { category } : {}),
  };
  const index = plugins.findIndex((existing) => (existing as { name?: unknown } | null)?.name === plugin.name);
  if (index === -1) {
    plugins.push(entry);
  } else {
    const existingPath = (plugins[index] as { source?: { path?: unknown } }).source?.path;
    if (existingPath !== relativePath) {
      throw invalid(`marketplace already contains plugin \`${plugin.name}\` with a different source path`);
    }
    plugins[index] = entry;
  }
  await mkdir(dirname(path), { recursive: true });
  // Written whole and renamed into place, so a reader never sees half a file.
  const staged = `${path}.${process.pid}.tmp`;
  await writeFile(staged, `${JSON.stringify(table, null, 2)}\n`);
  await rename(staged, path);
  return { name, path };
}
