import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sseReply, startFakeModelServer, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { FakeModelServer, ScriptedReply } from '../../helpers/fake-model-server.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { startTestServer } from '../../helpers/server.js';
import { startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';
import { describeMessage, runCompaction, turnMetadata } from './compaction-rig.js';

/** A response whose output is one server-side `compaction` item. */
function compactionReply(): ScriptedReply {
  const item = { type: 'compaction', id: 'cmp_1', encrypted_content: 'ENC' };
  return sseReply([
    { type: 'response.created', response: { id: 'r_c' } },
    { type: 'response.output_item.added', output_index: 0, item: { type: 'compaction', id: 'cmp_1' } },
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: { id: 'r_c', usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10 } } },
  ]);
}

const answer = (text: string, id: string) => sseReply(textTurnFrames([text], { itemId: id, responseId: `r_${id}` }));

/** Our server on the built-in `openai` provider, pointed at the fake with OPENAI_BASE_URL. */
async function openaiRig(t: TestContext, replies: ScriptedReply[]): Promise<{ client: RpcTestClient; fake: FakeModelServer }> {
  const fake = await startFakeModelServer(t, replies);
  const config = ['model = "mock-model"', 'model_provider = "openai"', 'approval_policy = "never"', ''].join('\n');
  const server = await startTestServer(t, {}, config, {}, { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test' });
  const client = await RpcTestClient.connect(server.url);
  t.after(() => client.close());
  await client.initialize({ experimentalApi: true }, 'test-client');
  return { client, fake };
}

/** A request's input items in short: `type` and, for messages, `role: text`. */
function shortInput(body: unknown): string[] {
  return (body as { input: Record<string, unknown>[] }).input.filter((item) => item.role !== 'developer').map((item) => {
    if (item.type !== 'message') return String(item.type);
    return `${String(item.role)}: ${(item.content as { text?: string }[]).map((part) => part.text ?? '').join('')}`;
  });
}

describe('server-side compaction (OpenAI)', () => {
  it('sends the turn request with a compaction_trigger and ends the new conversation with the compaction item', async (t) => {
    const rig = await openaiRig(t, [answer('first answer', 'msg_a'), compactionReply(), answer('second answer', 'msg_b')]);
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello one'));

    const { responseAt } = await runCompaction(rig.client, threadId);
    // Observed from the reference 0.169.0: one usage update (the estimate), no summary response recorded.
    assert.deepEqual(rig.client.received.slice(responseAt).map(describeMessage), [
      'response',
      'status:active',
      'turn/started',
      'item/started:contextCompaction',
      'thread/tokenUsage/updated',
      'account/rateLimits/updated',
      'item/completed:contextCompaction',
      'status:idle',
      'turn/completed:completed',
    ]);

    const [first, compaction] = await rig.fake.waitForRequests(2);
    assert.ok(first && compaction);
    assert.equal(compaction.url, '/v1/responses');
    const body = compaction.body as { tools: unknown[]; input: unknown[] };
    assert.deepEqual(body.tools, (first.body as { tools: unknown[] }).tools);
    assert.deepEqual(body.input.at(-1), { type: 'compaction_trigger' });
    assert.deepEqual(turnMetadata(compaction).compaction, {
      trigger: 'manual',
      reason: 'user_requested',
      implementation: 'responses_compaction_v2',
      phase: 'standalone_turn',
    });

    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello two'));
    const next = (await rig.fake.waitForRequests(3))[2];
    assert.ok(next);
    const input = (next.body as { input: Record<string, unknown>[] }).input;
    assert.deepEqual(shortInput(next.body).slice(1), ['user: hello one', 'compaction', 'user: hello two']);
    assert.deepEqual(input.find((item) => item.type === 'compaction'), { type: 'compaction', id: 'cmp_1', encrypted_content: 'ENC' });
  });

  it('fails the turn, in the reference words, when the output holds no compaction item', async (t) => {
    const rig = await openaiRig(t, [answer('first answer', 'msg_a'), answer('not a compaction', 'msg_x'), answer('second', 'msg_b')]);
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello one'));
    const { completed } = await runCompaction(rig.client, threadId);
    const { turn } = completed;
    assert.equal(turn.status, 'failed');
    assert.equal(
      turn.error?.message,

      'Error running remote compact task: Fatal error: remote compaction v2 expected exactly one compaction output item, got 0 from 1 output items',
    );
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello two'));
    const next = (await rig.fake.waitForRequests(3))[2];
    assert.ok(next);
    assert.deepEqual(shortInput(next.body).slice(1), ['user: hello one', 'assistant: first answer', 'user: hello two']);
  });
});
