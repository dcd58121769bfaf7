import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames, toolCallFrames } from '../../helpers/fake-model-server.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

const PROFILES = [
  'default_permissions = ":workspace"',
  '[permissions.mine]',
  'description = "Mine"',
  '[permissions.wide]',
  'extends = ":workspace"',
  '[permissions.wider]',
  'extends = "wide"',
  '[permissions.full]',
  'extends = ":danger-full-access"',
  '[permissions.lost]',
  'extends = "nope"',
  '',
].join('\n');

/**
 * Sends thread/settings/update and returns the thread/settings/updated notifications it caused: they follow the
 * response, so a second request's answer marks the end of what it sent.
 */
async function update(client: RpcTestClient, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const response = await client.request('thread/settings/update', params);
  assert.deepEqual(resultOf(response), {});
  const marker = await client.request('thread/loaded/list', {});
  const from = client.received.indexOf(response);
  const to = client.received.indexOf(marker);
  return client.received
    .slice(from + 1, to)
    .filter((message) => message.method === 'thread/settings/updated')
    .map((message) => (message.params as { threadSettings: Record<string, unknown> }).threadSettings);
}

describe('thread/settings/update', () => {
  it('changes what the next turn runs with, announces a change after the answer, and persists it', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['done']))], configExtra: PROFILES });
    const { client } = rig;
    const threadId = await startThread(client);

    const [changed, ...more] = await update(client, { threadId, model: 'other-model', effort: 'high', summary: 'detailed' });
    assert.deepEqual(more, []);
    assert.equal(changed?.model, 'other-model');
    assert.equal(changed?.effort, 'high');
    assert.equal(changed?.summary, 'detailed');
    assert.deepEqual(await update(client, { threadId, model: 'other-model' }), [], 'no change, no notification');

    const [workspace] = await update(client, { threadId, permissions: ':workspace', approvalPolicy: 'untrusted' });
    assert.deepEqual(workspace?.activePermissionProfile, { id: ':workspace', extends: null });
    assert.equal((workspace?.sandboxPolicy as { type: string }).type, 'workspaceWrite');
    assert.equal(workspace?.approvalPolicy, 'untrusted');
    const [mine] = await update(client, { threadId, permissions: 'mine' });
    assert.deepEqual(mine?.activePermissionProfile, { id: 'mine', extends: null });
    assert.equal((mine?.sandboxPolicy as { type: string }).type, 'readOnly');
    const [wider] = await update(client, { threadId, permissions: 'wider' });
    assert.deepEqual(wider?.activePermissionProfile, { id: 'wider', extends: 'wide' });
    assert.equal((wider?.sandboxPolicy as { type: string }).type, 'workspaceWrite', 'the sandbox of what it extends');
    for (const [permissions, message] of [
      ['full', 'permissions profile `full` cannot extend unsupported built-in profile `:danger-full-access`'],
      ['lost', 'permissions profile `lost` extends undefined profile `nope`'],
    ]) {
      const refused = await client.request('thread/settings/update', { threadId, permissions });
      assert.deepEqual(refused.error, { code: -32600, message: `failed to load configuration: ${message}` });
    }
    const [full] = await update(client, { threadId, sandboxPolicy: { type: 'dangerFullAccess' } });
    assert.deepEqual(full?.sandboxPolicy, { type: 'dangerFullAccess' });
    assert.equal(full?.activePermissionProfile, null);
    const cwd = full?.cwd as string;
    const [flex] = await update(client, { threadId, serviceTier: 'flex' });
    assert.equal(flex?.serviceTier, 'flex');
    const [moved] = await update(client, { threadId, cwd: 'sub' });
    assert.equal(moved?.cwd, `${cwd}/sub`, 'a relative cwd is taken from the current one');

    const turnId = await startTextTurn(client, threadId, 'hi');
    await turnCompleted(client, turnId);
    const [request] = await rig.fake.waitForRequests(1);
    const body = request?.body as { model: string; reasoning: unknown; service_tier: string };
    assert.equal(body.model, 'other-model');
    assert.deepEqual(Object.keys(body).slice(0, 4), ['model', 'stream', 'service_tier', 'input'], 'the reference order');
    assert.equal(body.service_tier, 'flex');
    assert.deepEqual(body.reasoning, { effort: 'high', summary: 'detailed' });

    const path = ((await client.call('thread/read', { threadId })).thread as { path: string }).path;
    const lines = (await readFile(path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    const context = lines.find((line) => line.type === 'turn_context')?.payload;
    assert.equal(context.model, 'other-model');
    assert.equal(context.effort, 'high');
    assert.equal(context.approval_policy, 'untrusted');
    assert.equal(context.cwd, `${cwd}/sub`);
    assert.deepEqual(context.sandbox_policy, { type: 'danger-full-access' });
  });

  it('leaves a running turn as it started: the update applies to the turns after it', async (t) => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const plan = { explanation: 'one step', plan: [{ step: 'look', status: 'in_progress' }] };
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(toolCallFrames({ name: 'update_plan', callId: 'call_plan', arguments: plan }), {
          hold: { count: 1, until: held },
        }),
        sseReply(textTurnFrames(['first turn done'])),
        sseReply(textTurnFrames(['second turn done'])),
      ],
    });
    const { client } = rig;
    const threadId = await startThread(client);
    const first = await startTextTurn(client, threadId, 'plan something');
    await rig.fake.waitForRequests(1);
    assert.deepEqual(await update(client, { threadId, model: 'later-model' }), [], 'nothing changes during the turn');
    release();
    await turnCompleted(client, first);
    await client.waitFor((message) => message.method === 'thread/settings/updated', 'the update once the turn ended');
    await turnCompleted(client, await startTextTurn(client, threadId, 'again'));
    const models = (await rig.fake.waitForRequests(3)).map((request) => (request.body as { model: string }).model);
    assert.deepEqual(models, ['mock-model', 'mock-model', 'later-model']);
  });

  it('refuses what the reference refuses, in its words', async (t) => {
    const rig = await startThreadRig(t);
    const threadId = await startThread(rig.client);
    const cases: [Record<string, unknown>, string][] = [
      [
        { threadId, permissions: ':workspace', sandboxPolicy: { type: 'dangerFullAccess' } },
        '`permissions` cannot be combined with `sandboxPolicy`',
      ],
      [{ threadId, permissions: 'nope' }, 'failed to load configuration: default_permissions refers to undefined profile `nope`'],
      [{ threadId: '01a24dd3-22e2-79d0-9cb9-e624f7b09fe2', model: 'x' }, 'thread not found: 01a24dd3-22e2-79d0-9cb9-e624f7b09fe2'],
      [
        { threadId: 'nope' },
        'invalid thread id: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1',
      ],
    ];
    for (const [params, message] of cases) {
      assert.deepEqual((await rig.client.request('thread/settings/update', params)).error, { code: -32600, message });
    }
  });
});
