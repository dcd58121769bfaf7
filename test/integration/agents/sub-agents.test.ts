import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { httpReply, sseReply, textTurnFrames, type RecordedRequest, type SseReply } from '../../helpers/fake-model-server.js';
import { isNotification } from '../../helpers/rpc-client.js';
import type { RpcTestClient, ServerMessage } from '../../helpers/rpc-client.js';
import { namespacedCall } from '../../helpers/sub-agent-script.js';
import { resultOf, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

/*
 * The multi-agent tools on their own (the rig's `mock-model` is a model this server does not know, so it is offered
 * them): the answers the reference 0.169.0 gives for closed, resumed and unknown agents (observed with the same
 * script), a child whose model fails, and an interrupted parent.
 */

const PARENT = 'PARENT GO';
/** A 1×1 PNG. */
const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';

type Step = (agent: string) => SseReply;

/** A parent that runs `steps` in turn (each given the first spawned agent's id) and children that answer `child`. */
function script(steps: readonly Step[], child: (request: RecordedRequest) => SseReply | ReturnType<typeof httpReply>) {
  const outputs: string[] = [];
  const decide = (request: RecordedRequest) => {
    const input = (request.body as { input: Array<Record<string, unknown>> }).input;
    if (!JSON.stringify(input).includes(PARENT)) return child(request);
    const seen = input.filter((item) => item.type === 'function_call_output').map((item) => String(item.output));
    if (seen.length > outputs.length) outputs.push(seen.at(-1) as string);
    const agent = seen[0] === undefined ? '' : (JSON.parse(seen[0]) as { agent_id: string }).agent_id;
    const step = steps[seen.length];
    return step === undefined ? sseReply(textTurnFrames(['parent done'], { responseId: 'resp_p', itemId: 'msg_p' })) : step(agent);
  };
  return { replies: Array.from({ length: 30 }, () => ({ kind: 'dynamic' as const, reply: decide })), outputs };
}

const answer = (text: string) => sseReply(textTurnFrames([text], { responseId: `resp_${text.length}`, itemId: 'msg_child' }));

function collabItems(messages: readonly ServerMessage[], method: 'item/started' | 'item/completed') {
  return messages
    .filter((message) => isNotification(message, method))
    .flatMap((message) => (message.params.item.type === 'collabAgentToolCall' ? [message.params.item] : []));
}

async function runParent(rig: Awaited<ReturnType<typeof startThreadRig>>): Promise<string> {
  const threadId = await startThread(rig.client);
  await rig.client.request('turn/start', { threadId, input: [{ type: 'text', text: PARENT }] });
  return threadId;
}

function parentCompleted(client: RpcTestClient, threadId: string, timeoutMs?: number) {
  return client.notification('turn/completed', (params) => params.threadId === threadId, timeoutMs);
}

describe('sub-agents', () => {
  it('answers for closed, resumed and unknown agents as the reference does', { timeout: 60_000 }, async (t) => {
    const unknown = '01a24e78-0000-7000-8000-000000000000';
    const { replies, outputs } = script(
      [
        () => namespacedCall('spawn_agent', { message: 'CHILD A task' }, 'c1'),
        (a) => namespacedCall('wait_agent', { targets: [a] }, 'c2'),
        (a) => namespacedCall('close_agent', { target: a }, 'c3'),
        (a) => namespacedCall('send_input', { target: a, message: 'to closed' }, 'c4'),
        (a) => namespacedCall('wait_agent', { targets: [a] }, 'c5'),
        (a) => namespacedCall('resume_agent', { id: a }, 'c6'),
        () => namespacedCall('wait_agent', { targets: [unknown] }, 'c7'),
        () => namespacedCall('spawn_agent', {}, 'c8'),
        () => namespacedCall('wait_agent', { targets: [] }, 'c9'),
        (a) => namespacedCall('close_agent', { target: a }, 'c10'),
      ],
      () => answer('A result'),
    );
    const rig = await startThreadRig(t, { replies });
    const threadId = await runParent(rig);
    await parentCompleted(rig.client, threadId, 30_000);
    const agent = (JSON.parse(outputs[0] as string) as { agent_id: string; nickname: string }).agent_id;
    assert.deepEqual(
      outputs.slice(1).map((output) => output.replaceAll(agent, '<A>')),
      [
        '{"status":{"<A>":{"completed":"A result"}},"timed_out":false}',
        '{"previous_status":{"completed":"A result"}}',
        'agent with id <A> not found',
        '{"status":{"<A>":"not_found"},"timed_out":false}',
        '{"status":"pending_init"}',
        `{"status":{"${unknown}":"not_found"},"timed_out":false}`,
        'Provide one of: message or items',
        'agent ids must be non-empty',
        '{"previous_status":"pending_init"}',
      ],
    );
    const completed = collabItems(rig.client.received, 'item/completed').map(
      (item) => `${item.tool} ${item.status} ${Object.values(item.agentsStates).map((state) => state?.status).join(',')}`,
    );
    assert.deepEqual(completed, [
      'spawnAgent completed pendingInit',
      'wait completed completed',
      'closeAgent completed completed',
      'sendInput failed notFound',
      'wait failed notFound',
      'resumeAgent completed pendingInit',
      'wait failed notFound',
      'closeAgent completed pendingInit',
    ]);
    // The child's own notifications reach the parent's client, though it never subscribed to the child, and its
    // turn works for the parent's (its rootTurnId).
    const started = rig.client.receivedParams('turn/started');
    const childStarted = started.find((params) => params.threadId === agent);
    const parentStarted = started.find((params) => params.threadId === threadId);
    assert.equal(childStarted?.turn.rootTurnId, parentStarted?.turn.id);
    assert.ok(rig.client.receivedParams('turn/completed').some((params) => params.threadId === agent));
  });

  it('refuses a spawn past [agents] max_threads open agents, as the reference words it', { timeout: 60_000 }, async (t) => {
    // Observed on 0.169.0: with max_threads = 2 (and with the default six) the spawn past the limit answers this,
    // naming no number, and its item completes failed.
    const { replies, outputs } = script(
      [
        () => namespacedCall('spawn_agent', { message: 'CHILD A task' }, 'c1'),
        () => namespacedCall('spawn_agent', { message: 'CHILD B task' }, 'c2'),
        () => namespacedCall('spawn_agent', { message: 'CHILD C task' }, 'c3'),
      ],
      () => answer('done'),
    );
    const rig = await startThreadRig(t, { replies, configExtra: '[agents]\nmax_threads = 2' });
    const threadId = await runParent(rig);
    await parentCompleted(rig.client, threadId, 30_000);
    assert.equal(outputs[2], 'collab spawn failed: agent thread limit reached');
    const completed = collabItems(rig.client.received, 'item/completed').map((item) => `${item.tool} ${item.status}`);
    assert.deepEqual(completed, ['spawnAgent completed', 'spawnAgent completed', 'spawnAgent failed']);
  });

  it('a child whose model fails is reported errored, and the parent goes on', { timeout: 60_000 }, async (t) => {
    const { replies, outputs } = script(
      [
        () => namespacedCall('spawn_agent', { message: 'CHILD A task' }, 'c1'),
        (a) => namespacedCall('wait_agent', { targets: [a] }, 'c2'),
      ],
      () => httpReply(400, { error: { message: 'the child cannot run', type: 'invalid_request_error' } }),
    );
    const rig = await startThreadRig(t, { replies });
    const threadId = await runParent(rig);
    const done = await parentCompleted(rig.client, threadId, 30_000);
    assert.equal(done.params.turn.status, 'completed');
    const waited = JSON.parse(outputs[1] as string) as { status: Record<string, unknown>; timed_out: boolean };
    assert.equal(waited.timed_out, false);
    const [status] = Object.values(waited.status) as [{ errored?: string }];
    assert.equal(typeof status.errored, 'string', `an errored status: ${outputs[1]}`);
  });

  it('interrupting the parent interrupts its running child', { timeout: 60_000 }, async (t) => {
    const { replies } = script(
      [
        () => namespacedCall('spawn_agent', { message: 'CHILD A task' }, 'c1'),
        (a) => namespacedCall('wait_agent', { targets: [a], timeout_ms: 600_000 }, 'c2'),
      ],
      // The child's model never answers: only an interruption ends its turn.
      () => sseReply([{ type: 'response.created', response: { id: 'resp_hang' } }], { then: 'hang' }),
    );
    const rig = await startThreadRig(t, { replies });
    const threadId = await runParent(rig);
    const waiting = await rig.client.notification(
      'item/started',
      (params) => params.item.type === 'collabAgentToolCall' && params.item.tool === 'wait',
    );
    const turnId = waiting.params.turnId;
    await rig.client.call('turn/interrupt', { threadId, turnId });
    const parentDone = await parentCompleted(rig.client, threadId);
    assert.equal(parentDone.params.turn.status, 'interrupted');
    const childDone = await rig.client.notification('turn/completed', (params) => params.threadId !== threadId);
    assert.equal(childDone.params.turn.status, 'interrupted');

  });

  it('carries non-text items and refuses bad input as the reference does', { timeout: 60_000 }, async (t) => {
    const image = join(await mkdtemp(join(tmpdir(), 'agent-items-')), 'dot.png');
    t.after(() => rm(dirname(image), { recursive: true, force: true }));
    await writeFile(image, Buffer.from(ONE_PIXEL_PNG, 'base64'));
    const { replies, outputs } = script(
      [
        () => namespacedCall('spawn_agent', { items: [{ type: 'text', text: 'CHILD I task' }, { type: 'local_image', path: image }, { type: 'image', image_url: 'https://example.com/x.png' }] }, 'i1'),
        (a) => namespacedCall('wait_agent', { targets: [a] }, 'i2'),
        () => namespacedCall('spawn_agent', { items: [] }, 'i3'),
        () => namespacedCall('spawn_agent', { message: 'x', items: [{ type: 'text', text: 'y' }] }, 'i4'),
        () => namespacedCall('spawn_agent', { message: '   ' }, 'i5'),
        (a) => namespacedCall('send_input', { target: a, items: [{ type: 'text', text: 'MORE' }, { type: 'mention', name: 'foo', path: 'app://foo' }, { type: 'skill', name: 'sk', path: '/nowhere/SKILL.md' }] }, 'i6'),
        (a) => namespacedCall('wait_agent', { targets: [a] }, 'i7'),
      ],
      () => answer('child result'),
    );
    const rig = await startThreadRig(t, { replies });
    const threadId = await runParent(rig);
    await parentCompleted(rig.client, threadId, 30_000);
    assert.deepEqual(outputs.slice(2, 5), [
      "Items can't be empty",
      'Provide either message or items, but not both',
      "Empty message can't be sent to an agent",
    ]);
    // The collab items show the input one part a line (refused calls show none), observed from the reference.
    const prompts = collabItems(rig.client.received, 'item/completed')
      .filter((item) => item.tool !== 'wait')
      .map((item) => (item as unknown as { prompt: string }).prompt);
    assert.deepEqual(prompts, [
      `CHILD I task\n[local_image:${image}]\n[image]`,
      'MORE\n[mention:$foo](app://foo)\n[skill:$sk](/nowhere/SKILL.md)',
    ]);
    const agent = (JSON.parse(outputs[0] as string) as { agent_id: string }).agent_id;
    const childMessages = rig.client.received
      .filter((message) => message.method === 'item/completed' && (message.params as { threadId: string }).threadId === agent)
      .map((message) => (message.params as { item: { type: string; content?: unknown } }).item)
      .filter((item) => item.type === 'userMessage')
      .map((item) => item.content);
    assert.deepEqual(childMessages, [
      [
        { type: 'text', text: 'CHILD I task', text_elements: [] },
        { type: 'localImage', path: image, detail: null },
        { type: 'image', url: 'https://example.com/x.png', detail: null },
      ],
      [
        { type: 'text', text: 'MORE', text_elements: [] },
        { type: 'mention', name: 'foo', path: 'app://foo' },
        { type: 'skill', name: 'sk', path: '/nowhere/SKILL.md' },
      ],
    ]);
    const first = rig.fake.requests.find((request) => request.headers['thread-id'] === agent);
    assert.ok(JSON.stringify(first?.body).includes(`data:image/png;base64,${ONE_PIXEL_PNG}`), 'the local image reaches the child model');
  });

  it('takes model and effort overrides the child can have, and refuses others as the reference does', { timeout: 60_000 }, async (t) => {
    const { replies, outputs } = script(
      [
        () => namespacedCall('spawn_agent', { message: 'CHILD 1', model: 'gpt-5.5' }, 'm1'),
        () => namespacedCall('spawn_agent', { message: 'CHILD 2', model: 'codex-auto-review' }, 'm2'),
        () => namespacedCall('spawn_agent', { message: 'CHILD 3', model: 'mock-model' }, 'm3'),
        () => namespacedCall('spawn_agent', { message: 'CHILD 4', model: 'gpt-6-sol', fork_context: true }, 'm4'),
        () => namespacedCall('spawn_agent', { message: 'CHILD 5', reasoning_effort: 'high' }, 'm5'),
        () => namespacedCall('spawn_agent', { message: 'CHILD 6', model: 'gpt-5.5', reasoning_effort: 'ultra' }, 'm6'),
      ],
      () => answer('child result'),
    );
    const rig = await startThreadRig(t, { replies });
    const threadId = await runParent(rig);
    await parentCompleted(rig.client, threadId, 30_000);
    const refusals = outputs.filter((output) => !output.startsWith('{'));
    assert.deepEqual(refusals, [
      'Unknown model `mock-model` for spawn_agent. Available models: gpt-6.1-sol, gpt-6-astra, gpt-6-sol, gpt-6-luna, gpt-5.6-sol',
      'Reasoning effort `high` is not supported for model `mock-model`. Supported reasoning efforts: ',
      'Reasoning effort `ultra` is not supported for model `gpt-5.5`. Supported reasoning efforts: low, medium, high, xhigh',
    ]);
    // A refused override leaves its started item without a completion (observed).
    const started = rig.client.received.filter(
      (message) => message.method === 'item/started' && (message.params as { item: { type: string } }).item.type === 'collabAgentToolCall',
    );
    assert.equal(started.length, 6);
    assert.deepEqual(
      collabItems(rig.client.received, 'item/completed').map((item) => {
        const { model, reasoningEffort } = item as unknown as { model: string; reasoningEffort: string };
        return `${model} ${reasoningEffort}`;
      }),
      ['gpt-5.5 medium', 'codex-auto-review medium', 'gpt-6-sol medium'],
    );
    // spawn_agent's description offers the same five models, one a line with their efforts (observed).
    const tools = (rig.fake.requests[0]?.body as { tools: { name?: string; tools?: { name: string; description: string }[] }[] }).tools;
    const spawn = tools.find((tool) => tool.name === 'multi_agent_v1')?.tools?.find((tool) => tool.name === 'spawn_agent');
    const offered = (spawn?.description ?? '').split('\n').filter((line) => line.startsWith('- `'));
    assert.deepEqual(
      offered.map((line) => line.slice(3, line.indexOf('`', 3))),
      ['gpt-6.1-sol', 'gpt-6-astra', 'gpt-6-sol', 'gpt-6-luna', 'gpt-5.6-sol'],
    );
    assert.match(offered[0] ?? '', /Reasoning efforts: low \(default\), medium, high, xhigh, max, ultra\. Service tiers: priority\.$/);
  });

  it("a child finishing after its parent's turn is read by the parent's next turn, without waking it", { timeout: 60_000 }, async (t) => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { replies } = script(
      [() => namespacedCall('spawn_agent', { message: 'CHILD A task' }, 'c1')],
      () => sseReply(textTurnFrames(['A result'], { responseId: 'resp_a', itemId: 'msg_a' }), { hold: { count: 0, until: released } }),
    );
    const rig = await startThreadRig(t, { replies });
    const threadId = await runParent(rig);
    await parentCompleted(rig.client, threadId, 30_000);
    const parentRequests = () => rig.fake.requests.filter((request) => request.headers['thread-id'] === threadId).length;
    release();
    const childDone = await rig.client.waitFor(
      (message) => message.method === 'turn/completed' && (message.params as { threadId: string }).threadId !== threadId,
      'the child turn',
    );
    const agent = (childDone.params as { threadId: string }).threadId;
    // Nothing woke the parent: it asked the model twice (spawn, then its answer), and no more.
    assert.equal(parentRequests(), 2);
    rig.fake.enqueue(answer('next done'));
    const next = resultOf(await rig.client.request('turn/start', { threadId, input: [{ type: 'text', text: 'NEXT' }] }));
    await turnCompleted(rig.client, (next.turn as { id: string }).id);
    assert.equal(parentRequests(), 3, 'the next turn asked once, and no turn of its own came before it');
    const input = (rig.fake.requests.at(-1)?.body as { input: { type: string; role?: string; content?: { text?: string }[] }[] }).input;
    const texts = input.slice(-3).map((item) => `${item.role}:${item.content?.[0]?.text ?? ''}`);
    assert.deepEqual(texts, [
      'assistant:parent done',
      `user:<subagent_notification>\n{"agent_path":"${agent}","status":{"completed":"A result"}}\n</subagent_notification>`,
      'user:NEXT',
    ]);
  });
});
