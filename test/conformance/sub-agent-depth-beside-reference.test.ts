import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type RecordedRequest, type SseReply, sseReply, startFakeModelServer, textTurnFrames } from '../helpers/fake-model-server.js';
import { startReferenceServer } from '../helpers/reference-server.js';
import { isNotification, RpcTestClient } from '../helpers/rpc-client.js';
import { startTestServer } from '../helpers/server.js';
import { namespacedCall } from '../helpers/sub-agent-script.js';
import { leftBehind } from '../helpers/temp-home.js';
import { mockProviderConfig } from '../helpers/thread-server.js';

/*
 * `[agents] max_depth = 2` on this server and on the pinned reference: the root spawns a child and waits for it; the
 * child (offered the multi-agent tools at depth 1) spawns a grandchild, waits for it, spawns another and answers; a
 * grandchild is offered no multi-agent tools. Which thread is offered the tools, the ids every request carries
 * (session, parent thread, parent and root turns), the tool outputs, the collab items and the stored sub-agents
 * must match.
 */

const MODEL = 'sub-agent-custom-model';
const ROOT = 'ROOT GO';
const MID = 'MID task';
const LEAF = 'LEAF task';

function text(answer: string, id: string): SseReply {
  return sseReply(textTurnFrames([answer], { responseId: `resp_${id}`, itemId: `msg_${id}` }));
}

interface Body {
  readonly model: string;
  readonly tools?: Array<{ name?: string }>;
  readonly input: Array<{ type?: string; output?: string }>;
  readonly prompt_cache_key?: string;
}

/** Who a request is from: the root, the child or a grandchild (told apart by the tasks they carry). */
function whoOf(body: Body): 'root' | 'mid' | 'leaf' {
  const all = JSON.stringify(body.input);
  return all.includes(ROOT) ? 'root' : all.includes(MID) ? 'mid' : 'leaf';
}

/**
 * `secondLeafMayAnswer` holds the second grandchild's answer until the child's turn has ended. Without it, whether
 * that grandchild's notification reaches the child while the child's last request is in flight (and so makes the
 * child sample once more) or after its turn (read by its next turn) is a race, on either server.
 */
function depthScript(secondLeafMayAnswer: () => Promise<void>) {
  let leafRequests = 0;
  const decide = async (request: RecordedRequest): Promise<SseReply> => {
    const body = request.body as Body;
    const outputs = body.input.filter((item) => item.type === 'function_call_output').map((item) => String(item.output));
    const spawned = (index: number) => (JSON.parse(outputs[index] as string) as { agent_id: string }).agent_id;
    switch (whoOf(body)) {
      case 'root':
        if (outputs.length === 0) return namespacedCall('spawn_agent', { message: MID }, 'r1');
        if (outputs.length === 1) return namespacedCall('wait_agent', { targets: [spawned(0)], timeout_ms: 30_000 }, 'r2');
        return text('root done', 'root');
      case 'mid':
        if (outputs.length === 0) return namespacedCall('spawn_agent', { message: LEAF }, 'm1');
        if (outputs.length === 1) return namespacedCall('wait_agent', { targets: [spawned(0)], timeout_ms: 30_000 }, 'm2');
        if (outputs.length === 2) return namespacedCall('spawn_agent', { message: LEAF }, 'm3');
        return text('mid done', 'mid');
      case 'leaf':
        leafRequests += 1;
        if (leafRequests === 2) await secondLeafMayAnswer();
        return text('leaf done', 'leaf');
    }
  };
  return Array.from({ length: 20 }, () => ({ kind: 'dynamic' as const, reply: decide }));
}

interface Observed {
  readonly requests: string[];
  readonly items: string[];
  readonly stored: string[];
}

/** Opens once the child (the root's only spawn) has ended its turn, as `client` saw it. */
async function childTurnEnded(client: RpcTestClient, rootId: string): Promise<void> {
  const spawn = await client.notification(
    'item/completed',
    (params) => params.threadId === rootId && params.item.type === 'collabAgentToolCall' && params.item.tool === 'spawnAgent',
    60_000,
  );
  const item = spawn.params.item;
  const childId = item.type === 'collabAgentToolCall' ? item.receiverThreadIds[0] : undefined;
  await client.notification('turn/completed', (params) => params.threadId === childId, 60_000);
}

interface Gate {
  open?: Promise<void>;
}

async function observe(client: RpcTestClient, requests: readonly RecordedRequest[], cwd: string, gate: Gate): Promise<Observed> {
  const rootId = (await client.call('thread/start', { cwd })).thread.id;
  gate.open = childTurnEnded(client, rootId);
  await client.request('turn/start', { threadId: rootId, input: [{ type: 'text', text: ROOT }] });
  await client.notification('turn/completed', (params) => params.threadId === rootId, 60_000);
  // Every spawned agent has run its turn (and so has a rollout to be listed by).
  const spawned = client.received.flatMap((message) =>
    isNotification(message, 'item/completed') && message.params.item.type === 'collabAgentToolCall' && message.params.item.tool === 'spawnAgent'
      ? message.params.item.receiverThreadIds
      : [],
  );
  assert.equal(spawned.length, 3, 'a child and two grandchildren');
  for (const id of spawned) await client.notification('turn/completed', (params) => params.threadId === id, 30_000);
  const listed = (await client.call('thread/list', { sourceKinds: ['subAgent'] })).data;
  // Threads and turns named by role: root, mid, leaf1/leaf2 (spawn order); each turn after its thread.
  const names = new Map<string, string>([[rootId, 'root']]);
  const mid = listed.find((thread) => thread.preview === MID);
  if (mid !== undefined) names.set(mid.id, 'mid');
  listed
    .filter((thread) => thread.preview === LEAF)
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
    .forEach((thread, index) => names.set(thread.id, `leaf${index + 1}`));
  for (const message of client.received) {
    if (isNotification(message, 'turn/started')) {
      const count = [...names.values()].filter((name) => name.startsWith(`${names.get(message.params.threadId)}.turn`)).length;
      names.set(message.params.turn.id, `${names.get(message.params.threadId)}.turn${count + 1}`);
    }
  }
  const named = (value: string) => [...names].reduce((text, [id, name]) => text.replaceAll(id, `<${name}>`), value);
  const lines = requests.map((request) => {
    const body = request.body as Body;
    const metadata = JSON.parse(String(request.headers['x-codex-turn-metadata'])) as Record<string, unknown>;
    const multiAgent = (body.tools ?? []).some((tool) => tool.name === 'multi_agent_v1');
    const outputs = body.input.filter((item) => item.type === 'function_call_output').map((item) => item.output);
    const ids = {
      session: request.headers['session-id'],
      thread: request.headers['thread-id'],
      parentThread: request.headers['x-codex-parent-thread-id'] ?? null,
      subagent: request.headers['x-openai-subagent'] ?? null,
      cache: body.prompt_cache_key,
      metaSession: metadata.session_id,
      parentTurn: metadata.parent_turn_id ?? null,
      rootTurn: metadata.root_turn_id,
    };
    // A nickname is drawn from each server's own list.
    const said = JSON.stringify(outputs).replace(/\\"nickname\\":\\"[^\\"]+\\"/g, '\\"nickname\\":\\"<name>\\"');
    return named(`${whoOf(body)} multiAgent=${multiAgent} ${JSON.stringify(ids)} ${said}`);
  });
  const items = client.received.flatMap((message) => {
    if (!isNotification(message, 'item/completed') || message.params.item.type !== 'collabAgentToolCall') return [];
    const { item } = message.params;
    const states = Object.entries(item.agentsStates).map(([id, state]) => `${id}:${state?.status}`);
    return [named(`${message.params.threadId} ${item.tool} ${item.status} ${states.join(',')}`)];
  });
  const stored = await Promise.all(
    listed.map(async (thread) => {
      const meta = (JSON.parse((await readFile(thread.path as string, 'utf8')).split('\n')[0] as string) as { payload: Record<string, unknown> }).payload;
      const source = JSON.stringify(thread.source).replace(/"agent_nickname":"[^"]+"/, '"agent_nickname":"<name>"');
      return named(`${thread.id} parent=${thread.parentThreadId} source=${source} session_id=${String(meta.session_id)}`);
    }),
  );
  return { requests: lines.sort(), items: items.sort(), stored: stored.sort() };
}

describe('sub-agents of sub-agents beside the reference', () => {
  it('max_depth = 2: the same tools, request ids, outputs, items and stored threads', { timeout: 180_000 }, async (t) => {
    const cwd = await mkdtemp(join(tmpdir(), 'agent-depth-cwd-'));
    t.after(() => rm(cwd, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
    const extra = '[agents]\nmax_depth = 2';

    const referenceGate: Gate = {};
    const referenceFake = await startFakeModelServer(t, depthScript(() => referenceGate.open ?? Promise.reject(new Error('no gate'))));
    const home = await mkdtemp(join(tmpdir(), 'agent-depth-home-'));
    t.after(() => rm(home, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
    await writeFile(join(home, 'config.toml'), mockProviderConfig(referenceFake.baseUrl, extra).replace('mock-model', MODEL));
    const referenceClient = await startReferenceServer(t, home, cwd);
    const reference = await observe(referenceClient, referenceFake.requests, cwd, referenceGate);

    const ourGate: Gate = {};
    const ourFake = await startFakeModelServer(t, depthScript(() => ourGate.open ?? Promise.reject(new Error('no gate'))));
    const server = await startTestServer(t, {}, mockProviderConfig(ourFake.baseUrl, extra).replace('mock-model', MODEL));
    const client = await RpcTestClient.connect(server.url);
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true }, 'reference-reader');
    const ours = await observe(client, ourFake.requests, cwd, ourGate);

    assert.ok(reference.requests.some((line) => line.startsWith('mid multiAgent=true')), 'the reference offers the child the tools');
    assert.deepEqual(ours.requests, reference.requests, 'the model requests');
    assert.deepEqual(ours.items, reference.items, 'the collab items');
    assert.deepEqual(ours.stored, reference.stored, 'the stored sub-agents');
  });
});
