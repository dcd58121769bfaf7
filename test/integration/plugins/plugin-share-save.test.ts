import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { sameBackendAnswer, startBackendPair } from '../../helpers/backend-pair.js';
import type { BackendPair } from '../../helpers/backend-pair.js';
import { chatgptAuthJson } from '../../helpers/chatgpt-auth.js';
import { httpReply } from '../../helpers/fake-model-server.js';
import type { HttpReply, RecordedRequest } from '../../helpers/fake-model-server.js';
import { leftBehind } from '../../helpers/temp-home.js';

/*
 * plugin/share/save against ChatGPT's plugin service and a fake storage URL: the same script against our server
 * and the reference 0.169.0, both signed in with ChatGPT and pointed at one fake backend.
 */

const json = (body: unknown, status = 200): HttpReply => httpReply(status, JSON.stringify(body), { 'content-type': 'application/json' });
const WORKSPACE = '/backend-api/public/plugins/workspace';
const SHARE_PATHS = '.tmp/plugin-share-local-paths-v1.json';

/** What one side sent for method calls, the archive's size and bytes left out (each side packs its own). */
function sentBy(pair: BackendPair, agent: 'pair-client' | 'reference-reader'): unknown[] {
  return pair.backend.requests
    .filter((request) => String(request.headers['user-agent']).startsWith(`${agent}/`))
    .filter((request) => request.url.startsWith(WORKSPACE) || request.url.startsWith('/blob/'))
    .map((request: RecordedRequest) => {
      const body = request.body as Record<string, unknown> | undefined;
      const { size_bytes: _size, ...rest } = body ?? {};
      return {
        method: request.method,
        url: request.url,
        body: body === undefined ? null : rest,
        blob: request.headers['x-ms-blob-type'] ?? null,
        type: request.headers['content-type'] ?? null,
        account: request.headers['chatgpt-account-id'] ?? null,
        authorized: request.headers.authorization !== undefined,
      };
    });
}

/** The member names of a gzipped tar. */
function tarNames(archive: Buffer): string[] {
  const tar = gunzipSync(archive);
  const names: string[] = [];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    names.push((prefix === '' ? '' : `${prefix}/`) + field(0, 100).replace(/\/$/, ''));
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return names.sort();
}

describe('plugin/share/save with a ChatGPT login', () => {
  it('packs, uploads and shares a plugin as the reference does', async (t) => {
    const work = await mkdtemp(join(tmpdir(), 'share-save-'));
    t.after(() => rm(work, { recursive: true, force: true }).catch(leftBehind));
    const plugin = join(work, 'my-plugin');
    await mkdir(join(plugin, '.codex-plugin'), { recursive: true });
    await mkdir(join(plugin, 'skills', 'hello'), { recursive: true });
    await writeFile(join(plugin, '.codex-plugin', 'plugin.json'), '{"name":"my-plugin","version":"0.1.0"}');
    await writeFile(join(plugin, 'skills', 'hello', 'SKILL.md'), '---\nname: hello\ndescription: hi\n---\n');
    await writeFile(join(work, 'a-file'), 'not a directory');

    const routes: Record<string, HttpReply> = {};
    const pair = await startBackendPair(t, chatgptAuthJson('acct_5'), routes);
    const uploadAnswer = { file_id: 'file_1', upload_url: `${pair.backend.origin}/blob/up?sig=abc`, etag: '"e1"' };
    routes[`${WORKSPACE}/upload-url`] = json(uploadAnswer);
    routes['/blob/up'] = httpReply(201, '');
    routes[WORKSPACE] = json({ plugin_id: 'plugins~new', share_url: 'https://chatgpt.example/p/new' });
    routes[`${WORKSPACE}/plugins~old`] = json({ plugin_id: 'plugins~old' });

    await sameBackendAnswer(pair, 'plugin/share/save', { pluginPath: plugin });
    await sameBackendAnswer(pair, 'plugin/share/save', { pluginPath: plugin, remotePluginId: 'plugins~old' });
    await sameBackendAnswer(pair, 'plugin/share/save', {
      pluginPath: plugin,
      discoverability: 'UNLISTED',
      shareTargets: [{ principalType: 'user', principalId: 'u2', role: 'editor' }],
    });
    await sameBackendAnswer(pair, 'plugin/share/save', { pluginPath: plugin, discoverability: 'PRIVATE', shareTargets: [] });
    assert.deepEqual(sentBy(pair, 'pair-client'), sentBy(pair, 'reference-reader'));

    const ourUpload = pair.backend.requests.find(
      (request) => request.url.startsWith('/blob/') && String(request.headers['user-agent']).startsWith('pair-client/'),
    );
    assert.deepEqual(tarNames(ourUpload?.bodyBytes ?? Buffer.alloc(0)), [
      '.codex-plugin',
      '.codex-plugin/plugin.json',
      'skills',
      'skills/hello',
      'skills/hello/SKILL.md',
    ]);
    assert.deepEqual(
      JSON.parse(await readFile(join(pair.oursHome, SHARE_PATHS), 'utf8')),
      JSON.parse(await readFile(join(pair.referenceHome, SHARE_PATHS), 'utf8')),
    );

    // Refused before anything is sent.
    await sameBackendAnswer(pair, 'plugin/share/save', { pluginPath: join(work, 'missing') });
    await sameBackendAnswer(pair, 'plugin/share/save', { pluginPath: join(work, 'a-file') });
    await sameBackendAnswer(pair, 'plugin/share/save', { pluginPath: plugin, discoverability: 'LISTED' });
    await sameBackendAnswer(pair, 'plugin/share/save', { pluginPath: plugin, remotePluginId: 'plugins~old', discoverability: 'PRIVATE' });
    await sameBackendAnswer(pair, 'plugin/share/save', { pluginPath: plugin, remotePluginId: 'bad id' });
    await sameBackendAnswer(pair, 'plugin/share/save', {
      pluginPath: plugin,
      shareTargets: [{ principalType: 'workspace', principalId: 'acct_5', role: 'reader' }],
    });

    // The service's and the storage's failures.
    routes['/blob/up'] = httpReply(500, 'storage down');
    await sameBackendAnswer(pair, 'plugin/share/save', { pluginPath: plugin });
    routes[`${WORKSPACE}/upload-url`] = json({ ...uploadAnswer, etag: null });
    await sameBackendAnswer(pair, 'plugin/share/save', { pluginPath: plugin });
    routes[`${WORKSPACE}/upload-url`] = json({ detail: 'nope' }, 404);
    await sameBackendAnswer(pair, 'plugin/share/save', { pluginPath: plugin });
  });
});
