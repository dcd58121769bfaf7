import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sseReply, textTurnFrames, toolCallFrames } from '../../helpers/fake-model-server.js';
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

describe('hooks that answer continue: false', () => {
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

  it('fails a preToolUse hook and replaces the tool output with the stopReason of a postToolUse hook, as the reference does', async (t) => {
    const tools = () => [
      sseReply(toolCallFrames({ name: 'exec_command', arguments: { cmd: 'echo hi', login: false }, callId: 'call_1' })),
      sseReply(textTurnFrames(['done'], { responseId: 'resp_2', itemId: 'msg_2' })),
    ];
    const sides = await startBothSides(t, tools, 'sandbox_mode = "danger-full-access"');
    const run = async (side: Side) => {
      const dir = await hookScriptDir(t);
      await writeHooksJson(side.codexHome, dir, { PreToolUse: {}, PostToolUse: {} });
      await answer(dir, 'PreToolUse', 0, { stdout: JSON.stringify({ continue: false, stopReason: 'pre stop' }) });
      await answer(dir, 'PostToolUse', 0, { stdout: JSON.stringify({ continue: false, stopReason: 'post stop' }) });
      await trustAllHooks(side.client);
      const threadId = await startThread(side.client, { cwd: side.cwd });
      const from = side.client.received.length;
      const turn = (await turnCompleted(side.client, await startTextTurn(side.client, threadId, 'go'))) as { turn: { status: string } };
      return {
        status: turn.turn.status,
        runs: hookRuns(side.client.received.slice(from), side.codexHome)
          .filter((r) => r.method === 'hook/completed')
          .map((r) => [r.id, r.status, r.entries]),
        lastRequest: conversationLines(side.fake.requests.at(-1), side.cwd, side.codexHome),
      };
    };
    const [ours, reference] = await Promise.all([run(sides[0]), run(sides[1])]);
    assert.deepEqual(reference.runs.map(([, status, entries]) => [status, entries]), [
      ['failed', [{ kind: 'error', text: 'PreToolUse hook returned unsupported continue:false' }]],
      ['stopped', [{ kind: 'stop', text: 'post stop' }]],
    ]);
    assert.deepEqual(reference.lastRequest, ['user: go', 'function_call', 'function_call_output: post stop']);
    assert.deepEqual(ours, reference);
  });

  it('fails a stop hook that answers with hookSpecificOutput, as the reference does', async (t) => {
    const sides = await startBothSides(t, replies, 'sandbox_mode = "danger-full-access"');
    const run = async (side: Side) => {
      const dir = await hookScriptDir(t);
      await writeHooksJson(side.codexHome, dir, { Stop: {} });
      const specific = { hookEventName: 'Stop', additionalContext: 'not for a stop hook' };
      await answer(dir, 'Stop', 0, { stdout: JSON.stringify({ systemMessage: 'notice', hookSpecificOutput: specific }) });
      await trustAllHooks(side.client);
      const threadId = await startThread(side.client, { cwd: side.cwd });
      const from = side.client.received.length;
      await turnCompleted(side.client, await startTextTurn(side.client, threadId, 'go'));
      return hookRuns(side.client.received.slice(from), side.codexHome)
        .filter((run) => run.method === 'hook/completed')
        .map((run) => [run.status, run.entries]);
    };
    const [ours, reference] = await Promise.all([run(sides[0]), run(sides[1])]);
    assert.deepEqual(reference, [['failed', [{ kind: 'error', text: 'hook returned invalid stop hook JSON output' }]]]);
    assert.deepEqual(ours, reference);
  });
});
