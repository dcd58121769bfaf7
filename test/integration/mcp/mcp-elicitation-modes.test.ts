import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sseReply, startFakeModelServer, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { FakeModelServer, ScriptedReply } from '../../helpers/fake-model-server.js';
import { callOutput, namespacedCallReply, stdioServerToml } from '../../helpers/mcp-fixture.js';
import { startReferenceServer } from '../../helpers/reference-server.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';
import { leftBehind } from '../../helpers/temp-home.js';
import { mockProviderConfig, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

/*
 * Server elicitations in both modes, beside the reference 0.169.0: what the client declares to MCP servers, what
 * the thread's client is asked (URL mode: the URL and the elicitation id), what the server gets back (an accept
 * without content arrives as empty content), and that under `approval_policy = "never"` nobody is asked and the
 * server is declined.
 */

const CALLS = ['call_caps', 'call_url', 'call_form'];

function script(): ScriptedReply[] {
  return [
    namespacedCallReply('mcp__fx', 'client_capabilities', 'call_caps', {}),
    namespacedCallReply('mcp__fx', 'ask_url', 'call_url', { url: 'https://example.com/finish' }),
    namespacedCallReply('mcp__fx', 'ask', 'call_form', { question: 'Your name?' }),
    sseReply(textTurnFrames(['done'])),
  ];
}

interface Observed {
  readonly asked: unknown[];
  readonly elicitation: unknown;
  readonly outputs: unknown[];
}

type Policy = 'on-request' | 'never';
const POLICIES: readonly Policy[] = ['on-request', 'never'];

/** One turn calling the three tools, on a thread started with `approvalPolicy`. */
async function run(client: RpcTestClient, fake: FakeModelServer, approvalPolicy: Policy): Promise<Observed> {
  const asked: unknown[] = [];
  client.onServerRequest('mcpServer/elicitation/request', (request) => {
    const { threadId: _thread, turnId: _turn, ...params } = request.params as Record<string, unknown>;
    asked.push(params);
    client.answer(request, { result: { action: 'accept', content: null, _meta: null } });
  });
  const threadId = await startThread(client, { approvalPolicy });
  await client.notification('mcpServer/startupStatus/updated', (params) => params.status === 'ready');
  await turnCompleted(client, await startTextTurn(client, threadId, 'go'));
  const requests = await fake.waitForRequests(CALLS.length + 1);
  const outputs = CALLS.map((callId, index) =>
    JSON.parse(JSON.stringify(callOutput(requests[index + 1]?.body, callId)).replace(/Wall time: [\d.]+ seconds/g, 'Wall time: T seconds')),
  );
  // Of the client's capabilities, the elicitation modes (the reference also declares an extension of its own).
  const capabilities = JSON.parse((outputs[0] as { text: string }[])[1]?.text ?? 'null') as { elicitation?: unknown } | null;
  return { asked, elicitation: capabilities?.elicitation, outputs: outputs.slice(1) };
}

async function referenceRun(t: TestContext, policy: Policy): Promise<Observed> {
  const fake = await startFakeModelServer(t, script());
  const home = await mkdtemp(join(tmpdir(), 'mcp-elicitation-modes-'));
  t.after(() => rm(home, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  await writeFile(join(home, 'config.toml'), mockProviderConfig(fake.baseUrl, stdioServerToml('fx')));
  return run(await startReferenceServer(t, home, home), fake, policy);
}

async function ourRun(t: TestContext, policy: Policy): Promise<Observed> {
  const rig = await startThreadRig(t, { configExtra: stdioServerToml('fx'), replies: script() });
  return run(rig.client, rig.fake, policy);
}

describe('MCP server elicitations in form and URL mode', () => {
  for (const policy of POLICIES) {
    it(`are relayed as the reference relays them (approval policy ${policy})`, { timeout: 60_000 }, async (t) => {
      const expected = await referenceRun(t, policy);
      assert.equal(expected.asked.length, policy === 'never' ? 0 : 2);
      assert.deepEqual(expected.elicitation, { form: {}, url: {} });
      const actual = await ourRun(t, policy);
      assert.deepEqual(actual, expected);
    });
  }
});
