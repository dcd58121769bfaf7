import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sseReply, textTurnFrames, toolCallFrames } from '../../helpers/fake-model-server.js';
import { startBothSides } from '../../helpers/side-by-side.js';
import type { Side } from '../../helpers/side-by-side.js';
import { resultOf, startThread, turnCompleted } from '../../helpers/thread-server.js';
import { answer, contextAnswer, conversationLines, hookInputs, hookRuns, hookScriptDir, trustAllHooks, writeHooksJson } from './hook-rig.js';

const VERDICT = { findings: [], overall_correctness: 'patch is correct', overall_explanation: 'ok', overall_confidence_score: 0.5 };

/** The reviewer runs a command, then gives its verdict. */
const replies = () => [
  sseReply(toolCallFrames({ name: 'exec_command', arguments: { cmd: 'echo hi', login: false }, callId: 'call_1' })),
  sseReply(textTurnFrames([JSON.stringify(VERDICT)], { responseId: 'resp_2', itemId: 'msg_2' })),
];

/** A custom review on `side` with every event hooked; the prompt hook adds context. */
async function hookedReview(t: TestContext, side: Side) {
  const { client, codexHome, cwd, fake } = side;
  const dir = await hookScriptDir(t);
  await writeHooksJson(codexHome, dir, { SessionStart: {}, UserPromptSubmit: {}, PreToolUse: {}, PostToolUse: {}, Stop: {} });
  await answer(dir, 'UserPromptSubmit', 0, contextAnswer('UserPromptSubmit', 'context for the reviewer'));
  await trustAllHooks(client);
  const threadId = await startThread(client, { cwd });
  const from = client.received.length;
  const review = await client.call('review/start', { threadId, target: { type: 'custom', instructions: 'Check it' } });
  await turnCompleted(client, (review.turn as { id: string }).id);
  const messages = client.received.slice(from);
  const reviewerTurnId = (messages.find((m) => m.method === 'turn/started')?.params as { turn: { id: string } }).turn.id;
  return {
    hookTurnIds: [
      ...new Set(messages.filter((m) => m.method === 'hook/completed').map((m) => (m.params as { turnId: string }).turnId === reviewerTurnId)),
    ],
    runs: hookRuns(messages, codexHome).filter((run) => run.method === 'hook/completed').map((run) => [run.id, run.status, run.entries]),
    inputs: await hookInputs(dir, cwd, codexHome),
    lastRequest: conversationLines(fake.requests.at(-1), cwd, codexHome),
  };
}

describe('hooks in a review turn', () => {
  it('run the prompt and tool hooks under the reviewer turn, not session-start or stop, as the reference does', async (t) => {
    const sides = await startBothSides(t, replies, 'sandbox_mode = "danger-full-access"');
    const [ours, reference] = await Promise.all([hookedReview(t, sides[0]), hookedReview(t, sides[1])]);
    assert.deepEqual(reference.hookTurnIds, [true]);
    assert.deepEqual(Object.keys(reference.inputs).sort(), ['PostToolUse.0', 'PreToolUse.0', 'UserPromptSubmit.0']);
    assert.deepEqual(reference.lastRequest.slice(0, 2), ['user: Check it', 'developer: context for the reviewer']);
    assert.deepEqual(ours, reference);
  });
});
