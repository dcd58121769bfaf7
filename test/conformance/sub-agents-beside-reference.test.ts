import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startFakeModelServer } from '../helpers/fake-model-server.js';
import { startReferenceServer } from '../helpers/reference-server.js';
import { RpcTestClient } from '../helpers/rpc-client.js';
import { startTestServer } from '../helpers/server.js';
import { childLines, collabLines, type DelegationScript, delegationScript, normalizedOutputs, runDelegation } from '../helpers/sub-agent-script.js';
import { leftBehind } from '../helpers/temp-home.js';
import { mockProviderConfig, resultOf } from '../helpers/thread-server.js';

/*
 * A parent that spawns two sub-agents, waits for both, sends one more input, waits again and closes the other, on
 * this server and on the pinned reference with the same scripted model (a model neither knows, which gets the
 * multi-agent tools): the parent's collabAgentToolCall items, its tool outputs and how the children are listed and
 * read must match.
 */

interface Observed {
  readonly lines: string[];
  readonly outputs: string[];
  readonly children: unknown[];
  readonly childRollout: Record<string, unknown>;
  /** What the parent's client saw of child B, live. */
  readonly childB: string[];
  /** The collab items the parent's rollout keeps (`item_completed`), ids replaced, nicknames left out. */
  readonly persisted: string[];
}

/** The parent rollout's persisted collab items, with the children's ids written <A> and <B> (spawn order). */
async function persistedCollabItems(path: string, parentId: string): Promise<string[]> {
  const items = (await readFile(path, 'utf8'))
    .split('\n')
    .filter((line) => line.includes('"CollabAgentToolCall"'))
    .map((line) => (JSON.parse(line) as { payload: { item: Record<string, unknown> } }).payload.item);
  const ids = items.flatMap((item) => (item.tool === 'spawn_agent' ? (item.receiver_thread_ids as string[]) : []));
  return items.map((item) => {
    const { receiver_agents: _nicknames, ...rest } = item;
    let text = JSON.stringify(rest, Object.keys(rest).sort()).replace(parentId, '<parent>');
    ids.forEach((id, index) => {
      text = text.replaceAll(id, index === 0 ? '<A>' : '<B>');
    });
    return text;
  });
}

const MODEL = 'sub-agent-custom-model';

async function observe(client: RpcTestClient, script: DelegationScript, cwd: string): Promise<Observed> {
  const parentId = await runDelegation(client, cwd, script);
  const parent = (await client.call('thread/read', { threadId: parentId })).thread as { path: string };
  const listed = (await client.call('thread/list', { sourceKinds: ['subAgent'] })).data as Array<Record<string, unknown>>;
  const interactive = (await client.call('thread/list', {})).data as Array<{ id: string }>;
  assert.deepEqual(interactive.map((thread) => thread.id), [parentId], 'the default listing leaves sub-agents out');
  const children = listed
    .map((thread) => ({
      parentIsParent: thread.parentThreadId === parentId,
      source: JSON.stringify(thread.source).replace(parentId, '<parent>').replace(/"agent_nickname":"[^"]+"/, '"agent_nickname":"<name>"'),
      nickname: typeof thread.agentNickname === 'string' && thread.agentNickname !== '',
      preview: thread.preview,
    }))
    .sort((a, b) => String(a.preview).localeCompare(String(b.preview)));
  const child = listed.find((thread) => thread.preview === 'CHILD B task') as { id: string; path: string };
  const read = await client.call('thread/read', { threadId: child.id, includeTurns: true });
  const turns = (read.thread as { turns: Array<{ items: Array<{ type: string; text?: string }> }> }).turns;
  assert.deepEqual(
    turns.map((turn) => turn.items.map((item) => `${item.type}${item.text === undefined ? '' : `:${item.text}`}`)),
    [['userMessage', 'agentMessage:B result']],
  );
  const meta = JSON.parse((await readFile(child.path, 'utf8')).split('\n')[0] as string).payload as Record<string, unknown>;
  const childRollout = {
    parent: meta.parent_thread_id === parentId,
    threadSource: meta.thread_source,
    nickname: meta.agent_nickname === (meta.source as { subagent: { thread_spawn: { agent_nickname: string } } }).subagent.thread_spawn.agent_nickname,
  };
  return {
    lines: collabLines(client.received, parentId),
    outputs: normalizedOutputs(script.toolOutputs),
    children,
    childRollout,
    childB: childLines(client.received, child.id),
    persisted: await persistedCollabItems(parent.path, parentId),
  };
}

describe('sub-agents beside the reference', () => {
  it('spawn two, wait, send input, wait, close one: the same items, outputs and child threads', { timeout: 120_000 }, async (t) => {
    const cwd = await mkdtemp(join(tmpdir(), 'sub-agents-cwd-'));
    t.after(() => rm(cwd, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));

    const referenceScript = delegationScript();
    const fake = await startFakeModelServer(t, referenceScript.replies);
    const home = await mkdtemp(join(tmpdir(), 'sub-agents-home-'));
    t.after(() => rm(home, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
    await writeFile(join(home, 'config.toml'), mockProviderConfig(fake.baseUrl).replace('mock-model', MODEL));
    const referenceClient = await startReferenceServer(t, home, cwd);
    const reference = await observe(referenceClient, referenceScript, cwd);

    const ourScript = delegationScript();
    const ourFake = await startFakeModelServer(t, ourScript.replies);
    const server = await startTestServer(t, {}, mockProviderConfig(ourFake.baseUrl).replace('mock-model', MODEL));
    const client = await RpcTestClient.connect(server.url);
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true }, 'reference-reader');
    const ours = await observe(client, ourScript, cwd);

    assert.deepEqual(ours.lines, reference.lines, 'the parent collab items');
    assert.deepEqual(ours.outputs, reference.outputs, 'the parent tool outputs');
    assert.deepEqual(ours.children, reference.children, 'the children as thread/list shows them');
    assert.deepEqual(ours.childRollout, reference.childRollout, 'the child rollout session_meta');
    assert.deepEqual(ours.childB, reference.childB, "child B's notifications, as the parent's client sees them");
    assert.deepEqual(ours.persisted, reference.persisted, "the collab items in the parent's rollout");
  });
});
