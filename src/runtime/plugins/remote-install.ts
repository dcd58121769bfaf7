import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PluginAuthPolicy } from '../../protocol/v2/plugins.js';
import { readPluginManifest } from './plugin-manifest.js';
import { downloadBundle, RemoteBundleError, unpackInto, validRemoteBundle, type RemoteBundle } from './remote-bundle.js';
import { canonicalMarketplace } from './remote-catalogue.js';
import { RemoteCatalogueError, type RemoteCatalogueClient } from './remote-catalogue-client.js';

/*
 * Installing a plugin from ChatGPT's remote catalogue, as the reference 0.169.0 does it: the release's bundle is
 * downloaded and unpacked into the plugin cache, `$CODEX_HOME/plugins/cache/<marketplace>/<name>/<release version>/`,
 * beside a `.codex-remote-plugin-install.json` naming the remote plugin; then the service is told the user installed
 * it. Uninstalling tells the service, then removes the cached copy. config.toml is not touched: the service keeps
 * whether a remote plugin is installed and enabled.
 */

/** Where a remote bundle is unpacked before it moves into the cache. */
const STAGING_DIR = 'plugins/.remote-plugin-install-staging';
const INSTALL_MARKER = '.codex-remote-plugin-install.json';
/** OpenAI's own catalogue: its bundles take the release's version into their plugin.json. */
const CURATED = 'openai-curated-remote';

/** A failure worded `<context>: <why>`, -32600 when it is the caller's mistake. */
export class RemoteInstallError extends Error {
  constructor(
    message: string,
    readonly invalidRequest = false,
  ) {
    super(message);
  }
}

export interface RemoteInstallPlace {
  readonly codexHome: string;
  readonly fetch: typeof fetch;
  readonly signal?: AbortSignal;
}

/** Runs a catalogue step, its failures worded with `context` as the reference words them. */
async function step<T>(context: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RemoteCatalogueError) throw new RemoteInstallError(`${context}: ${error.message}`, error.invalidRequest);
    if (error instanceof RemoteBundleError) throw new RemoteInstallError(`install remote plugin bundle: ${error.message}`);
    throw error;
  }
}

/** Installs remote plugin `remotePluginId`; answers its authentication policy. */
export async function installRemotePlugin(
  client: RemoteCatalogueClient,
  place: RemoteInstallPlace,
  remotePluginId: string,
): Promise<{ authPolicy: PluginAuthPolicy }> {
  const context = 'read remote plugin details before install';
  const plugin = await step(context, () => client.detailWithDownloadUrl(remotePluginId));
  await step(context, () => client.installed(plugin.scope));
  if (plugin.status === 'DISABLED_BY_ADMIN') throw new RemoteInstallError(`remote plugin ${remotePluginId} is disabled by admin`, true);
  if (plugin.installation_policy === 'NOT_AVAILABLE') {
    throw new RemoteInstallError(`remote plugin ${remotePluginId} is not available for install`, true);
  }
  const marketplace = canonicalMarketplace(plugin);
  const pluginDir = join(place.codexHome, 'plugins', 'cache', marketplace, plugin.name);
  await step('install remote plugin bundle', async () => {
    const bundle = validRemoteBundle(remotePluginId, plugin.name, plugin.release.version, plugin.release.bundle_download_url);
    const bytes = await downloadBundle(place.fetch, bundle, place.signal);
    await intoCache(place.codexHome, pluginDir, bundle, bytes, marketplace === CURATED);
  });
  try {
    await step('install remote plugin', () => client.setInstalled(remotePluginId, true));
  } catch (error) {
    // The service did not take the install: the cached copy must not stand for an installed plugin.
    await rm(pluginDir, { recursive: true, force: true });
    throw error;
  }
  return { authPolicy: plugin.authentication_policy };
}

/** Uninstalls remote plugin `remotePluginId` for the user and removes its cached copy. */
export async function uninstallRemotePlugin(
  client: RemoteCatalogueClient,
  place: RemoteInstallPlace,
  remotePluginId: string,
): Promise<void> {
  const plugin = await step('resolve remote plugin before uninstall', () => client.detail(remotePluginId));
  await step('uninstall remote plugin', () => client.setInstalled(remotePluginId, false));
  const pluginDir = join(place.codexHome, 'plugins', 'cache', canonicalMarketplace(plugin), plugin.name);
  await rm(pluginDir, { recursive: true, force: true });
}

/** Unpacks the bundle and makes it the plugin's only cached version, marked with its remote id. */
async function intoCache(codexHome: string, pluginDir: string, bundle: RemoteBundle, bytes: Buffer, takeVersion: boolean): Promise<void> {
  const stagingRoot = join(codexHome, STAGING_DIR);
  await mkdir(stagingRoot, { recursive: true });
  const staging = await mkdtemp(join(stagingRoot, 'remote-plugin-bundle-'));
  try {
    const root = join(staging, bundle.version);
    await mkdir(root);
    await unpackInto(bytes, root);
    const manifest = readPluginManifest(root);
    if (manifest !== null && manifest.name !== bundle.pluginName) {
      throw new RemoteBundleError(`plugin.json name \`${manifest.name}\` does not match marketplace plugin name \`${bundle.pluginName}\``);
    }
    if (takeVersion && manifest !== null) await setManifestVersion(manifest.path, bundle.version);
    await writeFile(
      join(staging, INSTALL_MARKER),
      `${JSON.stringify({ schema_version: 1, remote_plugin_id: bundle.remotePluginId }, null, 2)}\n`,
    );
    // Swapped in whole, so a reader never sees a half-unpacked package.
    await rm(pluginDir, { recursive: true, force: true });
    await mkdir(join(pluginDir, '..'), { recursive: true });
    await rename(staging, pluginDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** OpenAI's bundles carry the catalogue's release version in their plugin.json. */
async function setManifestVersion(path: string, version: string): Promise<void> {
  const manifest = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  manifest['version'] = version;
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
}
