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
import { mockProviderConfig, resultOf, startTextTurn, turnCompleted } from '../../helpers/thread-server.js';

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

interface TurnView {
  id: string;
  status: string;
  completedAt: number | null;
  items: { type: string; text?: string }[];
}

describe('after SIGKILL mid-turn', () => {
  it('keeps every completed item; the turn reads as interrupted, and the thread goes on', async (t) => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    t.after(() => release());
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
    const thread = resultOf(await client.request('thread/start', {})).thread as { id: string; path: string };
    const turnId = await startTextTurn(client, thread.id, 'answer, then crash');
    await client.waitFor(
      (m) => m.method === 'item/completed' && (m.params as { item: { type: string } }).item.type === 'agentMessage',
      'the completed agent message',
    );
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
      assert.equal(turn?.items[1]?.text, 'kept answer');
    };
    const read = resultOf(await again.request('thread/read', { threadId: thread.id, includeTurns: true }));
    expectCrashedTurn((read.thread as { turns: TurnView[] }).turns);
    const resumed = resultOf(await again.request('thread/resume', { threadId: thread.id }));
    const resumedThread = resumed.thread as { status: { type: string }; turns: TurnView[] };
    assert.equal(resumedThread.status.type, 'idle');
    expectCrashedTurn(resumedThread.turns);

    // The resumed thread takes new turns, appended after what the crash left.
    const next = await startTextTurn(again, thread.id, 'are you back?');
    assert.equal(((await turnCompleted(again, next)).turn as { status: string }).status, 'completed');
    const reread = resultOf(await again.request('thread/read', { threadId: thread.id, includeTurns: true }));
    const turns = (reread.thread as { turns: TurnView[] }).turns;
    assert.deepEqual(
      turns.map((turn) => [turn.id, turn.status]),
      [
        [turnId, 'interrupted'],
        [next, 'completed'],
      ],
    );
  });
});
