import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { callOutput, namespacedCallReply, startHttpFixture } from '../../helpers/mcp-fixture.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

describe('streamable HTTP MCP servers', () => {
  it('connects with the bearer token from the environment, lists and calls its tools', async (t) => {
    const url = await startHttpFixture(t, { FIXTURE_REQUIRE_BEARER: 'sekret' });
    const rig = await startThreadRig(t, {
      configExtra: [
        '[mcp_servers.web]',
        `url = ${JSON.stringify(url)}`,
        'bearer_token_env_var = "WEB_MCP_TOKEN"',
        'http_headers = { "X-Fixture" = "1" }',
        '',
        '[mcp_servers.locked]',
        `url = ${JSON.stringify(url)}`,
        '',
      ].join('\n'),
      env: { WEB_MCP_TOKEN: 'sekret' },
      replies: [
        namespacedCallReply('mcp__web', 'read_echo', 'call_web', { text: 'over http' }),
        sseReply(textTurnFrames(['done'], { itemId: 'msg_end', responseId: 'resp_end' })),
      ],
    });
    const listed = await rig.client.call('mcpServerStatus/list', {});
    const [locked, web] = listed.data;
    assert.equal(web?.name, 'web');
    assert.equal(web?.authStatus, 'bearerToken');
    assert.equal(web?.httpOrigin, new URL(url).origin);
    assert.equal(web?.toolsError, null);
    assert.ok('echo' in (web?.tools as Record<string, unknown>));
    // Without the token the server refuses: reported, never fatal. It advertises no OAuth (its metadata is refused
    // too), which the reference reports as `unsupported` (mcp-auth-status.test.ts pins that beside it).
    assert.equal(locked?.authStatus, 'unsupported');
    assert.match(String(locked?.toolsError), /^MCP startup failed: /);

    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    const completed = await turnCompleted(rig.client, turnId);
    assert.equal(completed.turn.status, 'completed');
    const [, second] = await rig.fake.waitForRequests(2);
    assert.deepEqual((callOutput(second?.body, 'call_web') as unknown[])[1], { type: 'input_text', text: 'echo: over http' });
  });
});
