import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startBackendPair } from '../../helpers/backend-pair.js';
import type { BackendPair } from '../../helpers/backend-pair.js';
import { chatgptAuthJson } from '../../helpers/chatgpt-auth.js';
import { httpReply, startFakeModelServer } from '../../helpers/fake-model-server.js';
import type { HttpReply } from '../../helpers/fake-model-server.js';
import { pluginBundle } from '../../helpers/plugin-bundle.js';
import { makeTestCa } from '../../helpers/test-ca.js';

/*
 * plugin/share/checkout against ChatGPT's plugin service: the same script against our server and the reference
 * 0.169.0, each with its own $HOME, both signed in with ChatGPT, one fake backend, and the bundles served over HTTPS
 * by a fake signed by a test CA both servers trust (CODEX_CA_CERTIFICATE).
 */

const json = (body: unknown, status = 200): HttpReply => httpReply(status, JSON.stringify(body), { 'content-type': 'application/json' });
const PLUGINS = '/backend-api/ps/plugins';

function sharedPlugin(id: string, name: string, bundleUrl: string | null, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name,
    scope: 'WORKSPACE',
    discoverability: 'UNLISTED',
    share_url: `https://chatgpt.example/plugins/${id}`,
    creator_name: 'Ada',
    installation_policy: 'AVAILABLE',
    authentication_policy: 'ON_USE',
    release: {
      version: '1.2.3',
      display_name: 'Tool',
      description: 'A shared tool',
      interface: { category: 'Developer tools' },
      bundle_download_url: bundleUrl,
    },
    ...overrides,
  };
}

interface Homes {
  readonly ours: string;
  readonly reference: string;
}

/** Sends the request to both servers; the answers must agree once each server's $HOME is named `<home>`. */
async function sameCheckout(pair: BackendPair, homes: Homes, params: unknown): Promise<Record<string, unknown>> {
  const answerOf = async (client: BackendPair['ours'], home: string) => {
    const { id: _id, ...answer } = await client.request('plugin/share/checkout', params);
    return JSON.parse(JSON.stringify(answer).replaceAll(home, '<home>').replaceAll(pair.backend.origin, '<backend>')) as Record<string, unknown>;
  };
  const ours = await answerOf(pair.ours, homes.ours);
  const reference = await answerOf(pair.reference, homes.reference);
  assert.deepEqual(ours, reference, JSON.stringify(params));
  return ours;
}

describe('plugin/share/checkout', () => {
  it('downloads a shared plugin into the personal marketplace as the reference does', async (t) => {
    const ca = await makeTestCa(t);
    const bundles = await startFakeModelServer(t, [], {
      tls: { key: ca.serverKey, cert: ca.serverCert },
      routes: {
        '/bundles/tool.tar.gz': httpReply(200, await pluginBundle(t, 'tool')),
        '/bundles/wrong.tar.gz': httpReply(200, await pluginBundle(t, 'not-wrong')),
        '/bundles/gone.tar.gz': httpReply(500, 'bundle store down'),
      },
    });
    t.after(() => bundles.close());
    const url = (name: string) => `${bundles.origin}/bundles/${name}.tar.gz`;
    const routes: Record<string, HttpReply> = {
      [`${PLUGINS}/installed`]: json({ plugins: [], pagination: {} }),
      [`${PLUGINS}/plug_tool`]: json(sharedPlugin('plug_tool', 'tool', url('tool'))),
      [`${PLUGINS}/plug_private`]: json(sharedPlugin('plug_private', 'other', url('tool'), { discoverability: 'PRIVATE' })),
      [`${PLUGINS}/plug_listed`]: json(sharedPlugin('plug_listed', 'listed', url('tool'), { discoverability: 'LISTED' })),
      [`${PLUGINS}/plug_global`]: json(sharedPlugin('plug_global', 'global', url('tool'), { scope: 'GLOBAL' })),
      [`${PLUGINS}/plug_http`]: json(sharedPlugin('plug_http', 'plain', 'http://127.0.0.1:9/plain.tar.gz')),
      [`${PLUGINS}/plug_nourl`]: json(sharedPlugin('plug_nourl', 'nourl', null)),
      [`${PLUGINS}/plug_wrong`]: json(sharedPlugin('plug_wrong', 'wrong', url('wrong'))),
      [`${PLUGINS}/plug_gone`]: json(sharedPlugin('plug_gone', 'gone', url('gone'))),
    };
    const homeOf = async () => {
      const home = await realpath(await mkdtemp(join(tmpdir(), 'checkout-home-')));
      t.after(() => rm(home, { recursive: true, force: true }));
      return home;
    };
    const homes = { ours: await homeOf(), reference: await homeOf() };
    const pair = await startBackendPair(t, chatgptAuthJson(), routes, '', (server) => ({
      HOME: homes[server],
      CODEX_CA_CERTIFICATE: ca.caPemFile,
    }));

    const done = await sameCheckout(pair, homes, { remotePluginId: 'plug_tool' });
    assert.deepEqual(done['result'], {
      remotePluginId: 'plug_tool',
      pluginId: 'tool@codex-curated',
      pluginName: 'tool',
      pluginPath: '<home>/plugins/tool',
      marketplaceName: 'codex-curated',
      marketplacePath: '<home>/.agents/plugins/marketplace.json',
      remoteVersion: '1.2.3',
    });
    for (const home of [homes.ours, homes.reference]) {
      assert.match(await readFile(join(home, 'plugins/tool/skills/hello/SKILL.md'), 'utf8'), /Hello\./);
    }
    assert.equal(
      await readFile(join(homes.ours, '.agents/plugins/marketplace.json'), 'utf8'),
      await readFile(join(homes.reference, '.agents/plugins/marketplace.json'), 'utf8'),
    );
    const downloads = () => bundles.requests.filter((request) => request.url === '/bundles/tool.tar.gz').length;
    assert.equal(downloads(), 2);
    // Checked out already: listed again, not downloaded again.
    await sameCheckout(pair, homes, { remotePluginId: 'plug_tool' });
    assert.equal(downloads(), 2);

    // A second plugin joins the same marketplace; a directory already in the way is refused.
    await mkdir(join(homes.ours, 'plugins/other'), { recursive: true });
    await mkdir(join(homes.reference, 'plugins/other'), { recursive: true });
    await sameCheckout(pair, homes, { remotePluginId: 'plug_private' });
    for (const id of ['plug_listed', 'plug_global', 'plug_http', 'plug_nourl', 'plug_wrong', 'plug_gone', 'plug_missing', 'bad id', '']) {
      await sameCheckout(pair, homes, { remotePluginId: id });
    }
    assert.equal(
      await readFile(join(homes.ours, '.agents/plugins/marketplace.json'), 'utf8'),
      await readFile(join(homes.reference, '.agents/plugins/marketplace.json'), 'utf8'),
    );
    for (const request of pair.backend.requests.filter((r) => r.url.startsWith(`${PLUGINS}/plug_tool`) && r.headers['originator'] === 'pair-client')) {
      assert.equal(request.url, `${PLUGINS}/plug_tool?includeDownloadUrls=true`);
      assert.equal(request.headers['oai-product-sku'], 'codex');
      assert.equal(request.headers['chatgpt-account-id'], 'acct_123');
    }
  });
});
