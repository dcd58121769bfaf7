import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { isNotification } from '../../helpers/rpc-client.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';
import { answer, hookScriptDir, trustAllHooks, writeHooksJson } from './hook-rig.js';

const CONFIG = 'sandbox_mode = "danger-full-access"';

function textReplies(count: number) {
  return Array.from({ length: count }, (_, n) => sseReply(textTurnFrames([`answer ${n}`], { responseId: `resp_${n}`, itemId: `msg_${n}` })));
}

async function trustStatus(client: RpcTestClient): Promise<string[]> {
  const listed = await client.call('hooks/list', {});
  return (listed.data[0]?.hooks ?? []).map((hook) => hook.trustStatus);
}

/** How many runs of the hook the script logged. */
async function runsLogged(dir: string): Promise<number> {
  return (await readdir(join(dir, 'log'))).length;
}

describe('hook trust and lifetime', () => {
  it('never runs an untrusted or modified hook; a trusted one runs from the next turn on', async (t) => {
    const rig = await startThreadRig(t, { replies: textReplies(3), configExtra: CONFIG });
    const { client } = rig;
    const dir = await hookScriptDir(t);
    await writeHooksJson(rig.server.codexHome, dir, { UserPromptSubmit: {} });
    const threadId = await startThread(client);
    const hookMessages = (from: number) =>
      client.received.slice(from).filter((m) => isNotification(m, 'hook/started') || isNotification(m, 'hook/completed'));

    assert.deepEqual(await trustStatus(client), ['untrusted']);
    let from = client.received.length;
    await turnCompleted(client, await startTextTurn(client, threadId, 'one'));
    assert.deepEqual(hookMessages(from), []);
    assert.equal(await runsLogged(dir), 0);

    await trustAllHooks(client);
    assert.deepEqual(await trustStatus(client), ['trusted']);
    from = client.received.length;
    await turnCompleted(client, await startTextTurn(client, threadId, 'two'));
    assert.deepEqual(
      hookMessages(from).map((m) => [m.method, m.params.run.status]),
      [
        ['hook/started', 'running'],
        ['hook/completed', 'completed'],
      ],
    );
    assert.equal(await runsLogged(dir), 1);

    // An edit (here its timeout) changes the hook's hash: it needs trusting again.
    await writeHooksJson(rig.server.codexHome, dir, { UserPromptSubmit: { timeout: 5 } });
    assert.deepEqual(await trustStatus(client), ['modified']);
    from = client.received.length;
    await turnCompleted(client, await startTextTurn(client, threadId, 'three'));
    assert.deepEqual(hookMessages(from), []);
    assert.equal(await runsLogged(dir), 1);
  });

  it('kills a running hook when its turn is interrupted, and reports it', async (t) => {
    const rig = await startThreadRig(t, { replies: textReplies(1), configExtra: CONFIG });
    const { client } = rig;
    const dir = await hookScriptDir(t);
    await writeHooksJson(rig.server.codexHome, dir, { UserPromptSubmit: { timeout: 600 } });
    await answer(dir, 'UserPromptSubmit', 0, { sleepSec: 600 });
    await trustAllHooks(client);
    const threadId = await startThread(client);
    const turnId = await startTextTurn(client, threadId, 'hello');
    await client.notification('hook/started');
    await client.call('turn/interrupt', { threadId, turnId });
    const { run } = (await client.notification('hook/completed')).params;
    assert.equal(run.status, 'failed');
    assert.deepEqual(run.entries, [{ kind: 'error', text: 'hook was cancelled because the turn was interrupted' }]);
    const { turn } = await turnCompleted(client, turnId);

    assert.equal(turn.status, 'interrupted');
    assert.equal(rig.fake.requests.length, 0);
  });
});
