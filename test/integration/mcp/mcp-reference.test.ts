import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sseReply, startFakeModelServer, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { FakeModelServer, ScriptedReply } from '../../helpers/fake-model-server.js';
import { callOutput, namespacedCallReply, stdioServerToml } from '../../helpers/mcp-fixture.js';
import { startReferenceServer } from '../../helpers/reference-server.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';
import { mockProviderConfig, resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';
import { leftBehind } from '../../helpers/temp-home.js';

const SERVER = stdioServerToml('fx', ['env = { FIXTURE_MARKER = "m1" }']);

function script(): ScriptedReply[] {
  return [
    namespacedCallReply('mcp__fx', 'read_echo', 'call_read', { text: 'hi' }),
    namespacedCallReply('mcp__fx', 'echo', 'call_never', { text: 'hi' }),
    namespacedCallReply('mcp__fx', 'picture', 'call_pic', {}),
    namespacedCallReply('mcp__fx', 'fail', 'call_fail', {}),
    namespacedCallReply('mcp__fx', 'nosuch', 'call_none', {}),
    sseReply(textTurnFrames(['done'], { itemId: 'msg_end', responseId: 'resp_end' })),
  ];
}

/** The turn's mcpToolCall notifications, without their clock readings. */
function mcpSequence(client: RpcTestClient): unknown[] {
  return client.received
    .filter((m) => (m.method === 'item/started' || m.method === 'item/completed') && (m.params as { item: { type: string } }).item.type === 'mcpToolCall')
    .map((m) => {
      const { startedAtMs: _s, completedAtMs: _c, durationMs: _d, ...item } = (m.params as { item: Record<string, unknown> }).item;
      return [m.method, item];
    });
}

/** What the model got back for each call, with the wall time blanked. */
function outputs(fake: FakeModelServer): unknown[] {
  return ['call_read', 'call_never', 'call_pic', 'call_fail', 'call_none'].map((callId, index) =>
    JSON.parse(JSON.stringify(callOutput(fake.requests[index + 1]?.body, callId)).replace(/Wall time: [\d.]+ seconds/g, 'Wall time: T seconds')),
  );
}

async function runTurn(client: RpcTestClient, fake: FakeModelServer): Promise<string> {
  const threadId = await startThread(client);
  await turnCompleted(client, await startTextTurn(client, threadId, 'go'));
  await fake.waitForRequests(6);
  return threadId;
}

/** The tool items thread/read shows for the thread's turn, without clock readings. */
async function readToolItems(client: RpcTestClient, threadId: string): Promise<unknown[]> {
  const read = await client.call('thread/read', { threadId, includeTurns: true });
  const [turn] = (read.thread as { turns: { items: Record<string, unknown>[] }[] }).turns;
  return (turn?.items ?? [])
    .filter((item) => item.type === 'mcpToolCall')
    .map(({ startedAtMs: _s, completedAtMs: _c, durationMs: _d, ...item }) => item);
}

async function referenceRun(t: TestContext): Promise<{ client: RpcTestClient; fake: FakeModelServer; threadId: string }> {
  const fake = await startFakeModelServer(t, script());
  const home = await mkdtemp(join(tmpdir(), 'mcp-reference-'));
  t.after(() => rm(home, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  await writeFile(join(home, 'config.toml'), mockProviderConfig(fake.baseUrl, SERVER));
  const client = await startReferenceServer(t, home, home);
  const threadId = await runTurn(client, fake);
  return { client, fake, threadId };
}

describe('MCP tool calls beside the reference', () => {
  it('reports the same items and tells the model the same things for the same script', async (t) => {
    const reference = await referenceRun(t);
    const ours = await startThreadRig(t, { configExtra: SERVER, replies: script() });
    const threadId = await runTurn(ours.client, ours.fake);
    assert.equal(mcpSequence(reference.client).length, 8);
    assert.deepEqual(mcpSequence(ours.client), mcpSequence(reference.client));
    assert.deepEqual(outputs(ours.fake), outputs(reference.fake));

    // thread/read shows the calls, while the thread is loaded and once it is read back from its rollout.
    const expected = await readToolItems(reference.client, reference.threadId);
    assert.equal(expected.length, 4);
    assert.deepEqual(await readToolItems(ours.client, threadId), expected);
    await ours.client.call('thread/archive', { threadId });
    await ours.client.call('thread/unarchive', { threadId });
    assert.deepEqual(await readToolItems(ours.client, threadId), expected);
  });
});
