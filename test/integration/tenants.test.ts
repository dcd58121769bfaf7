import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames, toolCallFrames } from '../helpers/fake-model-server.js';
import { RpcTestClient } from '../helpers/rpc-client.js';
import { exitCodeOf, spawnCli } from '../helpers/server.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { requireWorkingBubblewrap } from '../helpers/prerequisites.js';
import { startTenantServer, tokenFor } from '../helpers/tenant-server.js';
import { errorOf, resultOf } from '../helpers/rpc-results.js';
import { startTextTurn, startThread, turnCompleted } from '../helpers/thread-server.js';

/** Multi-tenant mode (beyond the reference): `--ws-auth signed-bearer-token --tenant-claim sub`. */
describe('tenants', () => {
  it("keeps each tenant's threads to itself: list, read, resume and notifications", async (t) => {
    const { connect, server } = await startTenantServer(t, [sseReply(textTurnFrames(['hello']))]);
    const alice = await connect('alice');
    const bob = await connect('bob');
    const threadId = await startThread(alice);
    await turnCompleted(alice, await startTextTurn(alice, threadId, 'hi'));

    assert.equal((await alice.call('thread/list', {})).data.length, 1);
    assert.deepEqual((await bob.call('thread/list', {})).data, []);
    assert.deepEqual((await bob.call('thread/loaded/list', {})).data, []);
    // To bob, alice's thread answers exactly as a thread that does not exist.
    const unknown = '019a0000-0000-7000-8000-000000000000';
    for (const method of ['thread/read', 'thread/resume', 'thread/turns/list']) {
      const foreign = errorOf(await bob.request(method, { threadId }));
      const missing = errorOf(await bob.request(method, { threadId: unknown }));
      assert.deepEqual(foreign, { ...missing, message: missing.message.replaceAll(unknown, threadId) }, method);
    }
    // Not one notification about it (bob's own error answers above quote the id he asked for).
    const notifications = bob.received.filter((message) => typeof message.method === 'string');
    assert.ok(notifications.length > 0);
    assert.ok(
      notifications.every((message) => !JSON.stringify(message).includes(threadId)),
      "bob was notified about alice's thread",
    );

    // Each tenant has its own CODEX_HOME subtree; the server's own holds no sessions.
    const tenants = await readdir(join(server.codexHome, 'tenants'));
    assert.equal(tenants.length, 2);
    assert.ok(tenants.some((name) => name.startsWith('alice-') && existsSync(join(server.codexHome, 'tenants', name, 'sessions'))));
    assert.equal(existsSync(join(server.codexHome, 'sessions')), false);

    // A second connection of alice sees her thread.
    const aliceAgain = await connect('alice');
    assert.equal((await aliceAgain.call('thread/list', {})).data.length, 1);
  });

  it("confines fs/* and command/exec to the tenant's workspace, symlinks included", async (t) => {
    await requireWorkingBubblewrap();
    const { connect, workspaceRoot } = await startTenantServer(t);
    const alice = await connect('alice');
    await connect('bob');
    // Each tenant's workspace was made on its first connection.
    const [aliceDir = '', bobDir = ''] = ['alice-', 'bob-'].map((prefix) =>
      join(workspaceRoot, readdirSync(workspaceRoot).find((name) => name.startsWith(prefix)) ?? 'missing'),
    );
    await writeFile(join(bobDir, 'secret.txt'), 'bob only');
    await symlink(bobDir, join(aliceDir, 'link-to-bob'));

    const own = join(aliceDir, 'notes.txt');
    await alice.call('fs/writeFile', { path: own, dataBase64: Buffer.from('mine').toString('base64') });
    assert.deepEqual(await alice.call('fs/readFile', { path: own }), {
      dataBase64: Buffer.from('mine').toString('base64'),
    });
    for (const [method, params] of [
      ['fs/readFile', { path: join(bobDir, 'secret.txt') }],
      ['fs/readFile', { path: join(aliceDir, 'link-to-bob', 'secret.txt') }],
      ['fs/readFile', { path: join(aliceDir, '..', '..', 'etc', 'passwd') }],
      ['fs/readDirectory', { path: workspaceRoot }],
      ['fs/writeFile', { path: join(bobDir, 'planted.txt'), dataBase64: '' }],
      ['fs/copy', { sourcePath: join(bobDir, 'secret.txt'), destinationPath: join(aliceDir, 'stolen.txt') }],
      ['fs/remove', { path: bobDir }],
      ['fs/watch', { watchId: 'w', path: bobDir }],
    ] as const) {
      const error = errorOf(await alice.request(method, params));
      assert.equal(error.code, -32600, method);
      assert.match(error.message, /is outside this tenant's workspace$/, method);
    }
    assert.equal(existsSync(join(bobDir, 'planted.txt')), false);

    // Commands start in the tenant's workspace, and cannot be sent elsewhere.
    const pwd = resultOf(
      await alice.request('command/exec', { command: ['pwd'], sandboxPolicy: { type: 'dangerFullAccess' } }),
    );
    assert.equal(pwd.stdout, `${aliceDir}\n`);
    const elsewhere = errorOf(await alice.request('command/exec', { command: ['pwd'], cwd: bobDir }));
    assert.match(elsewhere.message, /is outside this tenant's workspace$/);
    for (const [method, params] of [
      ['thread/start', { cwd: workspaceRoot }],
      ['config/read', { cwd: bobDir }],
      ['skills/list', { cwds: [aliceDir, bobDir] }],
      ['hooks/list', { cwds: [bobDir] }],
    ] as const) {
      assert.match(errorOf(await alice.request(method, params)).message, /is outside this tenant's workspace$/, method);
    }
    await alice.call('skills/list', { cwds: [aliceDir] });
  });

  it("runs a tenant's commands in a jail: other tenants' files and the server's home hidden, secrets unset, /tmp private", async (t) => {
    await requireWorkingBubblewrap();
    process.env['TENANT_TEST_SECRET_TOKEN'] = 'server-secret';
    t.after(() => delete process.env['TENANT_TEST_SECRET_TOKEN']);
    const { connect, workspaceRoot, server } = await startTenantServer(t);
    const alice = await connect('alice');
    await connect('bob');
    const [aliceDir = '', bobDir = ''] = ['alice-', 'bob-'].map((prefix) =>
      join(workspaceRoot, readdirSync(workspaceRoot).find((name) => name.startsWith(prefix)) ?? 'missing'),
    );
    await writeFile(join(bobDir, 'secret.txt'), 'bob only');
    await writeFile(join(server.codexHome, 'config-secret.txt'), 'operator only');
    await writeFile(join(tmpdir(), `tenant-test-${process.pid}`), 'shared tmp');
    t.after(() => rm(join(tmpdir(), `tenant-test-${process.pid}`), { force: true }));

    const script = [
      `echo "tenants=[$(ls -A ${workspaceRoot})]"`,
      `cat ${join(bobDir, 'secret.txt')} 2>&1 || true`,
      `echo "home=[$(ls -A ${server.codexHome})]"`,
      `echo "secret=[$TENANT_TEST_SECRET_TOKEN]"`,
      `test -e /tmp/tenant-test-${process.pid} && echo tmp-shared || echo tmp-private`,
      'echo written > own.txt && cat own.txt',
    ].join('; ');
    // Even "full access" means full access to the tenant's own world.
    const result = resultOf(
      await alice.request('command/exec', { command: ['sh', '-c', script], sandboxPolicy: { type: 'dangerFullAccess' } }),
    );
    assert.equal(result.exitCode, 0, JSON.stringify(result));
    const lines = String(result.stdout).split('\n');
    assert.equal(lines[0], `tenants=[${aliceDir.split('/').at(-1)}]`);
    assert.match(lines[1] ?? '', /No such file or directory/);
    assert.equal(lines[2], 'home=[]');
    assert.equal(lines[3], 'secret=[]');
    assert.equal(lines[4], 'tmp-private');
    assert.equal(lines[5], 'written');
    assert.equal(existsSync(join(aliceDir, 'own.txt')), true);
  });

  it("jails the agent's commands and patches too, even on a full-access thread", async (t) => {
    await requireWorkingBubblewrap();
    const { connect, workspaceRoot, fake } = await startTenantServer(t);
    const alice = await connect('alice');
    await connect('bob');
    const bobDir = join(workspaceRoot, readdirSync(workspaceRoot).find((name) => name.startsWith('bob-')) ?? 'missing');
    await writeFile(join(bobDir, 'secret.txt'), 'bob only');
    const patch = `*** Begin Patch\n*** Add File: ${join(bobDir, 'planted.txt')}\n+planted\n*** End Patch\n`;
    fake.enqueue(
      sseReply(toolCallFrames({ name: 'exec_command', callId: 'call_cat', arguments: { cmd: `cat ${join(bobDir, 'secret.txt')}` } })),
      sseReply(toolCallFrames({ kind: 'custom', name: 'apply_patch', callId: 'call_patch', input: patch })),
      sseReply(textTurnFrames(['done'])),
    );
    const threadId = await startThread(alice, { model: 'gpt-5.5', sandbox: 'danger-full-access' });
    await turnCompleted(alice, await startTextTurn(alice, threadId, 'look around'));
    const [, afterExec, afterPatch] = await fake.waitForRequests(3);
    const outputOf = (body: unknown, callId: string) =>
      String(
        (body as { input: Record<string, unknown>[] }).input.find((item) => item.call_id === callId && 'output' in item)
          ?.output,
      );
    assert.match(outputOf(afterExec?.body, 'call_cat'), /No such file or directory/);
    assert.doesNotMatch(outputOf(afterExec?.body, 'call_cat'), /bob only/);
    assert.equal(
      outputOf(afterPatch?.body, 'call_patch'),
      `patch rejected: ${join(bobDir, 'planted.txt')} is outside this tenant's workspace`,
    );
    assert.equal(existsSync(join(bobDir, 'planted.txt')), false);
  });

  it("jails the user's own `!` commands too, though they skip the thread's sandbox", async (t) => {
    const { connect, workspaceRoot } = await startTenantServer(t);
    const alice = await connect('alice');
    await connect('bob');
    const bobDir = join(workspaceRoot, readdirSync(workspaceRoot).find((name) => name.startsWith('bob-')) ?? 'missing');
    await writeFile(join(bobDir, 'secret.txt'), 'bob only');
    const threadId = await startThread(alice);
    await alice.call('thread/shellCommand', { threadId, command: `cat ${join(bobDir, 'secret.txt')}` });
    const completed = await alice.notification('item/completed', (params) => params.item.type === 'commandExecution');
    const item = (completed.params as { item: { status: string; aggregatedOutput: string | null } }).item;
    assert.equal(item.status, 'failed');
    assert.match(item.aggregatedOutput ?? '', /No such file or directory/);
    assert.doesNotMatch(item.aggregatedOutput ?? '', /bob only/);
  });

  it('refuses config writes and provider overrides, which every tenant would share', async (t) => {
    const { connect } = await startTenantServer(t);
    const alice = await connect('alice');
    const write = errorOf(await alice.request('config/value/write', { keyPath: 'model', value: 'x', mergeStrategy: 'replace' }));
    assert.deepEqual(write, {
      code: -32600,
      message: "config/value/write is not available to tenants: the server's configuration is shared",
    });
    const provider = errorOf(
      await alice.request('thread/start', {
        config: { 'model_providers.evil': { base_url: 'http://127.0.0.1:1', env_key: 'HOME' } },
      }),
    );
    assert.deepEqual(provider, {
      code: -32600,
      message: 'config override `model_providers.evil` is not available to tenants',
    });
  });

  it('refuses an upgrade whose token names no tenant, and tenant flags without JWT auth', async (t) => {
    const { server } = await startTenantServer(t);
    await assert.rejects(
      RpcTestClient.connect(server.url, { authorization: `Bearer ${tokenFor({})}` }),
      /Unexpected server response: 401/,
    );
    await assert.rejects(
      RpcTestClient.connect(server.url, { authorization: `Bearer ${tokenFor({ sub: 42 })}` }),
      /Unexpected server response: 401/,
    );
    const codexHome = await makeTempHome(t);
    const cli = spawnCli(t, ['--listen', 'ws://127.0.0.1:0', '--tenant-claim', 'sub'], { CODEX_HOME: codexHome });
    assert.equal(await exitCodeOf(cli), 1);
    assert.match(cli.stderr(), /--tenant-claim requires --ws-auth signed-bearer-token/);
  });
});
