import assert from 'node:assert/strict';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames, toolCallFrames } from '../../helpers/fake-model-server.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';
import type { ThreadItemOf } from '../../helpers/thread-items.js';

import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

/** A model the reference offers apply_patch to (a model it does not know gets no apply_patch). */
const PATCH_MODEL = 'gpt-5.5';

async function workdir(t: TestContext): Promise<string> {
  const dir = realpathSync(await mkdtemp(join(tmpdir(), 'app-server-patch-')));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function patchReplies(callId: string, patch: string) {
  return [
    sseReply(toolCallFrames({ kind: 'custom', name: 'apply_patch', callId, input: patch })),
    sseReply(textTurnFrames(['patched'], { itemId: `msg_${callId}`, responseId: `resp_after_${callId}` })),
  ];
}

function toolOutput(body: unknown, callId: string): string {
  const input = (body as { input: Record<string, unknown>[] }).input;
  return String(input.find((item) => item.call_id === callId && item.type === 'custom_tool_call_output')?.output);
}

function fileChangeItems(client: RpcTestClient, method: 'item/started' | 'item/completed'): ThreadItemOf<'fileChange'>[] {
  return client.receivedParams(method).flatMap(({ item }) => (item.type === 'fileChange' ? [item] : []));
}

const EDIT_ALL = [
  '*** Begin Patch',
  '*** Add File: added.txt',
  '+brand new',
  '*** Update File: src.txt',
  '*** Move to: moved.txt',
  '@@',
  ' keep me',
  '-old line   ',
  '+new line',
  '*** Delete File: doomed.txt',
  '*** End Patch',
].join('\n');

describe('apply_patch', () => {
  it('adds, updates (tolerating whitespace), moves and deletes files, and reports the turn diff', async (t) => {
    const cwd = await workdir(t);
    await writeFile(join(cwd, 'src.txt'), 'keep me\nold line\n');
    await writeFile(join(cwd, 'doomed.txt'), 'bye\n');
    const rig = await startThreadRig(t, { replies: patchReplies('call_edit', EDIT_ALL) });
    const threadId = await startThread(rig.client, { model: PATCH_MODEL, cwd, sandbox: 'workspace-write' });
    const turnId = await startTextTurn(rig.client, threadId, 'edit');
    await turnCompleted(rig.client, turnId);
    assert.equal(await readFile(join(cwd, 'added.txt'), 'utf8'), 'brand new\n');
    assert.equal(await readFile(join(cwd, 'moved.txt'), 'utf8'), 'keep me\nnew line\n');
    assert.equal(existsSync(join(cwd, 'src.txt')), false);
    assert.equal(existsSync(join(cwd, 'doomed.txt')), false);
    const [completed] = fileChangeItems(rig.client, 'item/completed');
    assert.equal(completed?.status, 'completed');
    assert.deepEqual(
      completed?.changes.map((change) => [change.path, change.kind.type]),
      [
        [join(cwd, 'added.txt'), 'add'],
        [join(cwd, 'doomed.txt'), 'delete'],
        [join(cwd, 'src.txt'), 'update'],
      ],
    );
    const diff = await rig.client.notification('turn/diff/updated');
    assert.match(diff.params.diff, /diff --git a\/added.txt b\/added.txt/);
    const [, second] = await rig.fake.waitForRequests(2);
    // The wall time is rounded to 0.1 s: usually `0 seconds`, more on a loaded machine.
    assert.match(
      toolOutput(second?.body, 'call_edit'),
      /^Exit code: 0\nWall time: \d+(\.\d)? seconds\nOutput:\nSuccess\. Updated the following files:\nA added\.txt\nM moved\.txt\nD doomed\.txt\n$/,
    );
  });

  it('writes nothing when any part of the patch does not apply, and tells the model why', async (t) => {
    const cwd = await workdir(t);
    await writeFile(join(cwd, 'a.txt'), 'alpha\n');
    const patch = [
      '*** Begin Patch',
      '*** Update File: a.txt',
      '-alpha',
      '+ALPHA',
      '*** Update File: b.txt',
      '-missing',
      '+x',
      '*** End Patch',
    ].join('\n');
    const rig = await startThreadRig(t, { replies: patchReplies('call_bad', patch) });
    const threadId = await startThread(rig.client, { model: PATCH_MODEL, cwd, sandbox: 'workspace-write' });
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'edit'));
    assert.equal(await readFile(join(cwd, 'a.txt'), 'utf8'), 'alpha\n');
    const [, second] = await rig.fake.waitForRequests(2);
    assert.match(toolOutput(second?.body, 'call_bad'), /^apply_patch verification failed: Failed to read file to update /);
    assert.deepEqual(fileChangeItems(rig.client, 'item/started'), []);
  });

  it('asks before writing under a read-only sandbox, and a decline leaves the files alone', async (t) => {
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, {
      replies: patchReplies('call_ask', '*** Begin Patch\n*** Add File: asked.txt\n+hi\n*** End Patch'),
    });
    const threadId = await startThread(rig.client, { model: PATCH_MODEL, cwd, sandbox: 'read-only', approvalPolicy: 'on-request' });
    const turnId = await startTextTurn(rig.client, threadId, 'edit');
    const request = await rig.client.serverRequest('item/fileChange/requestApproval');
    assert.equal(request.params.itemId, 'call_ask');
    rig.client.reply(request, { decision: 'decline' });
    await turnCompleted(rig.client, turnId);
    assert.equal(existsSync(join(cwd, 'asked.txt')), false);
    assert.equal(fileChangeItems(rig.client, 'item/completed')[0]?.status, 'declined');
  });

  it('writes once the user accepts', async (t) => {
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, {
      replies: patchReplies('call_yes', '*** Begin Patch\n*** Add File: accepted.txt\n+yes\n*** End Patch'),
    });
    const threadId = await startThread(rig.client, { model: PATCH_MODEL, cwd, sandbox: 'read-only', approvalPolicy: 'on-request' });
    const turnId = await startTextTurn(rig.client, threadId, 'edit');
    const request = await rig.client.serverRequest('item/fileChange/requestApproval');
    rig.client.reply(request, { decision: 'accept' });
    await turnCompleted(rig.client, turnId);
    assert.equal(await readFile(join(cwd, 'accepted.txt'), 'utf8'), 'yes\n');
  });
});
