import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sseReply, startFakeModelServer, textTurnFrames, toolCallFrames } from '../helpers/fake-model-server.js';
import type { RpcTestClient, ServerMessage } from '../helpers/rpc-client.js';
import { startReferenceServer } from '../helpers/reference-server.js';
import { makeTempHome, leftBehind } from '../helpers/temp-home.js';
import { mockProviderConfig, resultOf, startThreadRig, turnCompleted } from '../helpers/thread-server.js';

/** The model's script: one command that needs approval, then a final answer. */
function approvalScript() {
  return [
    sseReply(
      toolCallFrames({
        name: 'exec_command',
        callId: 'call_approved',
        arguments: { cmd: 'echo approved', login: false, sandbox_permissions: 'require_escalated', justification: 'why' },
      }),
    ),
    sseReply(textTurnFrames(['all ', 'done'], { itemId: 'msg_final', responseId: 'resp_final' })),
  ];
}

/** One message as a line of the sequence: what it is, not its ids or timing. */
function describeMessage(message: ServerMessage): string {
  const params = message.params as { item?: { type: string }; status?: { type: string; activeFlags?: string[] } };
  if (message.method === undefined) return 'response';
  if (message.method === 'item/started' || message.method === 'item/completed') return `${message.method}:${params.item?.type}`;
  if (message.method === 'thread/status/changed') {
    const flags = params.status?.activeFlags;
    return `status:${params.status?.type}${flags === undefined ? '' : `[${flags.join(',')}]`}`;
  }
  return message.method as string;
}

/**
 * Runs the script's turn on a server (the client already initialized), accepting the approval, and returns what
 * the client received from the turn/start response to turn/completed. Output chunks are left out: how a process's
 * output is split into deltas is up to the pipes.
 */
async function approvalTurnSequence(client: RpcTestClient, cwd: string): Promise<string[]> {
  const threadId = (await client.call('thread/start', { cwd, approvalPolicy: 'on-request' })).thread.id;
  client.onServerRequest('item/commandExecution/requestApproval', (request) =>
    client.answer(request, { result: { decision: 'accept' } }),
  );
  const from = client.received.length;
  const response = await client.request('turn/start', { threadId, input: [{ type: 'text', text: 'run it' }] });
  await turnCompleted(client, (resultOf(response).turn as { id: string }).id);
  const start = client.received.indexOf(response, from);
  return client.received
    .slice(start)
    .filter((m) => m.method !== 'item/commandExecution/outputDelta')
    .map(describeMessage);
}

async function workdir(t: TestContext): Promise<string> {
  const dir = realpathSync(await mkdtemp(join(tmpdir(), 'app-server-work-')));
  t.after(() => rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  return dir;
}

describe('a turn with one approved command', () => {
  it('notifies in the reference order: the response usage follows its tool call', async (t) => {
    const cwd = await workdir(t);
    const ours = await startThreadRig(t, { replies: approvalScript() });
    const ourSequence = await approvalTurnSequence(ours.client, cwd);

    assert.deepEqual(ourSequence, [
      'response',
      'status:active[]',
      'turn/started',
      'item/started:userMessage',
      'item/completed:userMessage',
      'status:active[waitingOnApproval]',
      'item/started:commandExecution',
      'item/commandExecution/requestApproval',
      'serverRequest/resolved',
      'status:active[]',
      'item/completed:commandExecution',
      // The tool call's response reports its usage only now, after the call ran.
      'thread/tokenUsage/updated',
      'account/rateLimits/updated',
      'item/started:agentMessage',
      'item/agentMessage/delta',
      'item/agentMessage/delta',
      'item/completed:agentMessage',
      'thread/tokenUsage/updated',
      'account/rateLimits/updated',
      'thread/readState/changed',
      'status:idle',
      'turn/completed',
    ]);

    // The reference, with the same script and configuration on a CODEX_HOME of its own, agrees line for line.
    const theirFake = await startFakeModelServer(t, approvalScript());
    const theirHome = await makeTempHome(t, mockProviderConfig(theirFake.baseUrl));
    const reference = await startReferenceServer(t, theirHome, cwd);
    assert.deepEqual(await approvalTurnSequence(reference, cwd), ourSequence);
  });
});
