import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { callOutput, namespacedCallReply, toolSearchCallReply } from '../../helpers/mcp-fixture.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

/*
 * thread/start `dynamicTools` in the legacy untyped shape and the checks on every shape, as the reference 0.169.0
 * answers them (probed with its app-server and a fake model).
 */

const SCHEMA = { type: 'object', properties: { x: { type: 'string' } } };

const LEGACY = [
  { name: 'plain', description: 'A plain legacy tool.', inputSchema: SCHEMA },
  { namespace: 'vault', name: 'secret_tool', description: 'Opens the hidden secret.', inputSchema: SCHEMA, exposeToContext: false },
  { namespace: 'vault', name: 'open_tool', description: 'Always listed.', inputSchema: SCHEMA },
];

interface Body {
  tools: Record<string, unknown>[];
  input: Record<string, unknown>[];
}

describe('legacy dynamic tools', () => {
  it('offers untyped tools, gathers a flat namespace, and defers the ones not exposed to the context', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        toolSearchCallReply('secret'),
        namespacedCallReply('vault', 'secret_tool', 'call_secret', { x: '1' }),
        sseReply(textTurnFrames(['done'], { itemId: 'msg_end', responseId: 'resp_end' })),
      ],
    });
    const calls: Record<string, unknown>[] = [];
    rig.client.onServerRequest('item/tool/call', (request) => {
      calls.push(request.params as Record<string, unknown>);
      rig.client.answer(request, { result: { contentItems: [{ type: 'inputText', text: 'opened' }], success: true } });
    });
    const threadId = await startThread(rig.client, { model: 'gpt-5.5', dynamicTools: LEGACY });
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'go'));
    const [first, second, third] = await rig.fake.waitForRequests(3);
    const body = first?.body as Body;

    assert.deepEqual(body.tools.find((tool) => tool.name === 'plain'), {
      type: 'function',
      name: 'plain',
      description: 'A plain legacy tool.',
      strict: false,
      parameters: SCHEMA,
    });
    const vault = body.tools.find((tool) => tool.name === 'vault') as { type: string; tools: { name: string }[] };
    assert.equal(vault.type, 'namespace');
    assert.deepEqual(vault.tools.map((tool) => tool.name), ['open_tool']);
    const developer = body.input.filter((item) => item.role === 'developer')[1] as { content: { text: string }[] };
    assert.match(developer.content.at(-1)?.text ?? '', /^<tools>\nDeferred tool namespaces:\n- multi_agent_v1: .+\n- vault: .+\n<\/tools>$/);

    const found = (second?.body as Body).input.at(-1) as { type: string; tools: { name: string; tools: Record<string, unknown>[] }[] };
    assert.equal(found.type, 'tool_search_output');
    assert.deepEqual(
      found.tools.map((ns) => [ns.name, ns.tools]),
      [['vault', [{ type: 'function', name: 'secret_tool', description: 'Opens the hidden secret.', strict: false, parameters: SCHEMA, defer_loading: true }]]],
    );

    // The deferred tool runs through the client like any other.
    assert.deepEqual(calls.map((call) => [call.namespace, call.tool, call.arguments]), [['vault', 'secret_tool', { x: '1' }]]);
    assert.equal(callOutput(third?.body, 'call_secret'), 'opened');
  });

  it('refuses what the reference refuses, with its words', async (t) => {
    const rig = await startThreadRig(t);
    const refusal = async (dynamicTools: unknown[]) => {
      const response = await rig.client.request('thread/start', { dynamicTools });
      return (response as { error?: { code: number; message: string } }).error;
    };
    const typed = { type: 'function', name: 'a', description: 'a', inputSchema: SCHEMA };
    const mixed = 'Invalid request: dynamic tools must use either canonical or legacy format consistently';
    assert.deepEqual(await refusal([typed, { name: 'b', description: 'b', inputSchema: SCHEMA }]), { code: -32600, message: mixed });
    assert.deepEqual(await refusal([{ ...typed, exposeToContext: false }]), { code: -32600, message: mixed });
    assert.deepEqual(await refusal([{ ...typed, namespace: 'ns' }]), { code: -32600, message: mixed });
    assert.deepEqual(await refusal([{ ...typed, deferLoading: true }]), {
      code: -32600,
      message: 'deferred dynamic tool must include a namespace: a',
    });
    assert.deepEqual(await refusal([{ name: 'c', description: 'c', inputSchema: SCHEMA, exposeToContext: false }]), {
      code: -32600,
      message: 'deferred dynamic tool must include a namespace: c',
    });
    assert.deepEqual(await refusal([{ name: 'c', inputSchema: SCHEMA }]), {
      code: -32600,
      message: 'Invalid request: missing field `description`',
    });
    assert.deepEqual(await refusal([typed, typed]), { code: -32600, message: 'duplicate dynamic tool name: a' });
    assert.deepEqual(await refusal([{ ...typed, name: 'has space' }]), {
      code: -32600,
      message: 'dynamic tool name must match ^[a-zA-Z0-9_-]+$ to match Responses API: has space',
    });
  });
});
