import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sseReply, startFakeModelServer, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { FakeModelServer } from '../../helpers/fake-model-server.js';
import { httpRequest } from '../../helpers/http.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { exitCodeOf, spawnCli, waitForListening, waitForStderr } from '../../helpers/server.js';
import type { SpawnedCli } from '../../helpers/server.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { mockProviderConfig, resultOf, startTextTurn, turnCompleted } from '../../helpers/thread-server.js';
import { latch } from './latch.js';

/** A model reply that streams its first delta, then waits for `release` before finishing. */
function heldReply(release: Promise<void>) {
  return sseReply(textTurnFrames(['partial ', 'answer']), { hold: { count: 3, until: release } });
}

interface Rig {
  readonly cli: SpawnedCli;
  readonly fake: FakeModelServer;
  readonly url: string;
  readonly client: RpcTestClient;
  /** Lets the held model reply finish. */
  readonly release: () => void;
}

/** The built server on ws://127.0.0.1:0 with a fake model whose first reply is held; one initialized client. */
async function startRig(t: TestContext, args: readonly string[]): Promise<Rig> {
  const { released, release } = latch(t);
  const fake = await startFakeModelServer(t, [heldReply(released)]);
  const codexHome = await makeTempHome(t, mockProviderConfig(fake.baseUrl));
  const cli = spawnCli(t, ['--listen', 'ws://127.0.0.1:0', ...args], { CODEX_HOME: codexHome });
  const url = await waitForListening(cli);
  const client = await RpcTestClient.connect(url);
  t.after(() => client.close());
  await client.initialize({ experimentalApi: true });
  return { cli, fake, url, client, release };
}

/** Starts a thread and a turn, and waits until the model's first delta reached the client. */
async function startHeldTurn(rig: Rig): Promise<{ threadId: string; turnId: string; path: string }> {
  const { thread } = await rig.client.call('thread/start', {});
  assert.ok(thread.path, 'a thread that is not ephemeral has a rollout path');
  const turnId = await startTextTurn(rig.client, thread.id, 'take your time');
  await rig.client.notification('item/agentMessage/delta');
  return { threadId: thread.id, turnId, path: thread.path };
}

/** The event_msg payload types of a rollout, in order. */
async function eventTypes(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string; payload: { type?: string } })
    .filter((line) => line.type === 'event_msg')
    .map((line) => line.payload.type ?? '');
}

/**
 * The client sees the turn end with `status`, the server exits 0, and the rollout ends the turn as that status is
 * persisted: `turn_aborted` for an interrupt (as turn/interrupt writes it), `task_complete` otherwise.
 */
async function expectEnding(
  rig: Rig,
  turn: { turnId: string; path: string },
  status: 'completed' | 'interrupted',
): Promise<void> {
  const completed = await turnCompleted(rig.client, turn.turnId);
  assert.equal(completed.turn.status, status);
  assert.equal(await exitCodeOf(rig.cli), 0, rig.cli.stderr());
  const [ending, other] = status === 'interrupted' ? ['turn_aborted', 'task_complete'] : ['task_complete', 'turn_aborted'];
  const events = await eventTypes(turn.path);
  assert.deepEqual(events.slice(-1), [ending]);
  assert.equal(events.includes(other), false);
}

describe('graceful drain', () => {
  it('on SIGTERM: refuses new work, interrupts a turn still running at the deadline, persists it, exits 0', async (t) => {
    const rig = await startRig(t, ['--drain-timeout-seconds', '1']);
    const { turnId, path } = await startHeldTurn(rig);
    const port = new URL(rig.url).port;

    const signalledAt = Date.now();
    rig.cli.child.kill('SIGTERM');
    await waitForStderr(rig.cli, /draining/);

    assert.equal((await httpRequest(`http://127.0.0.1:${port}/readyz`)).status, 503);
    assert.equal((await httpRequest(`http://127.0.0.1:${port}/healthz`)).status, 200);
    await assert.rejects(RpcTestClient.connect(rig.url), /Unexpected server response: 503/);
    const refused = await rig.client.request('thread/list', {});
    assert.deepEqual(refused.error, {
      code: -32600,
      message: 'Server is draining; retry after reconnecting',
      data: { reason: 'serverShuttingDown' },
    });

    await expectEnding(rig, { turnId, path }, 'interrupted');
    // The turn had its full grace period (a lower bound only: nothing here is timed from above).
    assert.ok(Date.now() - signalledAt >= 1000, 'the turn was interrupted before --drain-timeout-seconds');
  });

  it('lets a turn that finishes within the deadline complete normally', async (t) => {
    const rig = await startRig(t, ['--drain-timeout-seconds', '60']);
    const { turnId, path } = await startHeldTurn(rig);
    rig.cli.child.kill('SIGTERM');
    await waitForStderr(rig.cli, /draining/);
    rig.release();

    // Exits as soon as the last turn ended, long before the 60 s deadline (bounded by exitCodeOf's wait).
    await expectEnding(rig, { turnId, path }, 'completed');
  });

  it('exits at once on a second signal, with 128 + the signal number', async (t) => {
    const rig = await startRig(t, ['--drain-timeout-seconds', '60']);
    await startHeldTurn(rig);
    rig.cli.child.kill('SIGTERM');
    await waitForStderr(rig.cli, /draining/);
    rig.cli.child.kill('SIGINT');
    assert.equal(await exitCodeOf(rig.cli), 130, rig.cli.stderr());
  });

  it('drains when a stdio client closes its input', async (t) => {
    const { released, release } = latch(t);
    const fake = await startFakeModelServer(t, [heldReply(released)]);
    const codexHome = await makeTempHome(t, mockProviderConfig(fake.baseUrl));
    const cli = spawnCli(t, ['--listen', 'stdio://', '--drain-timeout-seconds', '1'], { CODEX_HOME: codexHome });
    const client = RpcTestClient.overStdio(cli.child);
    await client.initialize({ experimentalApi: true });
    const { thread } = await client.call('thread/start', {});
    assert.ok(thread.path, 'a thread that is not ephemeral has a rollout path');
    await startTextTurn(client, thread.id, 'take your time');

    await client.notification('item/agentMessage/delta');

    cli.child.stdin.end();
    assert.equal(await exitCodeOf(cli), 0, cli.stderr());
    assert.match(cli.stderr(), /draining/);
    assert.deepEqual((await eventTypes(thread.path)).slice(-1), ['turn_aborted']);
  });
});
