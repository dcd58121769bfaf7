import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { statusLine } from '../../model/errors.js';
import { readPluginManifest } from './plugin-manifest.js';

/*
 * A remote plugin's release bundle: a .tar.gz whose root is the plugin (its `.codex-plugin/plugin.json` at the top),
 * downloaded from the URL the plugin service gives with `includeDownloadUrls=true`. Checked, fetched and unpacked
 * with the reference 0.169.0's rules and wording: only https URLs, at most 50 MiB, a root plugin.json.
 */

const DOWNLOAD_TIMEOUT_MS = 60_000;
const MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;
/** How much of a refused download's body the error quotes. */
const ERROR_BODY_MAX_BYTES = 8 * 1024;

/** A bundle that cannot be used or fetched, worded as the reference words it. */
export class RemoteBundleError extends Error {}

/** A release that can be downloaded: its version and https URL. */
export interface RemoteBundle {
  readonly remotePluginId: string;
  readonly pluginName: string;
  readonly version: string;
  readonly url: string;
}

/** The release's version and download URL, checked before anything is fetched. */
export function validRemoteBundle(
  remotePluginId: string,
  pluginName: string,
  version: string | null,
  downloadUrl: string | null,
): RemoteBundle {
  const trimmedVersion = version?.trim() ?? '';
  if (trimmedVersion === '') {
    throw new RemoteBundleError(`backend did not return a release version for remote plugin \`${remotePluginId}\``);
  }
  if (!/^[A-Za-z0-9._+-]+$/.test(trimmedVersion) || trimmedVersion === '.' || trimmedVersion === '..') {
    throw new RemoteBundleError(
      `backend returned an invalid release version for remote plugin \`${remotePluginId}\`: invalid plugin version: only ASCII letters, digits, \`.\`, \`+\`, \`_\`, and \`-\` are allowed`,
    );
  }
  const url = downloadUrl?.trim() ?? '';
  if (url === '') throw new RemoteBundleError(`backend did not return a download URL for remote plugin \`${remotePluginId}\``);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RemoteBundleError(`backend returned an invalid download URL for remote plugin \`${remotePluginId}\`: ${url}`);
  }
  // Released builds of the reference download bundles over https only.
  if (parsed.protocol !== 'https:') {
    throw new RemoteBundleError(
      `backend returned an unsupported download URL scheme for remote plugin \`${remotePluginId}\`: ${parsed.protocol.slice(0, -1)}`,
    );
  }
  return { remotePluginId, pluginName, version: trimmedVersion, url };
}

/** Downloads the bundle (no ChatGPT credentials: the URL carries its own authorization). */
export async function downloadBundle(fetchImpl: typeof fetch, bundle: RemoteBundle, signal?: AbortSignal): Promise<Buffer> {
  const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetchImpl(bundle.url, { signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]) });
  } catch {
    throw new RemoteBundleError(
      `failed to send remote plugin bundle download request to ${bundle.url}: error sending request for url (${bundle.url})`,
    );
  }
  if (response.url !== '' && !response.url.startsWith('https:')) {
    throw new RemoteBundleError(`remote plugin bundle download from ${bundle.url} redirected to unsupported URL ${response.url}`);
  }
  // Download URLs are signed: once the download answered, errors name only its host [observed].
  const host = new URL(response.url === '' ? bundle.url : response.url).hostname;
  if (!response.ok) {
    const body = Buffer.from(await response.arrayBuffer());
    const quoted =
      body.length > ERROR_BODY_MAX_BYTES
        ? `${body.subarray(0, ERROR_BODY_MAX_BYTES).toString('utf8')}\n[response body truncated after ${ERROR_BODY_MAX_BYTES} bytes]`
        : body.toString('utf8');
    throw new RemoteBundleError(
      `remote plugin bundle download from ${host} failed with status ${statusLine(response.status)}: ${quoted}`,
    );
  }
  const tooLarge = () =>
    new RemoteBundleError(`remote plugin bundle download from ${host} exceeded maximum size of ${MAX_DOWNLOAD_BYTES} bytes`);
  if (Number(response.headers.get('content-length') ?? 0) > MAX_DOWNLOAD_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > MAX_DOWNLOAD_BYTES) throw tooLarge();
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/**
 * Unpacks `bytes` into a new directory `destination` (which must not exist): staged beside it, its plugin.json
 * checked to name `pluginName`, then moved into place.
 */
export async function unpackBundle(bytes: Buffer, pluginName: string, destination: string): Promise<void> {
  const parent = dirname(destination);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(join(parent, '.remote-plugin-checkout-'));
  try {
    await unpackInto(bytes, staging, pluginName);
    await rename(staging, destination);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Unpacks `bytes` into the empty directory `root` and checks its plugin.json names `pluginName`. */
export async function unpackInto(bytes: Buffer, root: string, pluginName?: string): Promise<void> {
  const archiveDir = await mkdtemp(join(tmpdir(), 'remote-plugin-bundle-'));
  try {
    const archive = join(archiveDir, 'bundle.tar.gz');
    await writeFile(archive, bytes);
    try {
      // Entries reaching outside `root` (absolute or `..` paths) are left out by tar itself.
      // tar is loaded on first use: start-up does not pay for a library only bundle installs need.
      const { extract: extractTar } = await import('tar');
      await extractTar({ file: archive, cwd: root, strict: true });
    } catch (error) {
      throw new RemoteBundleError(`failed to read plugin bundle tar: ${(error as Error).message}`);
    }
  } finally {
    await rm(archiveDir, { recursive: true, force: true });
  }
  const manifest = readPluginManifest(root);
  if (manifest === null) {
    throw new RemoteBundleError('remote plugin bundle did not contain a standard plugin root with plugin.json');
  }
  if (pluginName !== undefined && manifest.name !== pluginName) {
    throw new RemoteBundleError(`plugin.json name \`${manifest.name}\` does not match remote plugin name \`${pluginName}\``);
  }
}
