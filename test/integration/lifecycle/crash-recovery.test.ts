import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { ServeOptions } from '../../../src/cli.js';
import { startServer } from '../../../src/main.js';
import { createSilentLogger } from '../../../src/util/logger.js';
import { sseReply, startFakeModelServer, textTurnFrames } from '../../helpers/fake-model-server.js';
import { RpcTestClient, WAIT_MS } from '../../helpers/rpc-client.js';
import { exitCodeOf, spawnCli, waitForListening } from '../../helpers/server.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import type { ResultOf } from '../../helpers/protocol-types.js';
import { itemText } from '../../helpers/thread-items.js';
import { mockProviderConfig, startTextTurn, turnCompleted } from '../../helpers/thread-server.js';

import { latch } from './latch.js';

/** Waits (bounded, polling) until the file contains `text`: the writer appends each item as it completes. */
async function waitForFileContaining(path: string, text: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const content = await readFile(path, 'utf8').catch(() => '');
    if (content.includes(text)) return;
    if (Date.now() > deadline) throw new Error(`${path} did not get ${text} in ${WAIT_MS} ms:\n${content}`);
    await delay(20);
  }
}

type TurnView = ResultOf<'thread/read'>['thread']['turns'][number];

describe('after SIGKILL mid-turn', () => {
  it('keeps every completed item; the turn reads as interrupted, and the thread goes on', async (t) => {
    const { released, release } = latch(t);
    // The answer's message item completes, then the response never does.
    const frames = textTurnFrames(['kept ', 'answer']);
    const fake = await startFakeModelServer(t, [
      sseReply(frames, { hold: { count: frames.length - 1, until: released } }),
      sseReply(textTurnFrames(['after the crash'], { responseId: 'resp_2', itemId: 'msg_2' })),
    ]);
    const codexHome = await makeTempHome(t, mockProviderConfig(fake.baseUrl));
    const cli = spawnCli(t, ['--listen', 'ws://127.0.0.1:0'], { CODEX_HOME: codexHome });
    const client = await RpcTestClient.connect(await waitForListening(cli));
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true });
    const { thread } = await client.call('thread/start', {});
    const turnId = await startTextTurn(client, thread.id, 'answer, then crash');
    await client.notification('item/completed', (params) => params.item.type === 'agentMessage');
    assert.ok(thread.path, 'a thread that is not ephemeral has a rollout path');
    await waitForFileContaining(thread.path, '"kept answer"');
    cli.child.kill('SIGKILL');
    assert.equal(await exitCodeOf(cli), 'SIGKILL');
    await client.waitForEnd();

    const restarted = await startServer(
      { listen: { kind: 'websocket', host: '127.0.0.1', port: 0 }, config: [], enable: [], disable: [] } as ServeOptions,
      { env: { ...process.env, CODEX_HOME: codexHome }, log: createSilentLogger() },
    );
    t.after(() => restarted.close());
    const again = await RpcTestClient.connect(restarted.websocket?.url ?? '');
    t.after(() => again.close());
    await again.initialize({ experimentalApi: true });

    const expectCrashedTurn = (turns: TurnView[]) => {
      assert.equal(turns.length, 1);
      const [turn] = turns;
      assert.equal(turn?.id, turnId);
      assert.equal(turn?.status, 'interrupted');
      assert.equal(turn?.completedAt, null);
      assert.deepEqual(
        turn?.items.map((item) => item.type),
        ['userMessage', 'agentMessage'],
      );
      const answer = turn?.items[1];
      assert.equal(answer && itemText(answer), 'kept answer');
    };
    const read = await again.call('thread/read', { threadId: thread.id, includeTurns: true });
    expectCrashedTurn(read.thread.turns);
    const resumedThread = (await again.call('thread/resume', { threadId: thread.id })).thread;
    assert.equal(resumedThread.status.type, 'idle');
    expectCrashedTurn(resumedThread.turns);

    // The resumed thread takes new turns, appended after what the crash left.
    const next = await startTextTurn(again, thread.id, 'are you back?');
    assert.equal((await turnCompleted(again, next)).turn.status, 'completed');
    const { turns } = (await again.call('thread/read', { threadId: thread.id, includeTurns: true })).thread;

    assert.deepEqual(
      turns.map((turn) => [turn.id, turn.status]),
      [
        [turnId, 'interrupted'],
        [next, 'completed'],
      ],
    );
  });
});
