import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sseReply, textTurnFrames, toolCallFrames } from '../../helpers/fake-model-server.js';
import type { ScriptedReply } from '../../helpers/fake-model-server.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';
import { startBothSides } from '../../helpers/side-by-side.js';
import type { Side } from '../../helpers/side-by-side.js';
import { resultOf, startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';
import {
  answer,
  contextAnswer,
  conversationLines,
  hookInputs,
  hookRuns,
  hookScriptDir,
  trustAllHooks,
  writeHooksJson,
} from './hook-rig.js';

/** Commands run as they are, on both sides: the reference's sandbox helper is not installed here. */
const CONFIG = 'sandbox_mode = "danger-full-access"';

const EVENTS = {
  SessionStart: {},
  UserPromptSubmit: {},
  PreToolUse: { matcher: 'Bash' },
  PostToolUse: { matcher: '^Ba.h$' },
  PreCompact: {},
  PostCompact: {},
  Stop: {},
};

/** A tool call (`echo hi`), then answers: the model's replies for one turn a stop hook may extend. */
function toolTurnReplies(): ScriptedReply[] {
  return [
    sseReply(toolCallFrames({ name: 'exec_command', arguments: { cmd: 'echo hi', login: false }, callId: 'call_1' })),
    sseReply(textTurnFrames(['done'], { responseId: 'resp_2', itemId: 'msg_2' })),
    sseReply(textTurnFrames(['again'], { responseId: 'resp_3', itemId: 'msg_3' })),
  ];
}

/** The turn's messages as lines: hook runs with their event and status, items with their type. */
function turnSequence(messages: readonly ServerMessage[]): string[] {
  // thread/started may follow thread/start's answer (the reference sends it after); the rest are not hooks' business.
  const skipped = ['thread/started', 'thread/tokenUsage/updated', 'account/rateLimits/updated', 'thread/readState/changed', 'warning'];
  return messages.flatMap((message): string[] => {
    const method = message.method;
    if (typeof method !== 'string' || skipped.includes(method) || /delta$/i.test(method)) return [];
    const params = message.params as { run?: { eventName: string; status: string }; item?: { type: string } };
    if (params.run !== undefined) return [`${method} ${params.run.eventName} ${params.run.status}`];
    if (params.item !== undefined) return [`${method} ${params.item.type}`];
    return [method];
  });
}

interface Observed {
  sequence: string[];
  runs: Record<string, unknown>[];
  inputs: Record<string, unknown>;
  lastRequest: string[];
  read: unknown[];
}

interface TurnPlan {
  readonly events?: Parameters<typeof writeHooksJson>[2];
  readonly threadParams?: Record<string, unknown>;
  /** One turn per prompt, in order; then a thread/compact/start when `compact` is set. */
  readonly prompts?: readonly string[];
  readonly compact?: boolean;
}

/** Runs turns on `side` with trusted hooks answering as `answers` set up, and collects what happened. */
async function hookedTurn(
  t: TestContext,
  side: Side,
  answers: (dir: string) => Promise<void>,
  plan: TurnPlan = {},
): Promise<Observed> {
  const { client, codexHome, cwd, fake } = side;
  const dir = await hookScriptDir(t);
  await writeHooksJson(codexHome, dir, plan.events ?? EVENTS);
  await answers(dir);
  await trustAllHooks(client);
  const threadId = await startThread(client, { cwd, ...plan.threadParams });
  const from = client.received.length;
  for (const prompt of plan.prompts ?? ['hello']) await turnCompleted(client, await startTextTurn(client, threadId, prompt));
  if (plan.compact === true) {
    const mark = client.received.length;
    await client.call('thread/compact/start', { threadId });
    await client.waitFor((m) => m.method === 'turn/completed' && client.received.indexOf(m) > mark, 'compaction turn');
  }
  const messages = client.received.slice(from);
  const read = await client.call('thread/read', { threadId, includeTurns: true }) as {
    thread: { turns: { items: { type: string; fragments?: unknown }[] }[] };
  };
  const hookPrompts = read.thread.turns.flatMap((turn) => turn.items).filter((item) => item.type === 'hookPrompt');
  return {
    sequence: turnSequence(messages),
    runs: hookRuns(messages, codexHome),
    inputs: await hookInputs(dir, cwd, codexHome),
    lastRequest: conversationLines(fake.requests.at(-1), cwd, codexHome),
    read: JSON.parse(JSON.stringify(hookPrompts).split(codexHome).join('<home>')) as unknown[],
  };
}

describe('hooks run at their events', () => {
  it('adds context, runs around a tool call, and a blocking stop hook sends the model back with its reason, as the reference does', async (t) => {
    const sides = await startBothSides(t, toolTurnReplies, CONFIG);
    const [ours, reference] = await Promise.all(
      sides.map((side) =>
        hookedTurn(t, side, async (dir) => {
          await answer(dir, 'SessionStart', 0, contextAnswer('SessionStart', 'context from session start'));
          await answer(dir, 'UserPromptSubmit', 0, { stdout: 'plain context from the prompt hook\n' });
          // The hook also rewrites the command: the tool runs `echo rewritten`, the model's call stays as it was.
          const pre = {
            hookEventName: 'PreToolUse',
            additionalContext: 'context before the tool',
            permissionDecision: 'allow',
            updatedInput: { command: 'echo rewritten' },
          };
          await answer(dir, 'PreToolUse', 0, { stdout: JSON.stringify({ hookSpecificOutput: pre }) });
          await answer(dir, 'PostToolUse', 0, contextAnswer('PostToolUse', 'context after the tool'));
          await answer(dir, 'Stop', 0, { stdout: JSON.stringify({ decision: 'block', reason: 'keep going: a < b & "c"' }) });
        }),
      ),
    );
    assert.ok(ours !== undefined && reference !== undefined);

    assert.deepEqual(ours.sequence, [
      'thread/status/changed',
      'turn/started',
      'hook/started sessionStart running',
      'hook/completed sessionStart completed',
      'hook/started userPromptSubmit running',
      'hook/completed userPromptSubmit completed',
      'item/started userMessage',
      'item/completed userMessage',
      'hook/started preToolUse running',
      'hook/completed preToolUse completed',
      'item/started commandExecution',
      'item/completed commandExecution',
      'hook/started postToolUse running',
      'hook/completed postToolUse completed',
      'item/started agentMessage',
      'item/completed agentMessage',
      'hook/started stop running',
      'hook/completed stop blocked',
      'item/started hookPrompt',
      'item/completed hookPrompt',
      'item/started agentMessage',
      'item/completed agentMessage',
      'hook/started stop running',
      'hook/completed stop completed',
      'thread/status/changed',
      'turn/completed',
    ]);
    assert.deepEqual(ours.sequence, reference.sequence);

    const stopRun = ours.runs.find((run) => run.method === 'hook/completed' && run.eventName === 'stop');
    assert.deepEqual(stopRun, {
      method: 'hook/completed',
      id: 'stop:6:<home>/hooks.json',
      eventName: 'stop',
      handlerType: 'command',
      executionMode: 'sync',
      scope: 'turn',
      sourcePath: '<home>/hooks.json',
      source: 'user',
      displayOrder: 6,
      status: 'blocked',
      statusMessage: null,
      completedAt: 'set',
      durationMs: 'set',
      entries: [{ kind: 'feedback', text: 'keep going: a < b & "c"' }],
    });
    assert.deepEqual(ours.runs, reference.runs);

    assert.deepEqual(ours.lastRequest, [
      'developer: context from session start',
      'user: hello',
      'developer: plain context from the prompt hook',
      'function_call',
      'developer: context before the tool',
      'developer: context after the tool',
      'function_call_output: Process exited with code 0\nOriginal token count: 3\nOutput:\nrewritten\n',
      'assistant: done',
      'user: <hook_prompt hook_run_id="stop:6:<home>/hooks.json">keep going: a &lt; b &amp; "c"</hook_prompt>',
    ]);
    assert.deepEqual(ours.lastRequest, reference.lastRequest);

    assert.deepEqual(ours.inputs['Stop.1'], {
      session_id: 'string',
      turn_id: 'string',
      transcript_path: 'string',
      cwd: '<cwd>',
      hook_event_name: 'Stop',
      model: 'mock-model',
      permission_mode: 'bypassPermissions',
      stop_hook_active: true,
      last_assistant_message: 'again',
    });
    assert.deepEqual((ours.inputs['PostToolUse.0'] as { tool_input: unknown }).tool_input, { command: 'echo rewritten' });
    assert.deepEqual(ours.inputs, reference.inputs);

    // thread/read shows the hook's prompt as an item of the turn.
    const [prompt] = ours.read as { id: string; startedAtMs: number; completedAtMs: number }[];
    assert.ok(prompt !== undefined);
    assert.deepEqual(ours.read, [
      {
        type: 'hookPrompt',
        id: prompt.id,
        fragments: [{ text: 'keep going: a < b & "c"', hookRunId: 'stop:6:<home>/hooks.json' }],
        startedAtMs: prompt.startedAtMs,
        completedAtMs: prompt.completedAtMs,
      },
    ]);
  });

  it('blocks a tool call, and reports a crashing or slow hook without holding up the turn, as the reference does', async (t) => {
    const replies = () => toolTurnReplies().slice(0, 2);
    const sides = await startBothSides(t, replies, CONFIG);
    const [ours, reference] = await Promise.all(
      sides.map((side) =>
        hookedTurn(t, side, async (dir) => {
          await answer(dir, 'UserPromptSubmit', 0, { code: 1, stderr: 'oops' });
          await answer(dir, 'PreToolUse', 0, { code: 2, stderr: 'not this command' });
          await answer(dir, 'Stop', 0, { sleepSec: 30 });
        }, { events: { ...EVENTS, Stop: { timeout: 1 } } }).catch((error: unknown) => {
          throw new Error(`${side.name}: ${String(error)}`);
        }),
      ),
    );
    assert.ok(ours !== undefined && reference !== undefined);
    const completed = (runs: Record<string, unknown>[]) =>
      runs.filter((run) => run.method === 'hook/completed').map((run) => [run.eventName, run.status, run.entries]);
    assert.deepEqual(completed(ours.runs), [
      ['sessionStart', 'completed', []],
      ['userPromptSubmit', 'failed', [{ kind: 'error', text: 'hook exited with code 1' }]],
      ['preToolUse', 'blocked', [{ kind: 'feedback', text: 'not this command' }]],
      ['stop', 'failed', [{ kind: 'error', text: 'hook timed out after 1s' }]],
    ]);
    assert.deepEqual(ours.runs, reference.runs);
    // The blocked command never ran (no item, no postToolUse); the model reads why.
    assert.ok(!ours.sequence.some((line) => line.includes('commandExecution') || line.includes('postToolUse')));
    assert.deepEqual(ours.sequence, reference.sequence);
    assert.deepEqual(ours.lastRequest.slice(1), [
      'function_call',
      'function_call_output: Command blocked by PreToolUse hook: not this command. Command: echo hi',
    ]);
    assert.deepEqual(ours.lastRequest, reference.lastRequest);
  });

  it('ends a turn whose prompt a hook blocks, and lets a permissionRequest hook deny an escalation before the user is asked, as the reference does', async (t) => {
    const replies = () => [
      sseReply(
        toolCallFrames({
          name: 'exec_command',
          arguments: { cmd: 'touch escalated', sandbox_permissions: 'require_escalated', justification: 'need it' },
          callId: 'call_1',
        }),
      ),
      sseReply(textTurnFrames(['ok'], { responseId: 'resp_2', itemId: 'msg_2' })),
    ];
    const sides = await startBothSides(t, replies);
    const [ours, reference] = await Promise.all(
      sides.map((side) =>
        hookedTurn(
          t,
          side,
          async (dir) => {
            await answer(dir, 'UserPromptSubmit', 0, { code: 2, stderr: 'not this prompt' });
            const deny = { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'no escalation' } };
            await answer(dir, 'PermissionRequest', 0, { stdout: JSON.stringify({ hookSpecificOutput: deny }) });
          },
          {
            events: { ...EVENTS, PermissionRequest: { matcher: 'Bash' } },
            threadParams: { approvalPolicy: 'on-request' },
            prompts: ['blocked prompt', 'hello'],
          },
        ),
      ),
    );
    assert.ok(ours !== undefined && reference !== undefined);
    assert.deepEqual(ours.sequence, [
      'thread/status/changed',
      'turn/started',
      'hook/started sessionStart running',
      'hook/completed sessionStart completed',
      'hook/started userPromptSubmit running',
      'hook/completed userPromptSubmit blocked',
      'thread/status/changed',
      'turn/completed',
      'thread/status/changed',
      'turn/started',
      'hook/started userPromptSubmit running',
      'hook/completed userPromptSubmit completed',
      'item/started userMessage',
      'item/completed userMessage',
      'hook/started preToolUse running',
      'hook/completed preToolUse completed',
      'hook/started permissionRequest running',
      'hook/completed permissionRequest blocked',
      'item/started agentMessage',
      'item/completed agentMessage',
      'hook/started stop running',
      'hook/completed stop completed',
      'thread/status/changed',
      'turn/completed',
    ]);
    assert.deepEqual(ours.sequence, reference.sequence);
    assert.deepEqual(ours.runs, reference.runs);
    // The blocked prompt never reached the model; the denial is the command's answer.
    assert.deepEqual(ours.lastRequest, [
      'user: hello',
      'function_call',
      'function_call_output: exec_command failed: CreateProcess { message: "Rejected(\\"no escalation\\")" }',
    ]);
    assert.deepEqual(ours.lastRequest, reference.lastRequest);
    assert.deepEqual(ours.inputs['PermissionRequest.0'], {
      session_id: 'string',
      turn_id: 'string',
      transcript_path: 'string',
      cwd: '<cwd>',
      hook_event_name: 'PermissionRequest',
      model: 'mock-model',
      permission_mode: 'default',
      tool_name: 'Bash',
      tool_input: { command: 'touch escalated', description: 'need it' },
    });
    assert.deepEqual(ours.inputs, reference.inputs);
  });

  it('runs preCompact and postCompact around a compaction, as the reference does', async (t) => {
    const replies = () => [
      sseReply(textTurnFrames(['hi'], { responseId: 'resp_1', itemId: 'msg_1' })),
      sseReply(textTurnFrames(['SUMMARY'], { responseId: 'resp_2', itemId: 'msg_2' })),
    ];
    const sides = await startBothSides(t, replies, CONFIG);
    const [ours, reference] = await Promise.all(
      sides.map((side) =>
        hookedTurn(t, side, async (dir) => answer(dir, 'PreCompact', 0, { stdout: '{"systemMessage":"compacting now"}' }), {
          compact: true,
        }),
      ),
    );
    assert.ok(ours !== undefined && reference !== undefined);
    const compaction = ours.sequence.slice(ours.sequence.lastIndexOf('turn/started'));
    assert.deepEqual(compaction, [
      'turn/started',
      'hook/started preCompact running',
      'hook/completed preCompact completed',
      'item/started contextCompaction',
      'item/completed contextCompaction',
      'hook/started postCompact running',
      'hook/completed postCompact completed',
      'thread/status/changed',
      'turn/completed',
    ]);
    assert.deepEqual(ours.sequence, reference.sequence);
    assert.deepEqual(ours.runs, reference.runs);
    assert.deepEqual(ours.inputs['PostCompact.0'], {
      session_id: 'string',
      turn_id: 'string',
      transcript_path: 'string',
      cwd: '<cwd>',
      hook_event_name: 'PostCompact',
      model: 'mock-model',
      trigger: 'manual',
    });
    assert.deepEqual(ours.inputs, reference.inputs);
  });
});
