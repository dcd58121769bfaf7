import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { startBackendPair } from '../../helpers/backend-pair.js';
import type { BackendPair } from '../../helpers/backend-pair.js';
import { chatgptAuthJson } from '../../helpers/chatgpt-auth.js';
import { httpReply, startFakeModelServer } from '../../helpers/fake-model-server.js';
import type { HttpReply } from '../../helpers/fake-model-server.js';
import { pluginBundle } from '../../helpers/plugin-bundle.js';
import { makeTestCa } from '../../helpers/test-ca.js';

/*
 * plugin/install of a remote plugin ({remoteMarketplaceName, pluginName: <remote id>}) and plugin/uninstall of a
 * remote plugin id, against ChatGPT's plugin service: the same script against our server and the reference 0.169.0,
 * both signed in with ChatGPT, one fake backend, bundles served over HTTPS by a fake signed by a test CA both trust.
 */

const json = (body: unknown, status = 200): HttpReply => httpReply(status, JSON.stringify(body), { 'content-type': 'application/json' });
const PLUGINS = '/backend-api/ps/plugins';

function remotePlugin(id: string, name: string, bundleUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name,
    scope: 'WORKSPACE',
    discoverability: 'UNLISTED',
    installation_policy: 'AVAILABLE',
    authentication_policy: 'ON_USE',
    release: { version: '1.2.3', display_name: name, description: 'remote', interface: {}, bundle_download_url: bundleUrl },
    ...overrides,
  };
}

/** Every file under `$CODEX_HOME/plugins` (the plugin cache), with its contents. */
async function pluginFiles(home: string): Promise<Record<string, string>> {
  const root = join(home, 'plugins');
  const files: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])) {
    const path = join(entry.parentPath, entry.name);
    files[relative(root, path)] = entry.isFile() ? await readFile(path, 'utf8') : '<dir>';
  }
  return files;
}

async function sameAnswer(pair: BackendPair, method: string, params: unknown): Promise<unknown> {
  const answerOf = async (client: BackendPair['ours']) => {
    const { id: _id, ...answer } = await client.request(method, params);
    return JSON.parse(JSON.stringify(answer).replaceAll(pair.backend.origin, '<backend>')) as unknown;
  };
  const ours = await answerOf(pair.ours);
  assert.deepEqual(ours, await answerOf(pair.reference), `${method} ${JSON.stringify(params)}`);
  return ours;
}

describe('remote plugin/install and plugin/uninstall', () => {
  it('install a remote bundle into the plugin cache and uninstall it as the reference does', async (t) => {
    const ca = await makeTestCa(t);
    const bundles = await startFakeModelServer(t, [], {
      tls: { key: ca.serverKey, cert: ca.serverCert },
      routes: {
        '/bundles/tool.tar.gz': httpReply(200, await pluginBundle(t, 'tool', '0.0.1')),
        '/bundles/curated.tar.gz': httpReply(200, await pluginBundle(t, 'curated', '0.0.1')),
        '/bundles/mismatch.tar.gz': httpReply(200, await pluginBundle(t, 'someone-else')),
      },
    });
    t.after(() => bundles.close());
    const url = (name: string) => `${bundles.origin}/bundles/${name}.tar.gz`;
    const routes: Record<string, HttpReply> = {
      [`${PLUGINS}/installed`]: json({ plugins: [], pagination: {} }),
      [`${PLUGINS}/plug_tool`]: json(remotePlugin('plug_tool', 'tool', url('tool'))),
      [`${PLUGINS}/plug_tool/install`]: json({ id: 'plug_tool', enabled: true }),
      [`${PLUGINS}/plug_tool/uninstall`]: json({ id: 'plug_tool', enabled: false }),
      [`${PLUGINS}/plug_curated`]: json(remotePlugin('plug_curated', 'curated', url('curated'), { scope: 'GLOBAL', discoverability: null })),
      [`${PLUGINS}/plug_curated/install`]: json({ id: 'plug_curated', enabled: true }),
      [`${PLUGINS}/plug_mismatch`]: json(remotePlugin('plug_mismatch', 'mismatch', url('mismatch'))),
      [`${PLUGINS}/plug_refused`]: json(remotePlugin('plug_refused', 'refused', url('tool'))),
      [`${PLUGINS}/plug_refused/install`]: httpReply(500, 'install refused'),
      [`${PLUGINS}/plug_http`]: json(remotePlugin('plug_http', 'plain', 'http://127.0.0.1:9/plain.tar.gz')),
    };
    const pair = await startBackendPair(t, chatgptAuthJson(), routes, '', () => ({ CODEX_CA_CERTIFICATE: ca.caPemFile }));

    await sameAnswer(pair, 'plugin/install', { remoteMarketplaceName: 'workspace-shared-with-me', pluginName: 'plug_tool' });
    // The marketplace named is not checked: the plugin's own decides where it goes.
    await sameAnswer(pair, 'plugin/install', { remoteMarketplaceName: 'anything', pluginName: 'plug_curated' });
    const installed = await pluginFiles(pair.oursHome);
    assert.deepEqual(installed, await pluginFiles(pair.referenceHome));
    assert.equal(installed['cache/workspace-shared-with-me/tool/1.2.3/skills/hello/SKILL.md']?.includes('Hello.'), true);
    assert.equal(JSON.parse(installed['cache/openai-curated-remote/curated/1.2.3/.codex-plugin/plugin.json'] ?? '{}').version, '1.2.3');
    const installs = pair.backend.requests.filter((request) => request.url.startsWith(`${PLUGINS}/plug_tool/install`) && request.headers['originator'] === 'pair-client');
    assert.deepEqual(installs.map((request) => [request.method, request.url]), [['POST', `${PLUGINS}/plug_tool/install?includeAppsNeedingAuth=true`]]);

    await sameAnswer(pair, 'plugin/uninstall', { pluginId: 'plug_tool' });
    const uninstalled = await pluginFiles(pair.oursHome);
    assert.deepEqual(uninstalled, await pluginFiles(pair.referenceHome));
    assert.equal(Object.keys(uninstalled).some((path) => path.startsWith('cache/workspace-shared-with-me/tool')), false);

    for (const pluginName of ['plug_mismatch', 'plug_refused', 'plug_http', 'plug_missing', 'bad id']) {
      await sameAnswer(pair, 'plugin/install', { remoteMarketplaceName: 'workspace-shared-with-me', pluginName });
    }
    for (const pluginId of ['plug_missing', 'plug_curated', 'bad id']) {
      await sameAnswer(pair, 'plugin/uninstall', { pluginId });
    }
    assert.deepEqual(await pluginFiles(pair.oursHome), await pluginFiles(pair.referenceHome));
  });
});
