import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { ExecTools } from '../../../../src/runtime/turn-tools/exec-tool.js';
import { inProcessThread } from '../../../helpers/in-process-turn.js';
import { textReply, toolCallReply } from '../../../helpers/scripted-model.js';

/*
 * A command the approval policy holds for the user, in process: the real exec tool asks the subscribed client, and
 * the scripted model sees what the tool answered.
 */

/** The exec tools of a thread that never gets to run a command (every test here declines or cancels). */
function execToolsOf(thread: ConstructorParameters<typeof ExecTools>[0]): ExecTools {
  return new ExecTools(thread, async () => ({ available: false, reason: 'no sandbox in unit tests' }));
}

test('a command declined by the user is not run, its item completes declined, and the model is told', async (t) => {
  const harness = await inProcessThread(t, {
    settings: { approvalPolicy: 'untrusted', sandbox: 'read-only' },
    replies: [toolCallReply('exec_command', { cmd: 'touch created-by-the-command' }, { callId: 'call_1' }), textReply('Understood.')],
  });
  const { thread, client, model, home } = harness;
  harness.dependencies = { ...harness.dependencies, tools: execToolsOf(thread).handlers };
  client.answer = async () => ({ decision: 'decline' });

  const ended = await harness.run('Create a file');

  assert.equal((ended['turn'] as { status: string }).status, 'completed');
  assert.equal(existsSync(join(home, 'created-by-the-command')), false, 'a declined command never runs');
  const [approval] = client.serverRequests;
  assert.equal(approval?.method, 'item/commandExecution/requestApproval');
  assert.equal(approval.params['itemId'], 'call_1');
  assert.match(String(approval.params['command']), /touch created-by-the-command'?$/);

  // The thread waits on the user while the request is out, then goes back to work.
  const statuses = client.paramsOf('thread/status/changed').map((params) => params['status']);
  assert.deepEqual(statuses, [
    { type: 'active', activeFlags: [] },
    { type: 'active', activeFlags: ['waitingOnApproval'] },
    { type: 'active', activeFlags: [] },
    { type: 'idle' },
  ]);
  const commandEvents = client.notifications.filter(
    (notification) =>
      notification.method === 'serverRequest/resolved' ||
      (notification.params['item'] as { type?: string } | undefined)?.type === 'commandExecution',
  );
  assert.deepEqual(
    commandEvents.map((notification) => [notification.method, (notification.params['item'] as { status?: string } | undefined)?.status]),
    [
      ['item/started', 'inProgress'],
      ['serverRequest/resolved', undefined],
      ['item/completed', 'declined'],
    ],
  );
  assert.equal(client.paramsOf('serverRequest/resolved')[0]?.['requestId'], approval.id);

  const output = model.requests[1]?.input.at(-1);
  assert.equal(output?.type, 'function_call_output');
  assert.match(String(output?.['output']), /rejected by user/);
});

test('a command the user cancels interrupts the turn without asking the model again', async (t) => {
  const harness = await inProcessThread(t, {
    settings: { approvalPolicy: 'untrusted', sandbox: 'read-only' },
    replies: [toolCallReply('exec_command', { cmd: 'touch created-by-the-command' }, { callId: 'call_1' })],
  });
  harness.dependencies = { ...harness.dependencies, tools: execToolsOf(harness.thread).handlers };
  harness.client.answer = async () => ({ decision: 'cancel' });

  const ended = await harness.run('Create a file');

  assert.equal((ended['turn'] as { status: string }).status, 'interrupted');
  assert.equal(harness.model.requests.length, 1);
  const item = harness.client.paramsOf('item/completed').at(-1)?.['item'] as { type: string; status: string };
  assert.deepEqual([item.type, item.status], ['commandExecution', 'declined']);
});

test('an interrupt while the user is asked withdraws the question and ends the turn interrupted', async (t) => {
  const harness = await inProcessThread(t, {
    settings: { approvalPolicy: 'untrusted', sandbox: 'read-only' },
    replies: [toolCallReply('exec_command', { cmd: 'touch created-by-the-command' }, { callId: 'call_1' })],
  });
  const { thread, client, model } = harness;
  harness.dependencies = { ...harness.dependencies, tools: execToolsOf(thread).handlers };
  client.answer = () => new Promise(() => {});

  const { ended } = harness.start('Create a file');
  const approval = await client.nextServerRequest('item/commandExecution/requestApproval');
  harness.interrupt();
  await ended;

  const turn = (await client.nextNotification('turn/completed'))['turn'] as { status: string };
  assert.equal(turn.status, 'interrupted');
  assert.equal(model.requests.length, 1);
  assert.deepEqual(client.paramsOf('serverRequest/resolved'), [{ threadId: thread.id, requestId: approval.id }]);
  const item = client.paramsOf('item/completed').at(-1)?.['item'] as { type: string; status: string };
  assert.deepEqual([item.type, item.status], ['commandExecution', 'declined']);
  assert.deepEqual(client.paramsOf('thread/status/changed').at(-1)?.['status'], { type: 'idle' });
});
