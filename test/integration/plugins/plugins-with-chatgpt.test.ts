import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chatgptAuthJson, startAccountRig } from '../../helpers/chatgpt-auth.js';

/**
 * With a ChatGPT login the reference goes to ChatGPT's plugin and app backends; where this server does not call
 * them yet (checking out shares, remote installs, app lists), it says so plainly instead of answering as if there were nothing there.
 */
describe('share checkouts, remote installs and app lists with a ChatGPT login', () => {
  it('answer -32601 not supported yet, while local marketplaces still answer', async (t) => {
    const rig = await startAccountRig(t);
    await writeFile(join(rig.server.codexHome, 'auth.json'), JSON.stringify(chatgptAuthJson()));
    const requests: Array<[string, unknown]> = [
      ['plugin/share/checkout', { remotePluginId: 'r' }],
      ['plugin/install', { remoteMarketplaceName: 'm', pluginName: 'p' }],
      ['plugin/uninstall', { pluginId: 'plugins~p' }],
      ['app/list', {}],
      ['app/installed', {}],
    ];
    for (const [method, params] of requests) {
      assert.deepEqual((await rig.client.request(method, params))['error'], {
        code: -32601,
        message: `${method} is not supported yet`,
      });
    }
    assert.deepEqual((await rig.client.request('plugin/list', { marketplaceKinds: ['local'] }))['result'], {
      marketplaces: [],
      marketplaceLoadErrors: [],
      featuredPluginIds: [],
    });
  });
});
