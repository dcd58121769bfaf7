import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { namespacedCallReply, stdioServerToml } from '../../helpers/mcp-fixture.js';
import { startBothSides } from '../../helpers/side-by-side.js';
import type { Side } from '../../helpers/side-by-side.js';
import { startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';
import { answer, contextAnswer, conversationLines, hookInputs, hookRuns, hookScriptDir, trustAllHooks, writeHooksJson } from './hook-rig.js';

/** The fixture MCP server as `fx`; commands and tools run without asking. */
const CONFIG = ['sandbox_mode = "danger-full-access"', stdioServerToml('fx')].join('\n');

const DYNAMIC_TOOLS = [
  { type: 'function', name: 'lookup', description: 'Looks up.', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } },
];

/** An MCP tool call, a client's tool call, a call of a tool the MCP server does not offer, then the answer. */
const replies = () => [
  namespacedCallReply('mcp__fx', 'read_echo', 'call_mcp', { text: 'hi' }),
  namespacedCallReply(null, 'lookup', 'call_dyn', { q: 'x' }),
  namespacedCallReply('mcp__fx', 'nosuch', 'call_none', {}),
  sseReply(textTurnFrames(['done'], { responseId: 'resp_end', itemId: 'msg_end' })),
];

/** One turn on `side` with trusted tool hooks: the MCP call gets context, the client's tool call is blocked. */
async function toolTurn(t: Parameters<typeof hookScriptDir>[0], side: Side) {
  const { client, codexHome, cwd, fake } = side;
  const dir = await hookScriptDir(t);
  await writeHooksJson(codexHome, dir, { PreToolUse: { matcher: 'mcp__fx__read_echo|lookup' }, PostToolUse: { matcher: '^mcp__.*' } });
  await answer(dir, 'PreToolUse', 0, contextAnswer('PreToolUse', 'context before the MCP tool'));
  await answer(dir, 'PreToolUse', 1, { code: 2, stderr: 'not this lookup' });
  await answer(dir, 'PostToolUse', 0, contextAnswer('PostToolUse', 'context after the MCP tool'));
  await trustAllHooks(client);
  const dynamicCalls: unknown[] = [];
  client.onServerRequest('item/tool/call', (request) => {
    dynamicCalls.push(request.params);
    client.answer(request, { result: { contentItems: [{ type: 'inputText', text: 'looked up' }], success: true } });
  });
  const threadId = await startThread(client, { cwd, dynamicTools: DYNAMIC_TOOLS, approvalPolicy: 'never' });
  await client.notification('mcpServer/startupStatus/updated', (params) => params.status === 'ready');
  const from = client.received.length;
  await turnCompleted(client, await startTextTurn(client, threadId, 'go'));
  const messages = client.received.slice(from);
  return {
    runs: hookRuns(messages, codexHome),
    inputs: await hookInputs(dir, cwd, codexHome),
    lastRequest: conversationLines(fake.requests.at(-1), cwd, codexHome),
    toolItems: messages
      .filter((m) => m.method === 'item/completed')
      .map((m) => (m.params as { item: { type: string; id: string } }).item)
      .filter((item) => item.type !== 'userMessage' && item.type !== 'agentMessage')
      .map((item) => `${item.type} ${item.id}`),
    dynamicCalls: dynamicCalls.length,
  };
}

describe('tool hooks for MCP tools and client tools', () => {
  it('run with the tool names and inputs the reference gives, and block a client tool call as it does', async (t) => {
    const sides = await startBothSides(t, replies, CONFIG);
    const [ours, reference] = await Promise.all([toolTurn(t, sides[0]), toolTurn(t, sides[1])]);
    // The client's blocked call never reaches the client and leaves no item.
    assert.equal(reference.dynamicCalls, 0);
    assert.deepEqual(reference.toolItems, ['mcpToolCall call_mcp']);
    const inputs = reference.inputs as Record<string, { tool_name: string; tool_input: unknown; tool_response?: unknown }>;
    assert.equal(inputs['PreToolUse.0']?.tool_name, 'mcp__fx__read_echo');
    assert.deepEqual(inputs['PreToolUse.0']?.tool_input, { text: 'hi' });
    assert.equal(inputs['PreToolUse.1']?.tool_name, 'lookup');
    assert.deepEqual(inputs['PostToolUse.0']?.tool_response, { content: [{ type: 'text', text: 'echo: hi' }] });
    assert.equal(Object.keys(inputs).length, 3);
    assert.ok(reference.lastRequest.includes('function_call_output: Tool call blocked by PreToolUse hook: not this lookup. Tool: lookup'));
    assert.deepEqual(ours, reference);
  });
});
