import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames, type RecordedRequest, type SseReply } from '../../helpers/fake-model-server.js';
import { startReferenceServer } from '../../helpers/reference-server.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';
import { namespacedCall } from '../../helpers/sub-agent-script.js';
import { resultOf, startThread, startThreadRig } from '../../helpers/thread-server.js';

/*
 * What a sub-agent's model requests carry, as observed from the reference 0.169.0 with the same script: they belong
 * to the root thread's session (`session-id`, `prompt_cache_key`, the metadata's `session_id`) while naming the
 * child as their thread, name the parent thread and turn, and mark themselves a spawned agent. With
 * `fork_context: true` the child starts with the parent's conversation (its messages, not its tool calls).
 */

const PARENT = 'PARENT GO';

interface Body {
  input: { type: string; role?: string; content?: { text?: string }[] }[];
  prompt_cache_key: string;
  client_metadata: Record<string, string>;
}

const answer = (text: string, id: string) => sseReply(textTurnFrames([text], { responseId: `resp_${id}`, itemId: `msg_${id}` }));

/**
 * A parent whose turn on PARENT runs `steps` (each given the first spawned agent's id), answering any other of its
 * requests with 'first answer'; every other thread's request is a child's, answered 'child result'.
 */
function script(steps: readonly ((agent: string) => SseReply)[]) {
  let parentId = '';
  const decide = (request: RecordedRequest) => {
    if (request.headers['thread-id'] !== parentId) return answer('child result', 'child');
    const input = (request.body as Body).input;
    if (!JSON.stringify(input).includes(PARENT)) return answer('first answer', 'first');
    const outputs = input.filter((item) => item.type === 'function_call_output').map((item) => String((item as { output?: unknown }).output));
    const agent = outputs[0] === undefined ? '' : (JSON.parse(outputs[0]) as { agent_id: string }).agent_id;
    return steps[outputs.length]?.(agent) ?? answer('parent done', 'done');
  };
  return {
    replies: Array.from({ length: 20 }, () => ({ kind: 'dynamic' as const, reply: decide })),
    setParent: (id: string) => {
      parentId = id;
    },
  };
}

function completedTurn(threadId: string) {
  return (message: ServerMessage) =>
    message.method === 'turn/completed' && (message.params as { threadId: string }).threadId === threadId;
}

function metadataOf(request: RecordedRequest): Record<string, unknown> {
  return JSON.parse(String(request.headers['x-codex-turn-metadata'])) as Record<string, unknown>;
}

function messageTexts(request: RecordedRequest): string[] {
  return (request.body as Body).input.flatMap((item) =>
    item.type === 'message' ? [`${item.role}:${item.content?.map((part) => part.text ?? '').join('') ?? ''}`] : [],
  );
}

describe('sub-agent model requests', () => {
  it("identify the child within its root thread's session, as the reference does", { timeout: 60_000 }, async (t) => {
    const { replies, setParent } = script([
      () => namespacedCall('spawn_agent', { message: 'CHILD A task' }, 'c1'),
      (agent) => namespacedCall('wait_agent', { targets: [agent] }, 'c2'),
    ]);
    const rig = await startThreadRig(t, { replies });
    const parent = await startThread(rig.client);
    setParent(parent);
    const turn = resultOf(await rig.client.request('turn/start', { threadId: parent, input: [{ type: 'text', text: PARENT }] }));
    const parentTurn = (turn.turn as { id: string }).id;
    await rig.client.waitFor(completedTurn(parent), 'the parent turn', 30_000);

    const childRequest = rig.fake.requests.find((request) => request.headers['thread-id'] !== parent);
    assert.ok(childRequest, 'the child asked the model');
    const child = String(childRequest.headers['thread-id']);
    const headers = childRequest.headers;
    assert.deepEqual(
      {
        session: headers['session-id'],
        request: headers['x-client-request-id'],
        window: headers['x-codex-window-id'],
        parent: headers['x-codex-parent-thread-id'],
        kind: headers['x-openai-subagent'],
      },
      { session: parent, request: child, window: `${child}:0`, parent, kind: 'collab_spawn' },
    );
    const body = childRequest.body as Body;
    assert.equal(body.prompt_cache_key, parent);
    const metadata = metadataOf(childRequest);
    const childTurn = String(metadata.turn_id);
    assert.deepEqual(
      Object.keys(metadata).slice(0, 15),
      [
        'installation_id', 'session_id', 'thread_id', 'agent_name', 'turn_id', 'window_id', 'window_number',
        'context_window_id', 'request_kind', 'history_initialization', 'parent_thread_id', 'parent_turn_id',
        'root_turn_id', 'subagent_kind', 'thread_source',
      ],
      'the reference order of the metadata keys',
    );
    assert.deepEqual(
      {
        session_id: metadata.session_id,
        thread_id: metadata.thread_id,
        history_initialization: metadata.history_initialization,
        parent_thread_id: metadata.parent_thread_id,
        parent_turn_id: metadata.parent_turn_id,
        root_turn_id: metadata.root_turn_id,
        subagent_kind: metadata.subagent_kind,
        thread_source: metadata.thread_source,
      },
      {
        session_id: parent,
        thread_id: child,
        history_initialization: 'new',
        parent_thread_id: parent,
        parent_turn_id: parentTurn,
        root_turn_id: parentTurn,
        subagent_kind: 'thread_spawn',
        thread_source: 'subagent',
      },
    );
    const { 'x-codex-turn-metadata': turnMetadata, 'x-codex-installation-id': _installation, ...clientMetadata } = body.client_metadata;
    assert.equal(turnMetadata, headers['x-codex-turn-metadata']);
    assert.deepEqual(clientMetadata, {
      turn_id: childTurn,
      parent_turn_id: parentTurn,
      root_turn_id: parentTurn,
      session_id: parent,
      thread_id: child,
      'x-codex-window-id': `${child}:0`,
      'x-codex-parent-thread-id': parent,
      'x-openai-subagent': 'collab_spawn',
    });

    // The parent's own requests stay a root thread's: no parent fields, its own session.
    const parentRequest = rig.fake.requests.find((request) => request.headers['thread-id'] === parent) as RecordedRequest;
    assert.equal(parentRequest.headers['x-openai-subagent'], undefined);
    assert.equal(metadataOf(parentRequest).parent_thread_id, undefined);
    assert.equal(metadataOf(parentRequest).root_turn_id, parentTurn);

    // A loaded child shows the root's session; its session_meta carries it too.
    const read = resultOf(await rig.client.request('thread/read', { threadId: child })).thread as { sessionId: string; forkedFromId: string | null };
    assert.deepEqual({ session: read.sessionId, forkedFrom: read.forkedFromId }, { session: parent, forkedFrom: null });
  });

  it('fork_context: the child starts with the parent conversation, without its tool calls', { timeout: 60_000 }, async (t) => {
    const { replies, setParent } = script([
      () => namespacedCall('spawn_agent', { message: 'CHILD F task', fork_context: true }, 'f1'),
      (agent) => namespacedCall('wait_agent', { targets: [agent] }, 'f2'),
      (agent) => namespacedCall('send_input', { target: agent, message: 'CHILD F more' }, 'f3'),
      (agent) => namespacedCall('wait_agent', { targets: [agent] }, 'f4'),
    ]);
    const rig = await startThreadRig(t, { replies });
    const parent = await startThread(rig.client);
    setParent(parent);
    await rig.client.request('turn/start', { threadId: parent, input: [{ type: 'text', text: 'FIRST' }] });
    await rig.client.waitFor(completedTurn(parent), 'the first parent turn', 30_000);
    const before = rig.client.received.length;
    await rig.client.request('turn/start', { threadId: parent, input: [{ type: 'text', text: PARENT }] });
    await rig.client.waitFor(
      (message) => rig.client.received.indexOf(message) >= before && completedTurn(parent)(message),
      'the second parent turn',
      30_000,
    );

    const parentRequests = rig.fake.requests.filter((request) => request.headers['thread-id'] === parent);
    const childRequests = rig.fake.requests.filter((request) => request.headers['thread-id'] !== parent);
    assert.equal(childRequests.length, 2, 'two child turns');
    const [first, second] = childRequests as [RecordedRequest, RecordedRequest];
    // The spawning request of the parent, less its assistant answer (which had no final-answer phase): the
    // opening context, FIRST and PARENT GO; then the child's task.
    const spawning = parentRequests.find((request) => JSON.stringify((request.body as Body).input).includes(PARENT)) as RecordedRequest;
    const inherited = messageTexts(spawning).filter((text) => !text.startsWith('assistant:'));
    assert.deepEqual(messageTexts(first), [...inherited, 'user:CHILD F task']);
    assert.ok(inherited.includes('user:FIRST') && !messageTexts(first).includes('assistant:first answer'));
    assert.ok(!(first.body as Body).input.some((item) => item.type === 'function_call'), 'no tool calls inherited');
    assert.deepEqual(messageTexts(second).slice(-3), ['user:CHILD F task', 'assistant:child result', 'user:CHILD F more']);
    assert.deepEqual([first, second].map((request) => metadataOf(request).history_initialization), ['warm_fork', 'warm_fork']);

    const child = String(first.headers['thread-id']);
    const read = resultOf(await rig.client.request('thread/read', { threadId: child, includeTurns: true })).thread as {
      forkedFromId: string | null;
      turns: { items: { type: string; text?: string; content?: { text: string }[] }[] }[];
    };
    assert.equal(read.forkedFromId, parent);
    assert.deepEqual(
      read.turns.map((turn) => turn.items.map((item) => item.text ?? item.content?.[0]?.text)),
      [['CHILD F task', 'child result'], ['CHILD F more', 'child result']],
      'only its own turns',
    );

    // The reference reads the forked child's rollout the same way: its own two turns, forked from the parent (its
    // thread/turns/list answered [] before it loaded the thread, hence the resume).
    const reference = await startReferenceServer(t, rig.server.codexHome, tmpdir());
    const stored = resultOf(await reference.request('thread/resume', { threadId: child })).thread as { forkedFromId: string };
    assert.equal(stored.forkedFromId, parent);
    const listed = resultOf(await reference.request('thread/turns/list', { threadId: child })).data as { items: { type: string }[] }[];
    assert.deepEqual(
      listed.map((turn) => turn.items.map((item) => item.type)),
      [['userMessage', 'agentMessage'], ['userMessage', 'agentMessage']],
    );
  });
});
