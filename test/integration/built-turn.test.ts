import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sseReply, startFakeModelServer, textTurnFrames, toolCallFrames } from '../helpers/fake-model-server.js';
import { RpcTestClient } from '../helpers/rpc-client.js';
import { spawnCli } from '../helpers/server.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { makeTestCa } from '../helpers/test-ca.js';
import { mockProviderConfig, resultOf, startTextTurn, startThread, turnCompleted } from '../helpers/thread-server.js';

/**
 * The built binary (the esbuild bundle run by the launcher), not the sources: a turn whose command needs a
 * terminal, which loads node-pty, the one dependency kept out of the bundle.
 */
describe('the built app-server', () => {
  it('runs a turn with a terminal command over stdio', async (t) => {
    const cwd = realpathSync(await mkdtemp(join(tmpdir(), 'app-server-work-')));
    t.after(() => rm(cwd, { recursive: true, force: true }));
    const fake = await startFakeModelServer(t, [
      sseReply(
        toolCallFrames({
          name: 'exec_command',
          callId: 'call_tty',
          arguments: { cmd: 'test -t 1 && echo on-a-tty', login: false, tty: true },
        }),
      ),
      sseReply(textTurnFrames(['done'])),
    ]);
    const codexHome = await makeTempHome(t, mockProviderConfig(fake.baseUrl, 'sandbox_mode = "danger-full-access"'));
    const cli = spawnCli(t, ['--listen', 'stdio://'], { CODEX_HOME: codexHome });
    const client = RpcTestClient.overStdio(cli.child);
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true });
    const threadId = await startThread(client, { cwd });
    const turnId = await startTextTurn(client, threadId, 'terminal please');
    await turnCompleted(client, turnId);
    const completed = client.received.find(
      (m) => m.method === 'item/completed' && (m.params as { item: { type: string } }).item.type === 'commandExecution',
    );
    const item = (completed?.params as { item: { exitCode: number; aggregatedOutput: string } }).item;
    assert.equal(item.exitCode, 0, cli.stderr());
    assert.match(item.aggregatedOutput, /on-a-tty/);
    await client.call('thread/read', { threadId });
  });

  // The launcher hands the bundle stand-ins for built-ins it uses only after start-up (child_process, https, …):
  // these go through them in the built binary.
  it('reaches an HTTPS model through a custom CA and runs a plain command', async (t) => {
    const ca = await makeTestCa(t);
    const fake = await startFakeModelServer(t, [sseReply(textTurnFrames(['secure']))], {
      tls: { key: ca.serverKey, cert: ca.serverCert },
    });
    const codexHome = await makeTempHome(t, mockProviderConfig(fake.baseUrl));
    const cli = spawnCli(t, ['--listen', 'stdio://'], { CODEX_HOME: codexHome, CODEX_CA_CERTIFICATE: ca.caPemFile });
    const client = RpcTestClient.overStdio(cli.child);
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true });
    const threadId = await startThread(client);
    const turn = (await turnCompleted(client, await startTextTurn(client, threadId, 'hi'))).turn as { status: string };
    assert.equal(turn.status, 'completed', cli.stderr());
    assert.equal(fake.requests.length, 1);
    const executed = await client.call('command/exec', { command: ['sh', '-c', 'echo from-child-process'] });
    assert.equal(executed.exitCode, 0, cli.stderr());
    assert.match(executed.stdout, /from-child-process/);
  });
});
