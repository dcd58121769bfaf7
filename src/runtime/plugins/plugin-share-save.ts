import { readdir, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { statusLine } from '../../model/errors.js';
import type { PluginShareDiscoverability } from '../../protocol/v2/plugins.js';
import { rememberSharedPluginPath } from './plugin-share-paths.js';
import { RemoteCatalogueError, type RemoteCatalogueClient } from './remote-catalogue-client.js';
import { shareTargetsFor, type ShareTarget } from './share-targets.js';

/*
 * `plugin/share/save` as the reference 0.169.0 does it: the plugin directory packed as `<dir>.tar.gz`, an upload URL
 * asked of ChatGPT's plugin service, the archive PUT there (a storage URL: no ChatGPT credentials), then the share
 * created (or a new release of an existing one) from the uploaded file.
 */

/** The largest archive the service takes. */
const MAX_ARCHIVE_BYTES = 50 * 1024 * 1024;
/** How long the upload may take. */
const UPLOAD_TIMEOUT_MS = 30_000;
/** How the reference names the storage URL in its errors (it does not print the signed URL). */
const UPLOAD_URL_NAME = 'workspace plugin upload URL';

export interface ShareSaveRequest {
  readonly pluginPath: string;
  readonly remotePluginId: string | null;
  readonly discoverability: PluginShareDiscoverability | null;
  readonly shareTargets: readonly ShareTarget[] | null;
}

/** Who uploads: the login's account (an unlisted share is opened to its workspace) and the caller. */
export interface ShareUploader {
  readonly accountId: string | null;
  readonly codexHome: string;
  readonly fetch: typeof fetch;
  readonly originator: string;
  readonly userAgent: string;
}

/** Shares the plugin directory and remembers where it came from; answers the share's id and URL. */
export async function saveShare(
  client: RemoteCatalogueClient,
  uploader: ShareUploader,
  request: ShareSaveRequest,
): Promise<{ remotePluginId: string; shareUrl: string | null }> {
  const archive = await packPlugin(request.pluginPath);
  const upload = await client.uploadUrl({
    filename: `${basename(request.pluginPath)}.tar.gz`,
    mime_type: 'application/gzip',
    size_bytes: archive.length,
    ...(request.remotePluginId === null ? {} : { plugin_id: request.remotePluginId }),
  });
  if (upload.etag === null) throw new RemoteCatalogueError('workspace plugin upload response did not include an etag');
  await putArchive(uploader, upload.upload_url, archive);
  const targets = shareTargetsFor(uploader.accountId, request.discoverability, request.shareTargets);
  const created = await client.finalizeShare(request.remotePluginId, {
    file_id: upload.file_id,
    etag: upload.etag,
    ...(request.discoverability === null ? {} : { discoverability: request.discoverability }),
    ...(targets === null ? {} : { share_targets: targets }),
  });
  if (created.plugin_id === '') {
    throw new RemoteCatalogueError('workspace plugin create response did not include a plugin id');
  }
  // Best effort, as in the reference: the share exists whether or not this is remembered.
  await rememberSharedPluginPath(uploader.codexHome, created.plugin_id, request.pluginPath).catch(() => undefined);
  return { remotePluginId: created.plugin_id, shareUrl: created.share_url };
}

/** The plugin directory as a gzipped tar of its contents, entries relative to it. */
async function packPlugin(pluginPath: string): Promise<Buffer> {
  const isDirectory = await stat(pluginPath).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isDirectory) {
    throw new RemoteCatalogueError(`invalid plugin path \`${pluginPath}\`: expected a plugin directory`, true);
  }
  const entries = (await readdir(pluginPath)).sort();
  const chunks: Buffer[] = [];
  if (entries.length > 0) {
    // tar is loaded here, not at start-up: evaluating it cost every server start several milliseconds.
    const { create: createTar } = await import('tar');
    const stream = createTar({ gzip: true, cwd: pluginPath, portable: true }, entries);
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  }
  const archive = Buffer.concat(chunks);
  if (archive.length > MAX_ARCHIVE_BYTES) {
    throw new RemoteCatalogueError(
      `plugin archive would be ${archive.length} bytes, exceeding the maximum upload size of ${MAX_ARCHIVE_BYTES} bytes`,
      true,
    );
  }
  return archive;
}

/** PUTs the archive to the storage URL the service handed out; 200 or 201 means stored. */
async function putArchive(uploader: ShareUploader, url: string, archive: Buffer): Promise<void> {
  let response: Response;
  try {
    response = await uploader.fetch(url, {
      method: 'PUT',
      headers: {
        originator: uploader.originator,
        'user-agent': uploader.userAgent,
        'x-ms-blob-type': 'BlockBlob',
        'content-type': 'application/gzip',
      },
      body: new Uint8Array(archive),
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
  } catch {
    throw new RemoteCatalogueError(
      `failed to send remote plugin catalog request to ${UPLOAD_URL_NAME}: error sending request for url (${url})`,
    );
  }
  const body = await response.text();
  if (response.status !== 200 && response.status !== 201) {
    throw new RemoteCatalogueError(
      `remote plugin catalog request to ${UPLOAD_URL_NAME} failed with status ${statusLine(response.status)}: ${body}`,
      response.status === 404,
    );
  }
}
