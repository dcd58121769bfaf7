import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames, toolCallFrames, within } from '../../helpers/fake-model-server.js';
import type { ScriptedReply } from '../../helpers/fake-model-server.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';
import { startBothSides } from '../../helpers/side-by-side.js';
import type { Side } from '../../helpers/side-by-side.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';
import {
  answer,
  conversationLines,
  hookEnded,
  hookPid,
  hookScriptDir,
  openGate,
  processAlive,
  processEnded,
  trustAllHooks,
  writeHooksJson,
} from './hook-rig.js';

/*
 * `"async": true` hooks, run by both servers from the same script: they run in the background, unreported, and
 * what they hand on (a `systemMessage`, context) reaches the client and the model at the next turn's start or
 * around the turn's next model request. The script's gates and the fake model's held replies fix when each hook
 * finishes, so both servers see the same order of events.
 */

const CONFIG = 'sandbox_mode = "danger-full-access"';

/** A hook's JSON answer: a `systemMessage` and context for the model, with whatever else `extra` adds. */
function notice(event: string, message: string, context: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ systemMessage: message, hookSpecificOutput: { hookEventName: event, additionalContext: context }, ...extra });
}

/** What a client sees of the turns: methods, item types, turn statuses and warnings (the reference's model-metadata warning aside). */
function sequence(messages: readonly ServerMessage[]): string[] {
  const skipped = ['thread/started', 'thread/tokenUsage/updated', 'account/rateLimits/updated', 'thread/readState/changed', 'thread/status/changed'];
  return messages.flatMap((message): string[] => {
    const method = message.method;
    if (typeof method !== 'string' || skipped.includes(method) || /delta$/i.test(method)) return [];
    const params = message.params as { item?: { type: string }; message?: string; turn?: { status: string } };
    if (method === 'warning') return params.message?.startsWith('Model metadata') === true ? [] : [`warning ${params.message}`];
    if (params.item !== undefined) return [`${method} ${params.item.type}`];
    if (method === 'turn/completed') return [`turn/completed ${params.turn?.status}`];
    return [method];
  });
}

/** The developer messages of the thread's rollout, as `{role, content}`. */
async function rolloutDeveloperMessages(side: Side, threadId: string, text: string): Promise<unknown[]> {
  const { thread } = await side.client.call('thread/read', { threadId });
  assert.ok(thread.path);
  return (await readFile(thread.path, 'utf8'))
    .split('\n')
    .filter((line) => line.includes(text))
    .map((line) => JSON.parse(line) as { type: string; payload: { type: string; role?: string; content?: unknown } })
    .filter((line) => line.type === 'response_item' && line.payload.role === 'developer')
    .map((line) => ({ role: line.payload.role, content: line.payload.content }));
}

/** A promise the test resolves when it decides. */
interface Gate {
  readonly opened: Promise<void>;
  readonly open: () => void;
}

function gate(): Gate {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('async hooks', () => {
  it('run in the background: the turn does not wait, nothing is reported, and what comes later opens the next turn', async (t) => {
    const replies = (): ScriptedReply[] => [
      sseReply(textTurnFrames(['done'], { responseId: 'resp_1', itemId: 'msg_1' })),
      sseReply(textTurnFrames(['again'], { responseId: 'resp_2', itemId: 'msg_2' })),
      sseReply(textTurnFrames(['third'], { responseId: 'resp_3', itemId: 'msg_3' })),
      sseReply(textTurnFrames(['spare'], { responseId: 'resp_4', itemId: 'msg_4' })),
    ];
    const sides = await startBothSides(t, replies, CONFIG);
    const run = async (side: Side) => {
      const { client, codexHome, cwd, fake } = side;
      const dir = await hookScriptDir(t);
      await writeHooksJson(codexHome, dir, {
        SessionStart: { async: true, timeout: 1 },
        UserPromptSubmit: { async: true },
        Stop: { async: true },
      });
      // Never let through: killed at its timeout, it hands nothing on.
      await answer(dir, 'SessionStart', 0, { gated: true, stdout: notice('SessionStart', 'never shown', 'never sent') });
      await answer(dir, 'UserPromptSubmit', 0, { gated: true, stdout: notice('UserPromptSubmit', 'late notice', 'late context') });
      // Plain text from a prompt hook is context too.
      await answer(dir, 'UserPromptSubmit', 1, { gated: true, stdout: 'plain context\n' });
      // A failed run, output the stop event does not accept (hookSpecificOutput), a block by exit status 2 and a
      // stop hook's block hand nothing on and change nothing.
      await answer(dir, 'Stop', 0, { code: 1, stdout: notice('Stop', 'failed notice', 'failed context') });
      await answer(dir, 'Stop', 1, { stdout: notice('Stop', 'invalid notice', 'invalid context') });
      await answer(dir, 'UserPromptSubmit', 2, { code: 2, stderr: 'not this prompt' });
      await answer(dir, 'Stop', 2, { stdout: JSON.stringify({ decision: 'block', reason: 'keep going' }) });
      await trustAllHooks(client);
      const listed = (await client.call('hooks/list', {})).data[0]?.hooks.map((hook) => [hook.eventName, hook.async, hook.trustStatus]);
      const threadId = await startThread(client, { cwd });
      const from = client.received.length;
      await turnCompleted(client, await startTextTurn(client, threadId, 'hello'));
      const promptHookRunning = processAlive(await hookPid(dir, 'UserPromptSubmit', 0));
      await hookEnded(dir, 'SessionStart', 0);
      await hookEnded(dir, 'Stop', 0);
      await openGate(dir, 'UserPromptSubmit', 0);
      await hookEnded(dir, 'UserPromptSubmit', 0);
      await turnCompleted(client, await startTextTurn(client, threadId, 'second'));
      await hookEnded(dir, 'Stop', 1);
      await openGate(dir, 'UserPromptSubmit', 1);
      await hookEnded(dir, 'UserPromptSubmit', 1);
      await turnCompleted(client, await startTextTurn(client, threadId, 'third'));
      await hookEnded(dir, 'UserPromptSubmit', 2);
      await hookEnded(dir, 'Stop', 2);
      return {
        listed,
        promptHookRunning,
        sequence: sequence(client.received.slice(from)),
        requests: fake.requests.map((request) => conversationLines(request, cwd, codexHome)),
        rollout: await rolloutDeveloperMessages(side, threadId, 'late context'),
      };
    };
    const [ours, reference] = await Promise.all([run(sides[0]), run(sides[1])]);
    assert.deepEqual(reference.listed, [
      ['sessionStart', true, 'trusted'],
      ['userPromptSubmit', true, 'trusted'],
      ['stop', true, 'trusted'],
    ]);
    assert.equal(reference.promptHookRunning, true);
    assert.deepEqual(reference.sequence, [
      'turn/started',
      'item/started userMessage',
      'item/completed userMessage',
      'item/started agentMessage',
      'item/completed agentMessage',
      'turn/completed completed',
      'turn/started',
      'warning late notice',
      'item/started userMessage',
      'item/completed userMessage',
      'item/started agentMessage',
      'item/completed agentMessage',
      'turn/completed completed',
      'turn/started',
      'item/started userMessage',
      'item/completed userMessage',
      'item/started agentMessage',
      'item/completed agentMessage',
      'turn/completed completed',
    ]);
    const second = ['user: hello', 'assistant: done', 'developer: late context', 'user: second'];
    assert.deepEqual(reference.requests, [
      ['user: hello'],
      second,
      [...second, 'assistant: again', 'developer: plain context', 'user: third'],
    ]);
    assert.deepEqual(reference.rollout, [{ role: 'developer', content: [{ type: 'input_text', text: 'late context' }] }]);
    assert.deepEqual(ours, reference);
  });

  it('hand on what they give while the model answers, which sends it back within the turn; their decisions are ignored', async (t) => {
    // Per side (startBothSides asks ours for its replies first): reply 1 waits until the session-start hook has
    // ended; reply 2 starts once both tool hooks have ended, and finishes once the client has seen its text, so the
    // servers have long taken in what the hooks handed on when the model's answer ends.
    const gates: { sessionHookEnded: Gate; toolHooksEnded: Gate; answerSeen: Gate }[] = [];
    const replies = (): ScriptedReply[] => {
      const side = { sessionHookEnded: gate(), toolHooksEnded: gate(), answerSeen: gate() };
      gates.push(side);
      // textTurnFrames: created, output_item.added, the delta, output_item.done, completed.
      const pace = (index: number) =>
        index === 0 ? side.toolHooksEnded.opened : index === 3 ? side.answerSeen.opened : undefined;
      return [
        sseReply(toolCallFrames({ name: 'exec_command', arguments: { cmd: 'echo hi', login: false }, callId: 'call_1' }), {
          hold: { count: 0, until: side.sessionHookEnded.opened },
        }),
        sseReply(textTurnFrames(['done'], { responseId: 'resp_2', itemId: 'msg_2' }), { pace }),
        sseReply(textTurnFrames(['again'], { responseId: 'resp_3', itemId: 'msg_3' })),
        sseReply(textTurnFrames(['spare'], { responseId: 'resp_4', itemId: 'msg_4' })),
      ];
    };
    const sides = await startBothSides(t, replies, CONFIG);
    const run = async (side: Side, index: number) => {
      const { client, codexHome, cwd, fake } = side;
      const dir = await hookScriptDir(t);
      await writeHooksJson(codexHome, dir, {
        SessionStart: { async: true },
        PreToolUse: { async: true },
        PostToolUse: { async: true },
      });
      const stop = { continue: false, stopReason: 'stop here' };
      await answer(dir, 'SessionStart', 0, { stdout: notice('SessionStart', 'session notice', 'session context', stop) });
      const deny = { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'not this' };
      await answer(dir, 'PreToolUse', 0, { stdout: JSON.stringify({ hookSpecificOutput: deny }) });
      const block = { decision: 'block', reason: 'blocked after the fact' };
      await answer(dir, 'PostToolUse', 0, { stdout: notice('PostToolUse', 'post notice', 'post context', block) });
      await trustAllHooks(client);
      const threadId = await startThread(client, { cwd });
      const from = client.received.length;
      const turnId = await startTextTurn(client, threadId, 'go');
      const gated = gates[index];
      assert.ok(gated);
      await hookEnded(dir, 'SessionStart', 0);
      gated.sessionHookEnded.open();
      await hookEnded(dir, 'PreToolUse', 0);
      await hookEnded(dir, 'PostToolUse', 0);
      gated.toolHooksEnded.open();
      await client.notification('item/agentMessage/delta', (params) => params.itemId === 'msg_2');
      gated.answerSeen.open();
      await turnCompleted(client, turnId);
      return {
        sequence: sequence(client.received.slice(from)),
        requests: fake.requests.map((request) => conversationLines(request, cwd, codexHome)),
      };
    };
    const [ours, reference] = await Promise.all([run(sides[0], 0), run(sides[1], 1)]);
    assert.deepEqual(reference.sequence, [
      'turn/started',
      'item/started userMessage',
      'item/completed userMessage',
      'item/started commandExecution',
      'item/completed commandExecution',
      'warning session notice',
      'item/started agentMessage',
      'item/completed agentMessage',
      'warning post notice',
      'item/started agentMessage',
      'item/completed agentMessage',
      'turn/completed completed',
    ]);
    const toolOutput = 'function_call_output: Process exited with code 0\nOriginal token count: 1\nOutput:\nhi\n';
    assert.deepEqual(reference.requests, [
      ['user: go'],
      ['user: go', 'function_call', toolOutput, 'developer: session context'],
      ['user: go', 'function_call', toolOutput, 'developer: session context', 'assistant: done', 'developer: post context'],
    ]);
    assert.deepEqual(ours, reference);
  });

  it('outlive an interrupted turn and end when their thread is unloaded', async (t) => {
    const replies = (): ScriptedReply[] => [
      sseReply(toolCallFrames({ name: 'exec_command', arguments: { cmd: 'sleep 30', login: false }, callId: 'call_1' })),
    ];
    const sides = await startBothSides(t, replies, `${CONFIG}\nthread_unload_delay_secs = 0`);
    const run = async (side: Side) => {
      const { client, codexHome, cwd } = side;
      const dir = await hookScriptDir(t);
      await writeHooksJson(codexHome, dir, { UserPromptSubmit: { async: true, timeout: 60 } });
      await answer(dir, 'UserPromptSubmit', 0, { gated: true });
      await trustAllHooks(client);
      const threadId = await startThread(client, { cwd });
      const turnId = await startTextTurn(client, threadId, 'go');
      const pid = await hookPid(dir, 'UserPromptSubmit', 0);
      await client.notification('item/started', (params) => params.item.type === 'commandExecution');
      await client.call('turn/interrupt', { threadId, turnId });
      const status = (await turnCompleted(client, turnId)).turn.status;
      const aliveAfterInterrupt = processAlive(pid);
      await client.call('thread/unsubscribe', { threadId });
      await client.notification('thread/closed', (params) => params.threadId === threadId);
      await hookEnded(dir, 'UserPromptSubmit', 0);
      return { status, aliveAfterInterrupt, pid };
    };
    const [ours, reference] = await Promise.all([run(sides[0]), run(sides[1])]);
    assert.deepEqual({ ...reference, pid: 0 }, { status: 'interrupted', aliveAfterInterrupt: true, pid: 0 });
    assert.deepEqual({ ...ours, pid: 0 }, { ...reference, pid: 0 });
    // Unlike the reference, which kills only the hook's shell, nothing the hook started is left behind: the hook
    // leads a process group of its own, and the whole group is gone.
    await processEnded(-ours.pid, 'the hook\'s process group to end');
  });

  it('end, with everything they started, when the server stops', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['done']))], configExtra: CONFIG });
    const dir = await hookScriptDir(t);
    await writeHooksJson(rig.server.codexHome, dir, { UserPromptSubmit: { async: true, timeout: 60 } });
    await answer(dir, 'UserPromptSubmit', 0, { gated: true });
    await trustAllHooks(rig.client);
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'go'));
    const pid = await hookPid(dir, 'UserPromptSubmit', 0);
    assert.equal(processAlive(pid), true);
    await within(rig.server.server.close(), 'the server to stop', 10_000);
    await processEnded(-pid, 'the hook\'s process group to end');
  });
});
