import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sseReply, textTurnFrames, toolCallFrames } from '../../helpers/fake-model-server.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';
import type { ParamsOf, ResultOf } from '../../helpers/protocol-types.js';
import { REFERENCE_ROLLOUT, REFERENCE_THREAD } from '../../helpers/rollout-fixtures.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

type TerminalsPage = ResultOf<'thread/backgroundTerminals/list'>;
type Terminal = TerminalsPage['data'][number];

const UNKNOWN_THREAD = '01a20274-0250-7a53-b773-0774080a2630';

/** An `exec_command` call (no login shell) that returns after 300 ms, leaving the command running. */
function leaveRunning(callId: string, args: Record<string, unknown>) {
  return sseReply(
    toolCallFrames({ name: 'exec_command', callId, arguments: { login: false, yield_time_ms: 300, ...args } }),
  );
}

async function workdir(t: TestContext): Promise<string> {
  const dir = realpathSync(await mkdtemp(join(tmpdir(), 'app-server-work-')));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function list(client: RpcTestClient, params: ParamsOf<'thread/backgroundTerminals/list'>): Promise<TerminalsPage> {
  return client.call('thread/backgroundTerminals/list', params);
}

function completedCommand(client: RpcTestClient, itemId: string): Promise<ServerMessage> {
  return client.notification('item/completed', (params) => params.item.id === itemId);
}

describe('thread/backgroundTerminals', () => {
  it('lists the sessions a turn left running, pages them, terminates one and cleans the rest', async (t) => {
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, {
      replies: [
        leaveRunning('call_sleep', { cmd: 'sleep 30' }),
        leaveRunning('call_cat', { cmd: 'cat', tty: true }),
        sseReply(textTurnFrames(['both running'])),
      ],
    });
    const { client } = rig;
    const threadId = await startThread(client, { cwd, sandbox: 'danger-full-access' });
    assert.deepEqual(await list(client, { threadId }), { data: [], nextCursor: null });
    await turnCompleted(client, await startTextTurn(client, threadId, 'start two'));

    const all = await list(client, { threadId });
    assert.equal(all.nextCursor, null);
    const ordered = [...all.data].sort((a, b) => Number(a.processId) - Number(b.processId));
    assert.deepEqual(all.data, ordered, 'by ascending process id');
    assert.deepEqual(
      all.data.map((terminal) => ({ ...terminal, processId: '' })).sort((a, b) => a.itemId.localeCompare(b.itemId)),
      [
        { itemId: 'call_cat', processId: '', command: 'cat', cwd, osPid: null, cpuPercent: null, rssKb: null },
        { itemId: 'call_sleep', processId: '', command: 'sleep 30', cwd, osPid: null, cpuPercent: null, rssKb: null },
      ],
    );
    const [first, second] = all.data as [Terminal, Terminal];

    const page1 = await list(client, { threadId, limit: 1 });
    assert.deepEqual(page1, { data: [first], nextCursor: first.processId });
    assert.deepEqual(await list(client, { threadId, limit: 1, cursor: page1.nextCursor }), { data: [second], nextCursor: null });
    assert.deepEqual((await client.request('thread/backgroundTerminals/list', { threadId, cursor: 'garbage' })).error, {
      code: -32600,
      message: 'invalid cursor: invalid digit found in string',
    });

    const terminated = completedCommand(client, first.itemId);
    assert.deepEqual(
      await client.call('thread/backgroundTerminals/terminate', { threadId, processId: first.processId }),
      { terminated: true },
    );
    const item = ((await terminated).params as { item: Record<string, unknown> }).item;
    assert.deepEqual([item.status, item.exitCode, item.processId], ['failed', -1, first.processId]);
    assert.deepEqual(
      await client.call('thread/backgroundTerminals/terminate', { threadId, processId: first.processId }),
      { terminated: false },
    );
    assert.deepEqual(await list(client, { threadId }), { data: [second], nextCursor: null });

    const cleaned = completedCommand(client, second.itemId);
    assert.deepEqual(await client.call('thread/backgroundTerminals/clean', { threadId }), {});
    await cleaned;
    assert.deepEqual(await list(client, { threadId }), { data: [], nextCursor: null });
  });

  it('answers for stored and unknown threads, and only to clients with the experimental API', async (t) => {
    const rig = await startThreadRig(t);
    const day = join(rig.server.codexHome, 'sessions', '2026', '11', '22');
    await mkdir(day, { recursive: true });
    await copyFile(REFERENCE_ROLLOUT, join(day, basename(REFERENCE_ROLLOUT)));
    const { client } = rig;

    assert.deepEqual(await list(client, { threadId: REFERENCE_THREAD }), { data: [], nextCursor: null });
    assert.deepEqual(await client.call('thread/backgroundTerminals/clean', { threadId: REFERENCE_THREAD }), {});
    assert.deepEqual(
      resultOf(
        await client.request('thread/backgroundTerminals/terminate', { threadId: REFERENCE_THREAD, processId: '1234' }),
      ),
      { terminated: false },
    );
    for (const method of ['list', 'clean']) {
      assert.deepEqual((await client.request(`thread/backgroundTerminals/${method}`, { threadId: UNKNOWN_THREAD })).error, {
        code: -32600,
        message: `thread not found: ${UNKNOWN_THREAD}`,
      });
    }
    const plain = await RpcTestClient.connect(rig.server.url);
    t.after(() => plain.close());
    await plain.initialize(null);
    assert.deepEqual((await plain.request('thread/backgroundTerminals/list', { threadId: REFERENCE_THREAD })).error, {
      code: -32600,
      message: 'thread/backgroundTerminals/list requires experimentalApi capability',
    });
  });
});
