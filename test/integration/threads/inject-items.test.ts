import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames, within } from '../../helpers/fake-model-server.js';
import { restartedServerClient } from '../../helpers/restarted-server.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

type Item = { type: string; id?: string; role?: string; content?: { text?: string }[] };

const texts = (input: Item[]) => input.map((item) => `${item.type}:${item.role ?? ''}:${item.content?.[0]?.text ?? ''}`);
const inputOf = (body: unknown) => (body as { input: Item[] }).input;

describe('thread/inject_items', () => {
  it('puts the items into the next model request, after the conversation so far and before the new input', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['first'])), sseReply(textTurnFrames(['second']))] });
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello'));
    const items = [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'INJECTED' }] },
      { type: 'message', id: 'client-id', role: 'assistant', content: [{ type: 'output_text', text: 'NOTED' }] },
      { type: 'not_a_response_item_kind' },
    ];
    await rig.client.call('thread/inject_items', { threadId, items });
    // Nothing runs: no model request, no turn.
    assert.equal(rig.fake.requests.length, 1);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'next'));

    const [first, second] = await within(rig.fake.waitForRequests(2), 'two model requests');
    const before = texts(inputOf(first!.body));
    const after = inputOf(second!.body);
    assert.deepEqual(texts(after).slice(0, before.length), before);
    assert.deepEqual(texts(after).slice(before.length), [
      'message:assistant:first',
      'message:user:INJECTED',
      'message:assistant:NOTED',
      'message:user:next',
    ]);
    // A message without an id gets one as the reference's do; a client's id is not sent; unknown kinds are left out.
    const injected = after.slice(before.length + 1, before.length + 3);
    assert.match(String(injected[0]!.id), /^msg_[0-9a-f-]{36}$/);
    assert.equal('id' in injected[1]!, false);
  });

  it('on a thread that has not run a turn, the items follow the opening context; they are kept in the rollout', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['ok'])), sseReply(textTurnFrames(['again']))] });
    const started = await rig.client.call('thread/start', {});
    const thread = started['thread'] as { id: string; path: string };
    const call = { type: 'function_call', name: 'lookup', arguments: '{}', call_id: 'c1' };
    const output = { type: 'function_call_output', call_id: 'c1', output: 'found it' };
    await rig.client.call('thread/inject_items', { threadId: thread.id, items: [call, output] });
    await turnCompleted(rig.client, await startTextTurn(rig.client, thread.id, 'hello'));

    const [request] = await within(rig.fake.waitForRequests(1), 'the model request');
    const input = inputOf(request!.body);
    const kinds = input.map((item) => item.type);
    const callAt = kinds.indexOf('function_call');
    assert.ok(callAt > 0 && kinds.slice(0, callAt).every((kind) => kind === 'message'), kinds.join());
    assert.match(String(input[callAt]!.id), /^fc_/);
    assert.match(String(input[callAt + 1]!.id), /^fco_/);
    assert.deepEqual(texts(input.slice(callAt + 2)), ['message:user:hello']);
    assert.ok(texts(input.slice(0, callAt)).some((text) => text.includes('<environment_context>')));

    const lines = (await readFile(thread.path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    assert.ok(lines.some((line) => line.type === 'response_item' && line.payload.type === 'function_call_output' && line.payload.output === 'found it'));

    // After a restart the resumed thread still holds them.
    const client = await restartedServerClient(t, rig.server.codexHome);
    await client.call('thread/resume', { threadId: thread.id });
    await turnCompleted(client, await startTextTurn(client, thread.id, 'more'));
    const [, resumed] = await within(rig.fake.waitForRequests(2), 'the request after the restart');
    assert.ok(texts(inputOf(resumed!.body)).includes('function_call_output::'));
    assert.ok(inputOf(resumed!.body).some((item) => item.type === 'function_call_output'));
  });

  it('refuses a thread that is not loaded, no items, and an item without its fields', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['ok']))] });
    const threadId = await startThread(rig.client);
    const user = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] };
    const refusal = async (params: unknown) => (await rig.client.request('thread/inject_items', params))['error'];
    assert.deepEqual(await refusal({ threadId, items: [] }), { code: -32600, message: 'items must not be empty' });
    assert.deepEqual(await refusal({ threadId, items: [{ type: 'message', role: 'user' }] }), {
      code: -32600,
      message: 'items[0] is not a valid response item: missing field `content`',
    });
    assert.deepEqual(await refusal({ threadId, items: [user, { role: 'user' }] }), {
      code: -32600,
      message: 'items[1] is not a valid response item: missing field `type`',
    });
    const unknown = '00000000-0000-0000-0000-000000000000';
    assert.deepEqual(await refusal({ threadId: unknown, items: [user] }), { code: -32600, message: `thread not found: ${unknown}` });
  });
});
