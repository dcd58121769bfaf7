import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { isNotification } from '../../helpers/rpc-client.js';
import { PROJECT_ROOT } from '../../helpers/server.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

type Json = Record<string, unknown>;

/** What the reference 0.169.0 sent as `tools` (descriptions and the patch grammar left out: they are prose). */
function observedTools(name: string): Json[] {
  const path = join(PROJECT_ROOT, 'test', 'fixtures', 'tools', `reference-0.169.0-${name}.json`);
  return JSON.parse(readFileSync(path, 'utf8')) as Json[];
}

/** A tool list without its prose, comparable with the fixtures. */
function withoutProse(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutProse);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'description' && key !== 'definition')
      .map(([key, inner]) => [key, withoutProse(inner)]),
  );
}


async function toolsSent(t: import('node:test').TestContext, model: string, configExtra = '', thread: Json = {}) {
  const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['ok']))], configExtra });
  const threadId = await startThread(rig.client, { model, ...thread });
  await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hi'));
  const [request] = await rig.fake.waitForRequests(1);
  return (request?.body as { tools: Json[] }).tools;
}

describe('the tools each model is offered', () => {
  it('gpt-5.5 gets the reference’s tools with its schemas, apply_patch freeform', async (t) => {
    const tools = await toolsSent(t, 'gpt-5.5');
    assert.deepEqual(withoutProse(tools), observedTools('gpt-5.5'));
    const patch = tools.find((tool) => tool.name === 'apply_patch') as { format: Json };
    assert.equal(patch.format.syntax, 'lark');
    for (const tool of tools) if (tool.type === 'function') assert.ok(String(tool.description).length > 20);
  });

  it('a model the reference does not know gets no apply_patch, and the sub-agent namespace with its schemas', async (t) => {
    const tools = await toolsSent(t, 'mock-model');
    assert.deepEqual(withoutProse(tools), observedTools('unknown-model'));
  });

  it('web_search follows the configuration: live, disabled, and live without a sandbox', async (t) => {
    const webSearch = (tools: Json[]) => tools.find((tool) => tool.type === 'web_search');
    assert.deepEqual(webSearch(await toolsSent(t, 'mock-model', 'web_search = "live"')), {
      type: 'web_search',
      external_web_access: true,
    });
    assert.equal(webSearch(await toolsSent(t, 'gpt-5.5', 'web_search = "disabled"')), undefined);
    assert.deepEqual(webSearch(await toolsSent(t, 'gpt-5.5', '', { sandbox: 'danger-full-access' })), {
      type: 'web_search',
      external_web_access: true,
      search_content_types: ['text', 'image'],
    });
  });
});

describe('hosted web searches', () => {
  it('become webSearch items, are replayed without extras, and are kept in the thread', async (t) => {
    const call = {
      type: 'web_search_call',
      id: 'ws_1',
      status: 'completed',
      action: { type: 'search', query: 'weather paris', sources: [{ type: 'url', url: 'https://example.com' }] },
    };
    const answer = textTurnFrames(['answer'], { responseId: 'r1', itemId: 'msg_a' });
    const rig = await startThreadRig(t, {
      replies: [
        sseReply([
          { type: 'response.created', response: { id: 'r1' } },
          { type: 'response.output_item.added', output_index: 0, item: { type: 'web_search_call', id: 'ws_1', status: 'in_progress' } },
          { type: 'response.output_item.done', output_index: 0, item: call },
          ...answer.slice(1),
        ]),
        sseReply(textTurnFrames(['again'])),
      ],
    });
    const threadId = await startThread(rig.client, { model: 'gpt-5.5' });
    const turnId = await startTextTurn(rig.client, threadId, 'search');
    await turnCompleted(rig.client, turnId);
    const items = rig.client.received
      .filter((m) => isNotification(m, 'item/started') || isNotification(m, 'item/completed'))
      .filter((m) => m.params.item.type === 'webSearch')
      .map((m) => {
        const { startedAtMs: _s, completedAtMs: _c, ...item } = m.params.item;
        return [m.method, item];
      });
    const done = { type: 'webSearch', id: 'ws_1', query: 'weather paris', action: { type: 'search', query: 'weather paris', queries: null }, results: null };
    assert.deepEqual(items, [
      ['item/started', { type: 'webSearch', id: 'ws_1', query: '', action: { type: 'other' }, results: null }],
      ['item/completed', done],
    ]);

    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'again'));
    const [, second] = await rig.fake.waitForRequests(2);
    const replayed = (second?.body as { input: Json[] }).input.find((item) => item.type === 'web_search_call');
    assert.deepEqual(replayed, { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'weather paris' } });

    const read = await rig.client.call('thread/read', { threadId, includeTurns: true });
    const { turns } = read.thread;

    const kept = turns[0]?.items.find((item) => item.type === 'webSearch');
    assert.deepEqual({ ...kept, startedAtMs: undefined, completedAtMs: undefined }, { ...done, startedAtMs: undefined, completedAtMs: undefined });
  });
});
