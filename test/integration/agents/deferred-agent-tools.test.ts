import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames, type RecordedRequest } from '../../helpers/fake-model-server.js';
import { toolSearchCallReply } from '../../helpers/mcp-fixture.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';
import { namespacedCall } from '../../helpers/sub-agent-script.js';
import { startThread, startThreadRig } from '../../helpers/thread-server.js';

/*
 * Observed from the reference 0.169.0 with gpt-5.5: the multi_agent_v1 namespace is not in the request's tools; the
 * opening developer message's `<tools>` part names it (`- multi_agent_v1: <its description>`), `tool_search` finds
 * its tools (a `namespace` entry, each function marked `defer_loading`), and the model then calls them as usual.
 */

const PARENT = 'PARENT GO';

interface Body {
  tools: { type: string; name?: string }[];
  input: { type: string; role?: string; content?: { text?: string }[]; [key: string]: unknown }[];
}

describe('sub-agents deferred behind tool_search (gpt-5.5)', () => {
  it('names the namespace in <tools>, finds spawn_agent with tool_search, and the found tool spawns', { timeout: 60_000 }, async (t) => {
    const decide = (request: RecordedRequest) => {
      const input = (request.body as Body).input;
      if (!JSON.stringify(input).includes(PARENT)) {
        return sseReply(textTurnFrames(['child done'], { responseId: 'resp_child', itemId: 'msg_child' }));
      }
      const last = input.at(-1);
      if (last?.type === 'message') return toolSearchCallReply('spawn a sub-agent');
      if (last?.type === 'tool_search_output') return namespacedCall('spawn_agent', { message: 'CHILD task' }, 'c1');
      return sseReply(textTurnFrames(['parent done'], { responseId: 'resp_p', itemId: 'msg_p' }));
    };
    const replies = Array.from({ length: 10 }, () => ({ kind: 'dynamic' as const, reply: decide }));
    const rig = await startThreadRig(t, { replies });
    const threadId = await startThread(rig.client, { model: 'gpt-5.5' });
    await rig.client.request('turn/start', { threadId, input: [{ type: 'text', text: PARENT }] });
    const done = await rig.client.waitFor(
      (m: ServerMessage) => m.method === 'turn/completed' && (m.params as { threadId: string }).threadId === threadId,
      'the parent turn',
      30_000,
    );
    assert.equal((done.params as { turn: { status: string } }).turn.status, 'completed');

    const parentRequests = rig.fake.requests.filter((r) => JSON.stringify((r.body as Body).input).includes(PARENT));
    const [first, second, third] = parentRequests.map((r) => r.body as Body);
    assert.ok(first && second && third, 'three parent requests');
    assert.ok(!first.tools.some((tool) => tool.name === 'multi_agent_v1'), 'not listed up front');
    const developer = first.input.filter((item) => item.role === 'developer')[1];
    const toolsPart = developer?.content?.map((part) => part.text ?? '').find((text) => text.startsWith('<tools>'));
    assert.match(toolsPart ?? '', /^<tools>\nDeferred tool namespaces:\n- multi_agent_v1: .+\n<\/tools>$/);

    const found = second.input.at(-1) as { type: string; tools: { type: string; name: string; tools: Record<string, unknown>[] }[] };
    assert.equal(found.type, 'tool_search_output');
    const namespace = found.tools.find((entry) => entry.name === 'multi_agent_v1');
    assert.equal(namespace?.type, 'namespace');
    const spawn = namespace?.tools.find((tool) => tool.name === 'spawn_agent');
    assert.equal(spawn?.['defer_loading'], true);
    assert.equal(spawn?.['type'], 'function');

    const output = third.input.at(-1) as { type: string; output: string };
    assert.equal(output.type, 'function_call_output');
    const spawned = JSON.parse(output.output) as { agent_id: string; nickname: string };
    assert.match(spawned.agent_id, /^[0-9a-f-]{36}$/);
    const completed = rig.client.received
      .filter((m) => m.method === 'item/completed')
      .map((m) => (m.params as { item: { type: string; tool?: string; status?: string; receiverThreadIds?: string[] } }).item)
      .find((item) => item.type === 'collabAgentToolCall');
    assert.deepEqual(
      { tool: completed?.tool, status: completed?.status, receivers: completed?.receiverThreadIds },
      { tool: 'spawnAgent', status: 'completed', receivers: [spawned.agent_id] },
    );
  });

  it('answers a search with the namespace\'s tools in the order they matched, not by name', { timeout: 60_000 }, async (t) => {
    // Observed from the reference 0.169.0: `wait agent` finds wait_agent first and `send input message agent`
    // send_input first (by name, close_agent would lead both).
    const queries = ['wait agent', 'send input message agent'];
    const found: string[][] = [];
    const decide = (request: RecordedRequest) => {
      const last = (request.body as Body).input.at(-1) as { type: string; tools?: { name: string; tools: { name: string }[] }[] };
      if (last.type === 'tool_search_output') {
        found.push((last.tools ?? []).flatMap((namespace) => namespace.tools.map((tool) => `${namespace.name}.${tool.name}`)));
      }
      const query = queries[found.length];
      return query === undefined
        ? sseReply(textTurnFrames(['done'], { responseId: 'resp_done', itemId: 'msg_done' }))
        : toolSearchCallReply(query, `call_ts${found.length}`);
    };
    const rig = await startThreadRig(t, { replies: Array.from({ length: 5 }, () => ({ kind: 'dynamic' as const, reply: decide })) });
    const threadId = await startThread(rig.client, { model: 'gpt-5.5' });
    await rig.client.request('turn/start', { threadId, input: [{ type: 'text', text: PARENT }] });
    await rig.client.waitFor(
      (m: ServerMessage) => m.method === 'turn/completed' && (m.params as { threadId: string }).threadId === threadId,
      'the turn',
      30_000,
    );
    assert.deepEqual(found.map((tools) => tools[0]), ['multi_agent_v1.wait_agent', 'multi_agent_v1.send_input']);
    assert.deepEqual(found.map((tools) => tools.length), [5, 5], 'every agent tool mentions agents');
  });

  it('a spawn_agent found by tool_search offers the configured roles, and spawns in one', { timeout: 60_000 }, async (t) => {
    let spawn: { parameters: { properties: Record<string, { description?: string }> } } | undefined;
    const decide = (request: RecordedRequest) => {
      const input = (request.body as Body).input;
      if (!JSON.stringify(input).includes(PARENT)) {
        return sseReply(textTurnFrames(['child done'], { responseId: 'resp_child', itemId: 'msg_child' }));
      }
      const last = input.at(-1) as { type: string; tools?: { name: string; tools: { name: string }[] }[] };
      if (last.type === 'message') return toolSearchCallReply('spawn a sub-agent');
      if (last.type === 'tool_search_output') {
        spawn = last.tools?.find((entry) => entry.name === 'multi_agent_v1')?.tools.find((tool) => tool.name === 'spawn_agent') as typeof spawn;
        return namespacedCall('spawn_agent', { message: 'CHILD task', agent_type: 'reviewer' }, 'c1');
      }
      return sseReply(textTurnFrames(['parent done'], { responseId: 'resp_p', itemId: 'msg_p' }));
    };
    const replies = Array.from({ length: 10 }, () => ({ kind: 'dynamic' as const, reply: decide }));
    const rig = await startThreadRig(t, { replies, configExtra: '[agents.reviewer]\ndescription = "Reviews the change."' });
    const threadId = await startThread(rig.client, { model: 'gpt-5.5' });
    await rig.client.request('turn/start', { threadId, input: [{ type: 'text', text: PARENT }] });
    await rig.client.waitFor(
      (m: ServerMessage) => m.method === 'turn/completed' && (m.params as { threadId: string }).threadId === threadId,
      'the parent turn',
      30_000,
    );
    assert.match(spawn?.parameters.properties['agent_type']?.description ?? '', /### reviewer\nReviews the change\./);
    // The child is listed once its turn has run (its rollout is written then).
    const spawned = rig.client.received.flatMap((m) =>
      m.method === 'item/completed' ? ((m.params as { item: { type: string; receiverThreadIds?: string[] } }).item.receiverThreadIds ?? []) : [],
    );
    assert.equal(spawned.length, 1);
    await rig.client.waitFor(
      (m: ServerMessage) => m.method === 'turn/completed' && (m.params as { threadId: string }).threadId === spawned[0],
      'the child turn',
      30_000,
    );
    const children = (await rig.client.call('thread/list', { sourceKinds: ['subAgent'] })).data;
    assert.deepEqual(children.map((child) => child.agentRole), ['reviewer']);
  });
});
