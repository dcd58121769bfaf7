import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sseReply, startFakeModelServer, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { FakeModelServer, ScriptedReply } from '../../helpers/fake-model-server.js';
import { namespacedCallReply, stdioServerToml } from '../../helpers/mcp-fixture.js';
import { startReferenceServer } from '../../helpers/reference-server.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';
import { leftBehind } from '../../helpers/temp-home.js';
import { mockProviderConfig, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

/*
 * Large MCP results are cut to the model's budget as the reference 0.169.0 cuts them: the same files, read through
 * the test server's read_file tool by a model the catalogue does not know (a byte budget) and by gpt-5.5 (a token
 * budget), must reach the model identically on both servers.
 */

const SIZES = [11_900, 12_100, 13_000, 60_000];
const MODELS = ['mock-model', 'gpt-5.5'];

function script(dir: string): ScriptedReply[] {
  return MODELS.flatMap((model) => [
    ...SIZES.map((size) => namespacedCallReply('mcp__fx', 'read_file', `call_${model.replace('.', '_')}_${size}`, { path: join(dir, `${size}.txt`) })),
    sseReply(textTurnFrames(['done'])),
  ]);
}

async function runBothModels(client: RpcTestClient, fake: FakeModelServer): Promise<Record<string, unknown>> {
  for (const model of MODELS) {
    const threadId = await startThread(client, { model });
    await client.waitFor(
      (m) =>
        m.method === 'mcpServer/startupStatus/updated' &&
        (m.params as { threadId: string; status: string }).threadId === threadId &&
        (m.params as { status: string }).status === 'ready',
      `fx ready for ${model}`,
    );
    await turnCompleted(client, await startTextTurn(client, threadId, 'go'));
  }
  const requests = await fake.waitForRequests(MODELS.length * (SIZES.length + 1));
  const outputs: Record<string, unknown> = {};
  for (const request of requests) {
    for (const item of (request.body as { input: Record<string, unknown>[] }).input) {
      if (item.type !== 'function_call_output') continue;
      outputs[String(item.call_id)] = JSON.parse(JSON.stringify(item.output).replace(/Wall time: [\d.]+ seconds/g, 'Wall time: T seconds'));
    }
  }
  return outputs;
}

async function files(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-output-budget-'));
  t.after(() => rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  for (const size of SIZES) {
    const line = 'a line of output that goes on\n';
    await writeFile(join(dir, `${size}.txt`), line.repeat(Math.ceil(size / line.length)).slice(0, size));
  }
  return dir;
}

describe('MCP tool output within the model budget', () => {
  it('cuts large results exactly as the reference does, for a byte and a token budget', { timeout: 60_000 }, async (t) => {
    const dir = await files(t);
    const referenceFake = await startFakeModelServer(t, script(dir));
    const home = await mkdtemp(join(tmpdir(), 'mcp-output-budget-home-'));
    t.after(() => rm(home, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
    await writeFile(join(home, 'config.toml'), mockProviderConfig(referenceFake.baseUrl, stdioServerToml('fx')));
    const expected = await runBothModels(await startReferenceServer(t, home, home), referenceFake);

    const ours = await startThreadRig(t, { configExtra: stdioServerToml('fx'), replies: script(dir) });
    const actual = await runBothModels(ours.client, ours.fake);
    assert.equal(Object.keys(expected).length, SIZES.length * MODELS.length);
    // The reference cut the larger ones (the pin is not vacuous).
    assert.match(JSON.stringify(expected['call_mock-model_60000']), /tokens truncated/);
    assert.match(JSON.stringify(expected['call_gpt-5_5_60000']), /tokens truncated/);
    assert.deepEqual(actual, expected);
  });
});
