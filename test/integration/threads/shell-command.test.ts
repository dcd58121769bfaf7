import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { RecordedRequest } from '../../helpers/fake-model-server.js';
import type { ParamsOf } from '../../helpers/protocol-types.js';
import { isNotification } from '../../helpers/rpc-client.js';

import type { ServerMessage } from '../../helpers/rpc-client.js';
import { sequenceOf, startBothSides } from '../../helpers/side-by-side.js';
import type { Side } from '../../helpers/side-by-side.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';
import { leftBehind } from '../../helpers/temp-home.js';

type Item = Record<string, unknown> & { type: string; id: string };

/** The user messages of a model request, the environment context left out (its wording is not this test's). */
function userTexts(request: RecordedRequest | undefined, cwd: string): string[] {
  const input = (request?.body as { input: { role?: string; content?: { text?: string }[] }[] }).input;
  return input
    .filter((item) => item.role === 'user')
    .map((item) => item.content?.[0]?.text ?? '')
    .filter((text) => !text.startsWith('<environment_context>'))
    .map((text) =>
      text
        .split(cwd)
        .join('<cwd>')
        .replace(/Duration: \d+\.\d{4} seconds/, 'Duration: <d> seconds')
        // The idle command's two streams, in whichever order they arrived (see linesInAnyOrder).
        .replace('err\nout\n', 'out\nerr\n'),
    );
}

/** A command item without what differs between runs (ids, times, the side's directory). */
function stable(item: Item, cwd: string): Record<string, unknown> {
  const { id: _id, startedAtMs: _s, completedAtMs: _c, durationMs, ...rest } = item;
  return { ...rest, cwd: String(rest.cwd).split(cwd).join('<cwd>'), durationMs: durationMs === null ? null : 'set' };
}

/** The lines of `text`, sorted. */
function linesInAnyOrder(text: string): string[] {
  return text.split('\n').sort();
}

function commandItems(messages: readonly ServerMessage[], method: 'item/started' | 'item/completed'): Item[] {
  return messages
    .filter((m) => isNotification(m, method))
    .map((m) => m.params.item)
    .filter((item) => item.type === 'commandExecution');
}

async function shellScript(side: Side, release: () => void): Promise<Record<string, unknown>> {
  const { client, cwd, fake } = side;
  const threadId = await startThread(client, { cwd });
  const seen: Record<string, unknown> = {};

  // On an idle thread: a turn of its own.
  let mark = client.received.length;
  await client.request('thread/shellCommand', { threadId, command: 'echo out; echo err >&2; exit 3' });
  await client.waitFor((m) => m.method === 'turn/completed' && client.received.indexOf(m) >= mark);
  const idle = client.received.slice(mark);
  seen.idleSequence = sequenceOf(idle).filter(
    (line) => line !== 'item/commandExecution/outputDelta' && line !== 'thread/started',
  );
  // stdout and stderr are two pipes: which line arrives first is up to the scheduler, on either server (a loaded
  // machine showed both orders), so the lines are compared as a set.
  seen.idleOutput = linesInAnyOrder(
    idle
      .filter((m) => isNotification(m, 'item/commandExecution/outputDelta'))
      .map((m) => m.params.delta)
      .join(''),
  );
  seen.idleItems = [...commandItems(idle, 'item/started'), ...commandItems(idle, 'item/completed')].map((item) => {
    const view = stable(item, cwd);
    return typeof view.aggregatedOutput === 'string' ? { ...view, aggregatedOutput: linesInAnyOrder(view.aggregatedOutput) } : view;
  });

  // A long output reaches the model cut in the middle; the client still gets all of it.
  mark = client.received.length;
  await client.request('thread/shellCommand', { threadId, command: 'seq 1 30000' });
  await client.waitFor((m) => m.method === 'turn/completed' && client.received.indexOf(m) >= mark);
  seen.longOutput = commandItems(client.received.slice(mark), 'item/completed').map((item) => String(item.aggregatedOutput).length);

  // The next turn's request carries them.
  await turnCompleted(client, await startTextTurn(client, threadId, 'first'));
  seen.firstRequest = userTexts((await fake.waitForRequests(1))[0], cwd);

  // During a running turn: the item joins that turn and the model is asked again with the result.
  const hanging = await startTextTurn(client, threadId, 'hang');
  await fake.waitForRequests(2);
  // The model request and the turn's notifications travel on different sockets: the user message's items may
  // reach the client after the request reaches the model. They belong before the mark.
  await client.notification('item/completed', (params) => params.item.type === 'userMessage' && params.turnId === hanging);
  mark = client.received.length;
  await client.request('thread/shellCommand', { threadId, command: 'echo during' });
  await client.waitFor(
    (m) => isNotification(m, 'item/completed') && m.params.item.type === 'commandExecution' && client.received.indexOf(m) >= mark,
  );
  release();
  await turnCompleted(client, hanging);
  const during = client.received.slice(mark);
  seen.duringSequence = sequenceOf(during).filter((line) => line !== 'item/agentMessage/delta' && line !== 'thread/readState/changed');
  seen.duringItemTurn = during
    .filter((m) => isNotification(m, 'item/completed'))
    .filter((m) => m.params.item.type === 'commandExecution')
    .map((m) => m.params.turnId === hanging);
  // Generous: on a loaded machine the reference takes a while to sample again after the command.
  seen.followUp = userTexts((await fake.waitForRequests(3, 20_000))[2], cwd);

  // thread/read shows both command items in their turns.
  const { thread } = await client.call('thread/read', { threadId, includeTurns: true });
  seen.readItems = thread.turns.map((turn) => turn.items.map((item) => item.type));
  seen.preview = thread.preview;

  seen.errors = sequenceOf(
    [
      await client.request('thread/shellCommand', { threadId, command: '  ' }),
      await client.request('thread/shellCommand', { threadId: '00000000-0000-7000-8000-000000000000', command: 'echo' }),
    ],
    { [threadId]: '<thread>' },
  );
  return seen;
}

describe('thread/shellCommand', () => {
  it('runs the command as the reference does: items, events, what the model is told, errors', async (t) => {
    const releases: (() => void)[] = [];
    const replies = () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      releases.push(release);
      return [
        sseReply(textTurnFrames(['ok 1'], { responseId: 'r1', itemId: 'msg_1' })),
        sseReply(textTurnFrames(['held'], { responseId: 'r2', itemId: 'msg_2' }), { hold: { count: 1, until: held } }),
        sseReply(textTurnFrames(['ok 3'], { responseId: 'r3', itemId: 'msg_3' })),
      ];
    };
    t.after(() => releases.forEach((release) => release()));
    const [ours, reference] = await startBothSides(t, replies);
    const [mine, theirs] = await Promise.all([
      shellScript(ours, releases[0] as () => void),
      shellScript(reference, releases[1] as () => void),
    ]);
    assert.deepEqual(mine, theirs);
    assert.deepEqual(mine.idleOutput, linesInAnyOrder('out\nerr\n'));
  });

  it('runs outside the sandbox and without asking, even under a read-only policy that asks for everything', async (t) => {
    const { client } = await startThreadRig(t, { configExtra: 'sandbox_mode = "read-only"' });
    const cwd = await mkdtemp(join(tmpdir(), 'shell-cwd-'));
    t.after(() => rm(cwd, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
    const threadId = await startThread(client, { cwd, approvalPolicy: 'untrusted', sandbox: 'read-only' });
    const target = join(cwd, 'written-by-the-user');
    await client.request('thread/shellCommand', { threadId, command: `touch ${target}` });
    const done = await client.notification('turn/completed');
    assert.equal(done.params.turn.status, 'completed');
    assert.equal(existsSync(target), true);
    assert.equal(client.received.some((m) => typeof m.method === 'string' && m.method.endsWith('requestApproval')), false);
  });

  it('keeps the command item when the thread is read back from its rollout', async (t) => {
    const { client } = await startThreadRig(t);
    const threadId = await startThread(client);
    await client.request('thread/shellCommand', { threadId, command: 'echo kept; exit 2' });
    await client.notification('turn/completed');
    const commandItems = async () => {
      const { thread } = await client.call('thread/read', { threadId, includeTurns: true });
      const items: Item[] = thread.turns.flatMap((turn) => turn.items);
      return items.map(({ startedAtMs: _s, completedAtMs: _c, ...rest }) => rest);
    };
    const live = await commandItems();
    assert.equal(live.length, 1);
    assert.equal(live[0]?.source, 'userShell');
    assert.equal(live[0]?.aggregatedOutput, 'kept\n');
    // Archiving unloads the thread; read back, the item comes from the rollout.
    await client.call('thread/archive', { threadId });
    await client.call('thread/unarchive', { threadId });
    assert.deepEqual(await commandItems(), live);
  });

  it('records input sent during a command turn in that turn, without asking the model, as the reference does', async (t) => {
    const sides = await startBothSides(t, () => []);
    const seen = await Promise.all(
      sides.map(async ({ client, cwd, fake }) => {
        const threadId = await startThread(client, { cwd });
        const mark = client.received.length;
        await client.request('thread/shellCommand', { threadId, command: 'sleep 1; echo done' });
        const started = await client.notification('turn/started');
        const turnId = started.params.turn.id;
        const input = (text: string): ParamsOf<'turn/start'>['input'] => [{ type: 'text', text }];
        const steer = await client.call('turn/steer', { threadId, expectedTurnId: turnId, input: input('steered') });
        const start = await client.call('turn/start', { threadId, input: input('started') });
        await turnCompleted(client, turnId);
        const messages = client.received.slice(mark);
        return {
          steerJoins: steer.turnId === turnId,
          startJoins: start.turn.id === turnId,
          // thread/started of the new thread may come just before or after the mark.
          sequence: sequenceOf(messages).filter((line) => !['item/commandExecution/outputDelta', 'thread/started'].includes(line)),
          userMessages: messages
            .filter((m) => isNotification(m, 'item/completed'))
            .map((m) => m.params.item)
            .flatMap((item) => (item.type === 'userMessage' ? [item.content[0]] : []))
            .map((content) => (content?.type === 'text' ? content.text : undefined)),

          modelRequests: fake.requests.length,
        };
      }),
    );
    assert.deepEqual(seen[0], seen[1]);
  });
});
