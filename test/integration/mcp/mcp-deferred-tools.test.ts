import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { stdioServerToml, toolSearchCallReply } from '../../helpers/mcp-fixture.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

/*
 * Observed from the reference 0.169.0 with gpt-5.5: `tool_search` is offered even with no MCP server configured
 * (between update_goal and web_search), and a search matching nothing answers an empty list; the namespaces of
 * started MCP servers are named in a `<tools>` part closing the opening developer message, beside the sub-agent
 * namespace (deferred for gpt-5.5 too).
 */

const done = () => sseReply(textTurnFrames(['done'], { itemId: 'msg_end', responseId: 'resp_end' }));

interface RequestBody {
  tools: { type: string; name?: string }[];
  input: { type: string; role?: string; content?: { text?: string }[]; [key: string]: unknown }[];
}

function developerParts(body: RequestBody): string[] {
  const developer = body.input.filter((item) => item.role === 'developer')[1];
  return (developer?.content ?? []).map((part) => part.text ?? '');
}

async function fxReady(client: RpcTestClient): Promise<void> {
  await client.notification('mcpServer/startupStatus/updated', (params) => params.status === 'ready');
}

describe('deferred tools and tool_search', () => {
  it('offers gpt-5.5 tool_search without MCP servers, and a search matching nothing finds nothing', async (t) => {
    const rig = await startThreadRig(t, { replies: [toolSearchCallReply('xylophone'), done()] });
    const threadId = await startThread(rig.client, { model: 'gpt-5.5' });
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'go'));
    const [first, second] = await rig.fake.waitForRequests(2);
    const body = first?.body as RequestBody;
    const names = body.tools.map((tool) => tool.name ?? tool.type);
    assert.deepEqual(names.slice(-3), ['update_goal', 'tool_search', 'web_search']);
    const toolsPart = developerParts(body).find((part) => part.startsWith('<tools>'));
    assert.match(toolsPart ?? '', /^<tools>\nDeferred tool namespaces:\n- multi_agent_v1: [^\n]+\n<\/tools>$/, 'only the sub-agents');
    const output = (second?.body as RequestBody).input.at(-1);
    assert.deepEqual(
      { ...output, id: undefined },
      { type: 'tool_search_output', id: undefined, call_id: 'call_ts', status: 'completed', execution: 'client', tools: [] },
    );
  });

  it('names the started servers\' namespaces in a <tools> part for gpt-5.5, and not for a model that sees them', async (t) => {
    const rig = await startThreadRig(t, { configExtra: stdioServerToml('fx'), replies: [done(), done()] });
    const searching = await startThread(rig.client, { model: 'gpt-5.5' });
    await fxReady(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, searching, 'go'));
    const [first] = await rig.fake.waitForRequests(1);
    const parts = developerParts(first?.body as RequestBody);
    assert.match(parts[0] ?? '', /^<skills_instructions>|^<permissions instructions>/);
    assert.match(parts.at(-1) ?? '', /^<tools>\nDeferred tool namespaces:\n- mcp__fx\n- multi_agent_v1: [^\n]+\n<\/tools>$/);

    const direct = await startThread(rig.client, { model: 'mock-model' });
    await rig.client.waitFor(
      (m) =>
        m.method === 'mcpServer/startupStatus/updated' &&
        (m.params as { threadId: string; status: string }).threadId === direct &&
        (m.params as { status: string }).status === 'ready',
      'fx ready for the second thread',
    );
    await turnCompleted(rig.client, await startTextTurn(rig.client, direct, 'go'));
    const [, second] = await rig.fake.waitForRequests(2);
    const body = second?.body as RequestBody;
    assert.ok(!developerParts(body).some((part) => part.startsWith('<tools>')));
    assert.ok(body.tools.some((tool) => tool.name === 'mcp__fx'));
    assert.ok(!body.tools.some((tool) => tool.type === 'tool_search'));
  });
});

describe('MCP event subscriptions', () => {
  it('refuses to start one (hosted apps only) and stops one as a no-op, as the reference does', async (t) => {
    const rig = await startThreadRig(t, { configExtra: stdioServerToml('fx') });
    const threadId = await startThread(rig.client);
    const start = await rig.client.request('mcpServer/event/stream/start', {
      threadId,
      server: 'fx',
      name: 'events',
      arguments: {},
      subscriptionId: 's1',
    });
    assert.deepEqual((start as { error?: unknown }).error, {
      code: -32600,
      message: 'MCP event subscriptions are only supported for hosted apps',
    });
    const stop = await rig.client.request('mcpServer/event/stream/stop', { subscriptionId: 's1' });
    assert.deepEqual((stop as { result?: unknown }).result, {});
  });
});
