import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import { capturedLog } from '../../helpers/captured-log.js';
import { sseReply, startFakeModelServer, textTurnFrames, toolCallFrames } from '../../helpers/fake-model-server.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { startTestServer } from '../../helpers/server.js';
import { mockProviderConfig, startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';

/** The bwrap installed here (.ci/run installs bubblewrap: its absence is a broken setup, not a reason to skip). */
function systemBwrap(): string {
  const found = spawnSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' }).stdout.trim();
  assert.ok(found.startsWith('/'), 'bwrap is not installed here');
  return found;
}

async function emptyDirectory(t: TestContext): Promise<string> {
  const dir = realpathSync(await mkdtemp(join(tmpdir(), 'app-server-bwrap-')));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A server whose PATH holds no bwrap (an empty directory), configured with `configExtra` and `env`, whose model runs
 * `echo hi` once in a read-only thread; the turn's command item and the model's view of its output.
 */
async function echoInReadOnlyThread(t: TestContext, options: { configExtra?: string; env?: NodeJS.ProcessEnv }) {
  const cwd = await emptyDirectory(t);
  const fake = await startFakeModelServer(t, [
    sseReply(toolCallFrames({ name: 'exec_command', callId: 'call_echo', arguments: { cmd: 'echo hi', login: false } })),
    sseReply(textTurnFrames(['done'], { itemId: 'msg_done', responseId: 'resp_done' })),
  ]);
  const captured = capturedLog();
  const server = await startTestServer(t, {}, mockProviderConfig(fake.baseUrl, options.configExtra), { log: captured.log }, {
    PATH: await emptyDirectory(t),
    ...options.env,
  });
  const client = await RpcTestClient.connect(server.url);
  t.after(() => client.close());
  await client.initialize({ experimentalApi: true });
  const threadId = await startThread(client, { cwd, sandbox: 'read-only' });
  await turnCompleted(client, await startTextTurn(client, threadId, 'say hi'));
  const completed = client.received.find(
    (m) => m.method === 'item/completed' && (m.params as { item: { type: string } }).item.type === 'commandExecution',
  );
  const item = (completed?.params as { item: Record<string, unknown> }).item;
  const [, second] = await fake.waitForRequests(2);
  const input = (second?.body as { input: { type: string; call_id?: string; output?: string }[] }).input;
  const modelSaw = input.find((entry) => entry.type === 'function_call_output' && entry.call_id === 'call_echo')?.output;
  // The start-up warning is logged before the first command learns the sandbox is missing, so it is there by now.
  const warnings = captured.text().split('\n').filter((line) => line.includes('commands cannot be sandboxed here'));
  return { client, cwd, item, modelSaw, warnings };
}

const REMEDY =
  'install bubblewrap (e.g. `apt-get install bubblewrap`), or point `bwrap_path` in config.toml or the ' +
  'CODEX_BWRAP_PATH environment variable at a bwrap executable';

describe('locating bubblewrap', () => {
  it('refuses read-only commands without bwrap, telling the model, the client and the log why and how to fix it', async (t) => {
    const { client, cwd, item, modelSaw, warnings } = await echoInReadOnlyThread(t, {});
    const refusal =
      'the command was not run: the readOnly sandbox is unavailable because bubblewrap (bwrap) was not found on PATH; ' +
      `to sandbox commands, ${REMEDY}`;
    assert.equal(item.status, 'failed');
    assert.equal(item.aggregatedOutput, refusal);
    assert.equal(modelSaw, `exec_command failed: ${refusal}`);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]?.includes('apt-get install bubblewrap'), warnings[0]);

    // command/exec is refused the same way.
    const exec = await client.request('command/exec', {
      command: ['/bin/sh', '-c', 'echo hi'],
      cwd,
      sandboxPolicy: { type: 'readOnly' },
    });
    assert.deepEqual(exec.error, { code: -32603, message: `exec failed: ${refusal}` });
  });

  it('sandboxes with the bwrap CODEX_BWRAP_PATH names', async (t) => {
    const { item, modelSaw, warnings } = await echoInReadOnlyThread(t, { env: { CODEX_BWRAP_PATH: systemBwrap() } });
    assert.equal(item.status, 'completed');
    assert.equal(item.exitCode, 0);
    assert.equal(item.aggregatedOutput, 'hi\n');
    assert.match(modelSaw ?? '', /Process exited with code 0/);
    assert.deepEqual(warnings, []);
  });

  it('sandboxes with the bwrap config.toml names, and reports a configured path that does not work', async (t) => {
    const { item, warnings } = await echoInReadOnlyThread(t, { configExtra: `bwrap_path = "${systemBwrap()}"` });
    assert.equal(item.status, 'completed');
    assert.equal(item.aggregatedOutput, 'hi\n');
    assert.deepEqual(warnings, []);

    const broken = await echoInReadOnlyThread(t, { configExtra: 'bwrap_path = "/nonexistent/bwrap"' });
    assert.equal(broken.item.status, 'failed');
    assert.equal(
      broken.item.aggregatedOutput,
      'the command was not run: the readOnly sandbox is unavailable because the bubblewrap set by `bwrap_path` in ' +
        `config.toml (/nonexistent/bwrap) is not an absolute path to an executable file; to sandbox commands, ${REMEDY}`,
    );
    assert.equal(broken.warnings.length, 1);
  });
});
