import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { describe, it } from 'node:test';
import { sameBackendAnswer, startBackendPair } from '../../helpers/backend-pair.js';
import type { BackendPair } from '../../helpers/backend-pair.js';
import { chatgptAuthJson } from '../../helpers/chatgpt-auth.js';
import { appTool, fakeAppsMcp } from '../../helpers/fake-apps-mcp.js';
import { httpReply } from '../../helpers/fake-model-server.js';
import type { DynamicReply, HttpReply } from '../../helpers/fake-model-server.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';

/*
 * app/list and app/installed against ChatGPT's app directory (`connectors/directory/list`) and its apps MCP server
 * (`ps/mcp`): the same script against our server and the reference 0.169.0, both signed in with ChatGPT and pointed
 * at one fake backend.
 */

const json = (body: unknown, status = 200): HttpReply => httpReply(status, JSON.stringify(body), { 'content-type': 'application/json' });
const DIRECTORY = '/backend-api/connectors/directory/list';
const FIRST_PAGE = `${DIRECTORY}?external_logos=true`;
const SECOND_PAGE = `${DIRECTORY}?token=t%202&external_logos=true`;
const WORKSPACE = `${DIRECTORY}_workspace?external_logos=true`;
const MCP = '/backend-api/ps/mcp';
const THREAD = '0199a213-81c0-7800-8aa1-bbab2a035a53';

function directoryRoutes(): Record<string, HttpReply | DynamicReply> {
  return {
    [FIRST_PAGE]: json({
      apps: [
        {
          id: 'conn_b',
          name: ' Bee Mail! ',
          description: ' mail ',
          logoUrl: 'https://l/b.png',
          iconAssets: { '256_square': 'https://i/b.png' },
          branding: { category: 'Productivity', isDiscoverableApp: true },
          appMetadata: { categories: ['mail'], review: { status: 'APPROVED' } },
          labels: { tier: 'gold' },
          distributionChannel: 'store',
        },
        { id: 'conn_a', name: 'Alpha' },
        { id: 'conn_c', name: '', description: '  ' },
        { id: 'conn_hidden', name: 'Hidden', visibility: 'HIDDEN' },
        { id: 'connector_2b0a9009c9c64bf9933a3dae3f2b1254', name: 'Not for Codex' },
      ],
      next_token: ' t 2 ',
    }),
    [SECOND_PAGE]: json({
      apps: [
        { id: 'conn_c', name: 'Cee', description: 'cee app', logoUrl: 'https://l/c.png', branding: { developer: 'Cee Inc', isDiscoverableApp: false } },
        { id: 'conn_d', name: 'Dee' },
      ],
      nextToken: '',
    }),
    [WORKSPACE]: json({ apps: [{ id: 'conn_w', name: 'Workspace tool', distributionChannel: 'workspace' }] }),
    [MCP]: fakeAppsMcp([
      appTool('alpha_search', { connector_id: 'conn_a', connector_name: 'Alpha Tools', connector_description: 'searches alpha' }),
      appTool('cee_run', { connector_id: 'conn_c', connectorDescription: 'runs cee' }),
      appTool('cee_stop', { connector_id: 'conn_c', connector_display_name: 'Cee Runtime' }),
      appTool('ghost_call', { connector_id: 'conn_ghost', connector_name: 'Ghost' }),
      appTool('plain', {}),
    ]),
  };
}

/** The `app/list/updated` notifications a client got, the backend's origin named. */
function appListUpdates(pair: BackendPair, client: RpcTestClient): unknown[] {
  return client.received
    .filter((message) => message.method === 'app/list/updated')
    .map((message) => JSON.parse(JSON.stringify(message.params).replaceAll(pair.backend.origin, '<backend>')) as unknown);
}

describe('app/list and app/installed', () => {
  it('join the directory with the apps MCP server as the reference does', async (t) => {
    const routes = directoryRoutes();
    const pair = await startBackendPair(t, chatgptAuthJson('acct_123', 'team'), routes, '[apps.conn_b]\nenabled = false\n');
    const first = await sameBackendAnswer(pair, 'app/list', { limit: 2 });
    assert.deepEqual(
      (first as { result: { data: { id: string }[] } }).result.data.map((app) => app.id),
      ['conn_a', 'conn_c'],
    );
    await sameBackendAnswer(pair, 'app/list', { cursor: '2', limit: 0 });
    await sameBackendAnswer(pair, 'app/list', {});
    await sameBackendAnswer(pair, 'app/list', { cursor: '5' });
    await sameBackendAnswer(pair, 'app/list', { cursor: 'x' });
    await sameBackendAnswer(pair, 'app/list', { cursor: '9' });
    await sameBackendAnswer(pair, 'app/list', { threadId: 'nope' });
    await sameBackendAnswer(pair, 'app/list', { threadId: THREAD });
    await sameBackendAnswer(pair, 'app/installed', {});
    await sameBackendAnswer(pair, 'app/installed', { threadId: THREAD });
    await sameBackendAnswer(pair, 'app/installed', { forceRefresh: true });

    // Listed afresh once; later listings come from what was fetched, until a refetch.
    const directoryReads = () => pair.backend.requests.filter((request) => request.url === FIRST_PAGE && request.headers['originator'] === 'pair-client');
    assert.equal(directoryReads().length, 1);
    await sameBackendAnswer(pair, 'app/list', { forceRefetch: true });
    assert.equal(directoryReads().length, 2);
    // The reference may also announce a background refresh of its own (the apps MCP server's accessible apps
    // alone), before, between or after the fresh loads' announcements: those agree with ours, in order.
    const ours = appListUpdates(pair, pair.ours);
    const theirs = appListUpdates(pair, pair.reference);
    assert.equal(ours.length, 2);
    const firstLoad = theirs.findIndex((update) => isDeepStrictEqual(update, ours[0]));
    const secondLoad = theirs.findLastIndex((update) => isDeepStrictEqual(update, ours[1]));
    assert.ok(firstLoad >= 0 && secondLoad > firstLoad, JSON.stringify({ ours, theirs }, null, 1));

    for (const request of directoryReads()) {
      assert.equal(request.method, 'GET');
      assert.equal(request.headers['oai-product-sku'], 'codex');
      assert.equal(request.headers['chatgpt-account-id'], 'acct_123');
      assert.equal(request.headers['content-type'], 'application/json');
    }
    const ourUrls = pair.backend.requests.filter((request) => request.headers['originator'] === 'pair-client').map((request) => request.url);
    assert.ok(ourUrls.includes(SECOND_PAGE) && ourUrls.includes(WORKSPACE), ourUrls.join(' '));
    const mcpCalls = pair.backend.requests.filter((request) => request.url === MCP);
    assert.ok(mcpCalls.some((request) => (request.body as { method?: string } | undefined)?.method === 'tools/list'));
    assert.ok(mcpCalls.every((request) => request.headers['x-openai-product-sku'] === 'codex'));
  });

  it("report the directory's failures, list without the apps MCP server, and list nothing without ChatGPT", async (t) => {
    const routes = directoryRoutes();
    routes[FIRST_PAGE] = httpReply(500, 'directory down');
    delete routes[MCP];
    const failing = await startBackendPair(t, chatgptAuthJson(), routes);
    await sameBackendAnswer(failing, 'app/list', {});
    routes[FIRST_PAGE] = json({ apps: 'none' });
    await sameBackendAnswer(failing, 'app/list', {});
    // The apps MCP server answers 404: the directory's apps are listed, none of them accessible.
    routes[FIRST_PAGE] = json({ apps: [{ id: 'conn_a', name: 'Alpha' }] });
    await sameBackendAnswer(failing, 'app/list', {});
    await sameBackendAnswer(failing, 'app/installed', {});
    await sameBackendAnswer(failing, 'app/installed', { forceRefresh: true });

    const apiKey = await startBackendPair(t, { auth_mode: 'apikey', OPENAI_API_KEY: 'sk-test' }, directoryRoutes());
    await sameBackendAnswer(apiKey, 'app/list', { cursor: 'x' });
    await sameBackendAnswer(apiKey, 'app/installed', {});
    await sameBackendAnswer(apiKey, 'app/list', { threadId: THREAD });
    assert.equal(apiKey.backend.requests.filter((request) => request.url.startsWith(DIRECTORY) || request.url === MCP).length, 0);
  });
});
