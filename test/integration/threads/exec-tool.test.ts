import assert from 'node:assert/strict';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames, toolCallFrames } from '../../helpers/fake-model-server.js';
import type { ServerRequest } from '../../helpers/protocol-types.js';
import { isNotification } from '../../helpers/rpc-client.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';
import type { ThreadItemOf } from '../../helpers/thread-items.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';
import { requireWorkingBubblewrap } from '../../helpers/prerequisites.js';

/** A private working directory for the thread (commands run there), removed after the test. */
async function workdir(t: TestContext): Promise<string> {
  const dir = realpathSync(await mkdtemp(join(tmpdir(), 'app-server-work-')));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A reply that asks to run `cmd` (no login shell: fast and quiet), then the final answer. */
function execReplies(callId: string, args: Record<string, unknown>) {
  return [
    sseReply(toolCallFrames({ name: 'exec_command', callId, arguments: { login: false, ...args } })),
    sseReply(textTurnFrames(['done'], { itemId: `msg_${callId}`, responseId: `resp_after_${callId}` })),
  ];
}

function toolOutput(body: unknown, callId: string): string {
  const input = (body as { input: Record<string, unknown>[] }).input;
  const output = input.find((item) => item.call_id === callId && item.type === 'function_call_output')?.output;
  assert.equal(typeof output, 'string', `no output for ${callId}`);
  return output as string;
}

function commandItems(client: RpcTestClient, method: 'item/started' | 'item/completed'): ThreadItemOf<'commandExecution'>[] {
  return client.receivedParams(method).flatMap(({ item }) => (item.type === 'commandExecution' ? [item] : []));
}

async function approvalRequest(client: RpcTestClient): Promise<ServerRequest<'item/commandExecution/requestApproval'>> {
  return client.serverRequest('item/commandExecution/requestApproval');
}

describe('exec_command', () => {
  it('runs a command in the thread cwd, streams its output and reports it to the model', async (t) => {
    await requireWorkingBubblewrap();
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, { replies: execReplies('call_run', { cmd: 'echo hi; echo err >&2; pwd' }) });
    const threadId = await startThread(rig.client, { cwd });
    const turnId = await startTextTurn(rig.client, threadId, 'run it');
    await turnCompleted(rig.client, turnId);
    const [started] = commandItems(rig.client, 'item/started');
    assert.equal(started?.source, 'unifiedExecStartup');
    assert.equal(started?.command, "/bin/bash -c 'echo hi; echo err >&2; pwd'");
    assert.equal(typeof started?.processId, 'string');
    const [completed] = commandItems(rig.client, 'item/completed');
    assert.equal(completed?.status, 'completed');
    assert.equal(completed?.exitCode, 0);
    // stdout and stderr are separate pipes: their relative order is up to the scheduler.
    const lines = (text: unknown) => String(text).split('\n').sort();
    assert.deepEqual(lines(completed?.aggregatedOutput), lines(`hi\nerr\n${cwd}\n`));
    const deltas = rig.client
      .receivedParams('item/commandExecution/outputDelta')
      .map((params) => params.delta)
      .join('');
    assert.equal(deltas, completed?.aggregatedOutput);
    const [, second] = await rig.fake.waitForRequests(2);
    const output = toolOutput(second?.body, 'call_run');
    assert.match(output, /^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\nProcess exited with code 0\nOriginal token count: \d+\nOutput:\n/);
    assert.ok(output.endsWith(String(completed?.aggregatedOutput)));
  });

  it('keeps a long command as a session that write_stdin polls until it exits', async (t) => {
    await requireWorkingBubblewrap();
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(
          toolCallFrames({
            name: 'exec_command',
            callId: 'call_long',
            arguments: { cmd: 'read line; echo got $line', login: false, tty: true, yield_time_ms: 250 },
          }),
        ),
        {
          kind: 'dynamic',
          // The model polls the session its first answer named.
          reply: (request) => {
            const running = toolOutput(request.body, 'call_long');
            const session = /Process running with session ID (\d+)/.exec(running);
            assert.ok(session, running);
            return sseReply(
              toolCallFrames({
                name: 'write_stdin',
                callId: 'call_poll',
                arguments: { session_id: Number(session[1]), chars: 'there\n', yield_time_ms: 2000 },
              }),
            );
          },
        },
        sseReply(textTurnFrames(['finished'], { itemId: 'msg_end', responseId: 'resp_end' })),
      ],
    });
    const threadId = await startThread(rig.client, { cwd });
    const turnId = await startTextTurn(rig.client, threadId, 'long');
    const completedTurn = await turnCompleted(rig.client, turnId);
    assert.equal(completedTurn.turn.status, 'completed');
    const polled = toolOutput((await rig.fake.waitForRequests(3))[2]?.body, 'call_poll');
    assert.match(polled, /Process exited with code 0/);
    assert.match(polled, /got there/);
    const [completed] = commandItems(rig.client, 'item/completed');
    assert.equal(completed?.exitCode, 0);
    assert.ok(rig.client.received.some((m) => m.method === 'item/commandExecution/terminalInteraction'));
  });

  it('enforces a read-only sandbox: a write fails and the file does not appear', async (t) => {
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, { replies: execReplies('call_ro', { cmd: 'echo x > written.txt' }) });
    const threadId = await startThread(rig.client, { cwd, sandbox: 'read-only' });
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'write'));
    const [completed] = commandItems(rig.client, 'item/completed');
    assert.equal(completed?.status, 'failed');
    assert.notEqual(completed?.exitCode, 0);
    assert.equal(existsSync(join(cwd, 'written.txt')), false);
  });

  it('lets workspace-write write inside the workspace but not outside it', async (t) => {
    await requireWorkingBubblewrap();
    const cwd = await workdir(t);
    const outside = await workdir(t);
    const rig = await startThreadRig(t, {
      replies: execReplies('call_ws', { cmd: `echo in > inside.txt; echo out > ${outside}/outside.txt` }),
      // Both directories are under /tmp, which workspace-write leaves writable unless told otherwise.
      configExtra: '[sandbox_workspace_write]\nexclude_slash_tmp = true\nexclude_tmpdir_env_var = true',
    });
    const threadId = await startThread(rig.client, { cwd, sandbox: 'workspace-write' });
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'write'));
    assert.equal(await readFile(join(cwd, 'inside.txt'), 'utf8'), 'in\n');
    assert.equal(existsSync(join(outside, 'outside.txt')), false);
  });
});

describe('command approvals', () => {
  const escalated = (cmd: string) => ({ cmd, sandbox_permissions: 'require_escalated', justification: 'needs to write' });

  it('asks before an escalated command, in the reference order, and runs it once accepted', async (t) => {
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, { replies: execReplies('call_ok', escalated('echo yes > approved.txt')) });
    const threadId = await startThread(rig.client, { cwd, approvalPolicy: 'on-request' });
    const from = rig.client.received.length;
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    const request = await approvalRequest(rig.client);
    const { params } = request;
    assert.equal(params.kind, 'command');
    assert.equal(params.itemId, 'call_ok');
    assert.equal(params.reason, 'needs to write');
    assert.equal(params.command, "/bin/bash -c 'echo yes > approved.txt'");
    assert.deepEqual(params.availableDecisions, [
      'accept',
      { acceptWithExecpolicyAmendment: { execpolicy_amendment: ['/bin/bash', '-c', 'echo yes > approved.txt'] } },
      'cancel',
    ]);
    rig.client.reply(request, { decision: 'accept' });
    await turnCompleted(rig.client, turnId);
    assert.equal(await readFile(join(cwd, 'approved.txt'), 'utf8'), 'yes\n');
    const sequence = rig.client.received
      .slice(from)
      .filter((m) => typeof m.method === 'string' && !/delta|tokenUsage|rateLimits/.test(m.method))
      .map((m) => {
        if (isNotification(m, 'thread/status/changed')) {
          const { status } = m.params;
          return `status:${status.type === 'active' ? status.activeFlags.join(',') : 'idle'}`;
        }
        if (isNotification(m, 'item/started') || isNotification(m, 'item/completed')) {
          const { item } = m.params;
          return `${m.method}:${item.type}:${('status' in item ? item.status : null) ?? ''}`;

        }
        return String(m.method);
      });
    assert.deepEqual(sequence.slice(0, 10), [
      'status:',
      'turn/started',
      'item/started:userMessage:',
      'item/completed:userMessage:',
      'status:waitingOnApproval',
      'item/started:commandExecution:inProgress',
      'item/commandExecution/requestApproval',
      'serverRequest/resolved',
      'status:',
      'item/completed:commandExecution:completed',
    ]);
  });

  it('tells the model a declined command was rejected and does not run it', async (t) => {
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, { replies: execReplies('call_no', escalated('echo no > declined.txt')) });
    const threadId = await startThread(rig.client, { cwd, approvalPolicy: 'on-request' });
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    const request = await approvalRequest(rig.client);
    rig.client.reply(request, { decision: 'decline' });
    await turnCompleted(rig.client, turnId);
    const [completed] = commandItems(rig.client, 'item/completed');
    assert.equal(completed?.status, 'declined');
    assert.equal(existsSync(join(cwd, 'declined.txt')), false);
    const [, second] = await rig.fake.waitForRequests(2);
    assert.equal(toolOutput(second?.body, 'call_no'), 'exec_command failed: CreateProcess { message: "Rejected(\\"rejected by user\\")" }');
  });

  it('interrupts the turn when the user cancels', async (t) => {
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, { replies: execReplies('call_cancel', escalated('echo c > cancelled.txt')) });
    const threadId = await startThread(rig.client, { cwd, approvalPolicy: 'on-request' });
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    const request = await approvalRequest(rig.client);
    rig.client.reply(request, { decision: 'cancel' });
    const completed = await turnCompleted(rig.client, turnId);
    assert.equal(completed.turn.status, 'interrupted');
    assert.equal(existsSync(join(cwd, 'cancelled.txt')), false);
  });

  it('treats a malformed answer as a refusal', async (t) => {
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, { replies: execReplies('call_bad', escalated('echo b > bad.txt')) });
    const threadId = await startThread(rig.client, { cwd, approvalPolicy: 'on-request' });
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    const request = await approvalRequest(rig.client);
    rig.client.send({ id: request.id as number, result: { decision: 'maybe' } });
    await turnCompleted(rig.client, turnId);
    assert.equal(commandItems(rig.client, 'item/completed')[0]?.status, 'declined');
    assert.equal(existsSync(join(cwd, 'bad.txt')), false);
  });

  it('does not ask again for a command accepted for the session', async (t) => {
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, {
      replies: [...execReplies('call_s1', escalated('echo s >> session.txt')), ...execReplies('call_s2', escalated('echo s >> session.txt'))],
    });
    const threadId = await startThread(rig.client, { cwd, approvalPolicy: 'on-request' });
    const first = await startTextTurn(rig.client, threadId, 'first');
    const request = await approvalRequest(rig.client);
    rig.client.reply(request, { decision: 'acceptForSession' });

    await turnCompleted(rig.client, first);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'second'));
    const requests = rig.client.received.filter((m) => m.method === 'item/commandExecution/requestApproval');
    assert.equal(requests.length, 1);
    assert.equal(await readFile(join(cwd, 'session.txt'), 'utf8'), 's\ns\n');
  });

  it('declines when the only subscriber disconnects while asked: the command never runs', async (t) => {
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, { replies: execReplies('call_lost', escalated('echo l > lost.txt')) });
    const threadId = await startThread(rig.client, { cwd, approvalPolicy: 'on-request' });
    await startTextTurn(rig.client, threadId, 'go');
    await approvalRequest(rig.client);
    await rig.client.close();
    const [, second] = await rig.fake.waitForRequests(2);
    assert.equal(
      toolOutput(second?.body, 'call_lost'),
      'exec_command failed: CreateProcess { message: "Rejected(\\"rejected by user\\")" }',
    );
    assert.equal(existsSync(join(cwd, 'lost.txt')), false);
  });

  it('settles a pending approval when the turn is interrupted', async (t) => {
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, { replies: execReplies('call_int', escalated('echo i > int.txt')) });
    const threadId = await startThread(rig.client, { cwd, approvalPolicy: 'on-request' });
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    const request = await approvalRequest(rig.client);
    await rig.client.call('turn/interrupt', { threadId, turnId });
    const resolved = await rig.client.notification('serverRequest/resolved');
    assert.deepEqual(resolved.params, { threadId, requestId: request.id });
    const completed = await turnCompleted(rig.client, turnId);
    assert.equal(completed.turn.status, 'interrupted');
    assert.equal(existsSync(join(cwd, 'int.txt')), false);
  });

  it('counts a subscriber that disconnects while asked as a refusal, and the turn goes on', async (t) => {
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, { replies: execReplies('call_gone', escalated('echo g > gone.txt')) });
    const threadId = await startThread(rig.client, { cwd, approvalPolicy: 'on-request' });
    const watcher = await rig.connect('watcher');
    await watcher.call('thread/resume', { threadId, excludeTurns: true });
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    await approvalRequest(rig.client);
    const watcherRequest = await approvalRequest(watcher);
    await rig.client.close();
    // The other subscriber still decides: it declines.
    watcher.reply(watcherRequest, { decision: 'decline' });
    const completed = await turnCompleted(watcher, turnId);
    assert.equal(completed.turn.status, 'completed');

    assert.equal(existsSync(join(cwd, 'gone.txt')), false);
  });
});

/** Waits until the model has received the output of `callId` in its `requestCount`-th request. */
async function waitForOutput(rig: Awaited<ReturnType<typeof startThreadRig>>, callId: string, requestCount: number) {
  const requests = await rig.fake.waitForRequests(requestCount);
  return toolOutput(requests[requestCount - 1]?.body, callId);
}
