import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sameBackendAnswer, startBackendPair } from '../../helpers/backend-pair.js';
import type { BackendPair } from '../../helpers/backend-pair.js';
import { chatgptAuthJson } from '../../helpers/chatgpt-auth.js';
import { httpReply } from '../../helpers/fake-model-server.js';
import type { HttpReply, RecordedRequest } from '../../helpers/fake-model-server.js';

/*
 * plugin/share/list, plugin/share/updateTargets and plugin/share/delete against ChatGPT's plugin service: the same
 * script against our server and the reference 0.169.0, both signed in with ChatGPT and pointed at one fake backend.
 */

const json = (body: unknown, status = 200): HttpReply => httpReply(status, JSON.stringify(body), { 'content-type': 'application/json' });
const PS = '/backend-api/ps/plugins';
const WORKSPACE = '/backend-api/public/plugins/workspace';
const SHARE_PATHS = '.tmp/plugin-share-local-paths-v1.json';

function created(id: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name,
    scope: 'WORKSPACE',
    discoverability: 'PRIVATE',
    creator_account_user_id: 'user_9',
    creator_name: 'Me',
    share_url: `https://chatgpt.example/p/${id}`,
    share_principals: [{ principal_type: 'user', principal_id: 'user_9', role: 'owner', name: 'Me' }],
    installation_policy: 'AVAILABLE',
    authentication_policy: 'ON_INSTALL',
    release: { version: '0.3.0', display_name: name, description: 'made by me', interface: {} },
    ...extra,
  };
}
const page = (plugins: unknown[]) => ({ plugins, pagination: { next_page_token: null } });

/** The requests one side sent the backend for method calls (the reference's background sync left out). */
function sentBy(pair: BackendPair, agent: 'pair-client' | 'reference-reader'): Array<Pick<RecordedRequest, 'method' | 'url' | 'body'>> {
  return pair.backend.requests
    .filter((request) => String(request.headers['user-agent']).startsWith(`${agent}/`))
    .filter((request) => !request.url.startsWith(`${PS}/installed?limit`) && !request.url.includes('/wham/'))
    .map(({ method, url, body }) => ({ method, url, body }));
}

/** Writes the same share-path mapping into both servers' homes. */
async function rememberShares(pair: BackendPair, mapping: Record<string, string>): Promise<void> {
  for (const home of [pair.oursHome, pair.referenceHome]) {
    await mkdir(join(home, '.tmp'), { recursive: true });
    await writeFile(join(home, SHARE_PATHS), JSON.stringify({ localPluginPathsByRemotePluginId: mapping }));
  }
}

describe('plugin sharing with a ChatGPT login', () => {
  it('lists, retargets and deletes shares as the reference does', async (t) => {
    const routes: Record<string, HttpReply> = {
      [`${PS}/workspace/created?limit=200`]: json(page([created('plugins~c1', 'made-one'), created('plugins~c2', 'made-two', { discoverability: 'UNLISTED' })])),
      [`${PS}/installed?scope=WORKSPACE&limit=200`]: json(page([{ ...created('plugins~c2', 'made-two', { discoverability: 'UNLISTED' }), enabled: true }])),
      [`${PS}/plugins~c1/shares`]: json({
        principals: [
          { principal_type: 'user', principal_id: 'user_9', role: 'owner', name: 'Me' },
          { principal_type: 'group', principal_id: 'g1', role: 'editor', name: 'Team' },
        ],
        discoverability: 'UNLISTED',
      }),
      [`${WORKSPACE}/plugins~c1`]: httpReply(204),
      [`${WORKSPACE}/plugins~c2`]: json({}),
    };
    const pair = await startBackendPair(t, chatgptAuthJson('acct_77'), routes);
    await rememberShares(pair, { 'plugins~c1': '/work/made-one', 'plugins~c9': '/work/other' });

    await sameBackendAnswer(pair, 'plugin/share/list', {});
    const retarget = { remotePluginId: 'plugins~c1', shareTargets: [{ principalType: 'group', principalId: 'g1', role: 'editor' }] };
    await sameBackendAnswer(pair, 'plugin/share/updateTargets', { ...retarget, discoverability: 'UNLISTED' });
    await sameBackendAnswer(pair, 'plugin/share/updateTargets', { ...retarget, discoverability: 'PRIVATE' });
    await sameBackendAnswer(pair, 'plugin/share/updateTargets', {
      ...retarget,
      discoverability: 'UNLISTED',
      shareTargets: [{ principalType: 'workspace', principalId: 'acct_77', role: 'reader' }],
    });
    await sameBackendAnswer(pair, 'plugin/share/updateTargets', { ...retarget, remotePluginId: 'bad id', discoverability: 'PRIVATE' });
    await sameBackendAnswer(pair, 'plugin/share/updateTargets', { ...retarget, remotePluginId: 'plugins~none', discoverability: 'PRIVATE' });

    await sameBackendAnswer(pair, 'plugin/share/delete', { remotePluginId: 'plugins~c1' });
    // Only 204 means deleted.
    await sameBackendAnswer(pair, 'plugin/share/delete', { remotePluginId: 'plugins~c2' });
    await sameBackendAnswer(pair, 'plugin/share/delete', { remotePluginId: 'plugins~c3' });
    await sameBackendAnswer(pair, 'plugin/share/delete', { remotePluginId: '' });
    assert.deepEqual(
      JSON.parse(await readFile(join(pair.oursHome, SHARE_PATHS), 'utf8')),
      JSON.parse(await readFile(join(pair.referenceHome, SHARE_PATHS), 'utf8')),
    );
    assert.deepEqual(sentBy(pair, 'pair-client'), sentBy(pair, 'reference-reader'));

    routes[`${PS}/workspace/created?limit=200`] = json(page([created('plugins~c1', 'made-one', { share_principals: null })]));
    await sameBackendAnswer(pair, 'plugin/share/list', {});
    routes[`${PS}/workspace/created?limit=200`] = json(page([]));
    await sameBackendAnswer(pair, 'plugin/share/list', {});
  });

  it('reports an unreachable plugin service', async (t) => {
    const pair = await startBackendPair(t, chatgptAuthJson(), {});
    await pair.backend.close();
    await sameBackendAnswer(pair, 'plugin/share/list', {});
    await sameBackendAnswer(pair, 'plugin/share/delete', { remotePluginId: 'plugins~c1' });
    await sameBackendAnswer(pair, 'plugin/share/updateTargets', {
      remotePluginId: 'plugins~c1',
      discoverability: 'PRIVATE',
      shareTargets: [],
    });
  });
});
