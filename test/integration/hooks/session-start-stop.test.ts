import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { startBothSides } from '../../helpers/side-by-side.js';
import type { Side } from '../../helpers/side-by-side.js';
import { startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';
import { answer, conversationLines, hookRuns, hookScriptDir, trustAllHooks, writeHooksJson } from './hook-rig.js';

const replies = () => [sseReply(textTurnFrames(['done'], { responseId: 'resp_1', itemId: 'msg_1' }))];

/** Two turns on `side`, the session-start hook answering `continue: false` with context. */
async function stoppedSession(t: TestContext, side: Side) {
  const { client, codexHome, cwd, fake } = side;
  const dir = await hookScriptDir(t);
  await writeHooksJson(codexHome, dir, { SessionStart: {}, UserPromptSubmit: {} });
  const stop = { continue: false, stopReason: 'not today', hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: 'ctx' } };
  await answer(dir, 'SessionStart', 0, { stdout: JSON.stringify(stop) });
  await trustAllHooks(client);
  const threadId = await startThread(client, { cwd });
  const from = client.received.length;
  const first = (await turnCompleted(client, await startTextTurn(client, threadId, 'go'))) as { turn: Record<string, unknown> };
  const firstMethods = client.received
    .slice(from)
    .map((m) => m.method)
    .filter((method): method is string => typeof method === 'string' && !['warning', 'thread/started', 'thread/status/changed'].includes(method));
  const requestsAfterFirst = fake.requests.length;
  await turnCompleted(client, await startTextTurn(client, threadId, 'second'));
  return {
    firstTurn: { status: first.turn.status, items: first.turn.items, error: first.turn.error },
    firstMethods,
    requestsAfterFirst,
    runs: hookRuns(client.received.slice(from), codexHome)
      .filter((run) => run.method === 'hook/completed')
      .map((run) => [run.id, run.status, run.entries]),
    secondRequest: conversationLines(fake.requests.at(-1), cwd, codexHome),
  };
}

describe('a session-start hook that answers continue: false', () => {
  it('ends the first turn before the prompt hooks, the message and the model, keeping its context, as the reference does', async (t) => {
    const sides = await startBothSides(t, replies, 'sandbox_mode = "danger-full-access"');
    const [ours, reference] = await Promise.all([stoppedSession(t, sides[0]), stoppedSession(t, sides[1])]);
    assert.deepEqual(reference.firstTurn, { status: 'completed', items: [], error: null });
    assert.deepEqual(reference.firstMethods, ['turn/started', 'hook/started', 'hook/completed', 'turn/completed']);
    assert.equal(reference.requestsAfterFirst, 0);
    // It runs once per loaded thread: the second turn runs only the prompt hook; the first prompt never entered.
    assert.deepEqual(reference.runs.map(([id, status]) => [id, status]), [
      ['session-start:0:<home>/hooks.json', 'stopped'],
      ['user-prompt-submit:1:<home>/hooks.json', 'completed'],
    ]);
    assert.deepEqual(reference.secondRequest, ['developer: ctx', 'user: second']);
    assert.deepEqual(ours, reference);
  });
});
