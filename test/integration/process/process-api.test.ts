import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { startPair } from '../../helpers/reference-pair.js';
import { startTenantServer } from '../../helpers/tenant-server.js';
import { RpcTestClient, type ServerMessage } from '../../helpers/rpc-client.js';
import { b64, startExecRig, waitUntilGone, workdir } from '../command-exec/exec-rig.js';

/**
 * The experimental `process/*` methods (docs/methods.md#processes), driven side by side on our server and the
 * reference 0.169.0 with the same scripts: what each answers and notifies must match.
 */

interface Side {
  readonly name: string;
  readonly client: RpcTestClient;
}

async function bothSides(t: TestContext): Promise<Side[]> {
  const pair = await startPair(t, '');
  return [
    { name: 'ours', client: pair.ours },
    { name: 'reference', client: pair.reference },
  ];
}

/** Runs `script` on both sides at once and asserts that they produce the same value; returns it. */
async function sameOnBoth<T>(sides: readonly Side[], script: (client: RpcTestClient) => Promise<T>): Promise<T> {
  const [ours, reference] = await Promise.all(sides.map((side) => script(side.client)));
  assert.deepEqual(ours, reference);
  return ours as T;
}

/** The result, or `error <code> <message>`. */
function outcome(response: ServerMessage): unknown {
  if ('error' in response) {
    const error = response.error as { code: number; message: string };
    return `error ${error.code} ${error.message}`;
  }
  return response.result;
}

function spawn(client: RpcTestClient, params: Record<string, unknown>): Promise<ServerMessage> {
  return client.request('process/spawn', params);
}

/** The `process/exited` of `handle`, once it came. */
async function exited(client: RpcTestClient, handle: string): Promise<Record<string, unknown>> {
  const message = await client.waitFor(
    (m) => m.method === 'process/exited' && (m.params as { processHandle: string }).processHandle === handle,
    `process/exited of ${handle}`,
  );
  return message.params as Record<string, unknown>;
}

interface Delta {
  readonly stream: string;
  readonly text: string;
  readonly capReached: boolean;
}

function deltas(client: RpcTestClient, handle: string): Delta[] {
  return client.received.flatMap((m) => {
    if (m.method !== 'process/outputDelta') return [];
    const p = m.params as { processHandle: string; stream: string; deltaBase64: string; capReached: boolean };
    if (p.processHandle !== handle) return [];
    return [{ stream: p.stream, text: Buffer.from(p.deltaBase64, 'base64').toString('utf8'), capReached: p.capReached }];
  });
}

function streamed(client: RpcTestClient, handle: string, stream = 'stdout'): string {
  return deltas(client, handle)
    .filter((delta) => delta.stream === stream)
    .map((delta) => delta.text)
    .join('');
}

async function waitForStreamed(client: RpcTestClient, handle: string, pattern: RegExp): Promise<void> {
  await client.waitFor(() => pattern.test(streamed(client, handle)), `output ${pattern} of ${handle}`);
}

/** Indexes in what `client` received: the response `response`, the deltas and the exit of `handle`. */
function order(client: RpcTestClient, response: ServerMessage, handle: string): { response: number; deltas: number[]; exited: number } {
  const of = (m: ServerMessage) => (m.params as { processHandle?: string } | undefined)?.processHandle === handle;
  return {
    response: client.received.indexOf(response),
    deltas: client.received.flatMap((m, i) => (m.method === 'process/outputDelta' && of(m) ? [i] : [])),
    exited: client.received.findIndex((m) => m.method === 'process/exited' && of(m)),
  };
}

describe('process/* side by side with the reference', () => {
  it('buffers or streams output, after the response and before the exit, with the same caps and exit codes', async (t) => {
    const sides = await bothSides(t);
    const cwd = await workdir(t);
    const script = 'echo hi; echo err >&2; exit 3';
    await sameOnBoth(sides, async (client) => {
      const response = await spawn(client, { command: ['sh', '-c', script], processHandle: 'buffered', cwd });
      return [outcome(response), await exited(client, 'buffered'), deltas(client, 'buffered')];
    });
    await sameOnBoth(sides, async (client) => {
      const response = await spawn(client, {
        command: ['sh', '-c', script],
        processHandle: 'streamed',
        cwd,
        streamStdoutStderr: true,
      });
      const exit = await exited(client, 'streamed');
      const { response: answered, deltas: streamedAt, exited: exitedAt } = order(client, response, 'streamed');
      assert.ok(streamedAt.length >= 2 && streamedAt.every((i) => answered < i && i < exitedAt), 'response, deltas, exit');
      return [outcome(response), exit, streamed(client, 'streamed'), streamed(client, 'streamed', 'stderr')];
    });
    // A cap of 10 bytes per stream, buffered and streamed: the chunk that reaches it says so, and so does the exit.
    const capped = 'printf 0123456789abcdef; printf XYZ >&2';
    await sameOnBoth(sides, async (client) => {
      await spawn(client, { command: ['sh', '-c', capped], processHandle: 'cap', cwd, outputBytesCap: 10 });
      await spawn(client, {
        command: ['sh', '-c', capped],
        processHandle: 'cap-streamed',
        cwd,
        outputBytesCap: 10,
        streamStdoutStderr: true,
      });
      const streamedExit = await exited(client, 'cap-streamed');
      const stdoutDeltas = deltas(client, 'cap-streamed').filter((delta) => delta.stream === 'stdout');
      return [await exited(client, 'cap'), streamedExit, stdoutDeltas.at(-1), streamed(client, 'cap-streamed', 'stderr')];
    });
    // The environment is the server's with the request's overrides, and nothing added (no sandbox variables).
    await sameOnBoth(sides, async (client) => {
      await spawn(client, {
        command: ['sh', '-c', 'echo "$ADDED|${HOME:-unset}|${CODEX_SANDBOX_NETWORK_DISABLED:-none}"; pwd'],
        processHandle: 'env',
        cwd: `${cwd}/./sub/..`,
        env: { ADDED: 'yes', HOME: null },
      });
      return (await exited(client, 'env'))['stdout'];
    });
  });

  it('writes stdin, sizes and resizes a terminal, and kills process groups', async (t) => {
    const sides = await bothSides(t);
    const cwd = await workdir(t);
    await sameOnBoth(sides, async (client) => {
      await spawn(client, { command: ['cat'], processHandle: 'cat', cwd, streamStdin: true });
      const write = await client.request('process/writeStdin', { processHandle: 'cat', deltaBase64: b64('abc\n') });
      const close = await client.request('process/writeStdin', { processHandle: 'cat', closeStdin: true });
      const exit = await exited(client, 'cat');
      // Gone once its exit was sent: the handle is free again.
      const late = await client.request('process/writeStdin', { processHandle: 'cat', deltaBase64: b64('x') });
      const reused = await spawn(client, { command: ['true'], processHandle: 'cat', cwd });
      return [outcome(write), outcome(close), exit, outcome(late), outcome(reused), (await exited(client, 'cat'))['exitCode']];
    });
    await sameOnBoth(sides, async (client) => {
      await spawn(client, {
        command: ['sh', '-c', 'stty size; test -t 0 && echo tty; read line; stty size; echo "got $line"'],
        processHandle: 'pty',
        cwd,
        tty: true,
        size: { rows: 10, cols: 40 },
      });
      await waitForStreamed(client, 'pty', /10 40\r\ntty\r\n/);
      const resize = await client.request('process/resizePty', { processHandle: 'pty', size: { rows: 33, cols: 77 } });
      await client.request('process/writeStdin', { processHandle: 'pty', deltaBase64: b64('hello\n') });
      const exit = await exited(client, 'pty');
      return [outcome(resize), exit, streamed(client, 'pty'), deltas(client, 'pty').every((d) => d.stream === 'stdout')];
    });
    await sameOnBoth(sides, async (client) => {
      await spawn(client, { command: ['stty', 'size'], processHandle: 'default-size', cwd, tty: true });
      await exited(client, 'default-size');
      return streamed(client, 'default-size');
    });
    // A kill ends the whole group: the shell's background child too (its pid is the first line).
    const killed = await sameOnBoth(sides, async (client) => {
      await spawn(client, {
        command: ['sh', '-c', 'sleep 31 & echo $!; wait'],
        processHandle: 'group',
        cwd,
        streamStdoutStderr: true,
      });
      await spawn(client, { command: ['sleep', '32'], processHandle: 'pty-sleep', cwd, tty: true });
      await waitForStreamed(client, 'group', /^\d+\n/);
      const kills = [
        outcome(await client.request('process/kill', { processHandle: 'group' })),
        outcome(await client.request('process/kill', { processHandle: 'pty-sleep' })),
      ];
      // Pipes report a SIGKILL death as 137, a terminal as 1.
      const codes = [(await exited(client, 'group'))['exitCode'], (await exited(client, 'pty-sleep'))['exitCode']];
      return { kills, codes, child: Number(streamed(client, 'group').trim()) > 0 };
    });
    assert.deepEqual(killed.codes, [137, 1]);
    await waitUntilGone(sides.map((side) => Number(streamed(side.client, 'group').trim())));
  });

  it('refuses what the reference refuses, with its codes and texts', async (t) => {
    const sides = await bothSides(t);
    const cwd = await workdir(t);
    const refusals = await sameOnBoth(sides, async (client) => {
      const answers: unknown[] = [];
      const ask = async (method: string, params: Record<string, unknown>) =>
        answers.push(outcome(await client.request(method, params)));
      await ask('process/spawn', { command: [], processHandle: 'p', cwd, size: { rows: 5, cols: 5 } });
      await ask('process/spawn', { command: ['true'], processHandle: 'p', cwd: 'relative/dir' });
      await ask('process/spawn', { command: ['true'], processHandle: 'p', cwd, size: { rows: 5, cols: 5 }, timeoutMs: -1 });
      await ask('process/spawn', { command: ['true'], processHandle: 'p', cwd, tty: true, size: { rows: 0, cols: 5 }, timeoutMs: -1 });
      await ask('process/spawn', { command: ['true'], processHandle: 'p', cwd, tty: true, size: { rows: 0, cols: 5 } });
      await ask('process/spawn', { command: ['/nonexistent/program'], processHandle: 'p', cwd });
      await ask('process/spawn', { command: ['true'], processHandle: 'p', cwd: `${cwd}/missing` });
      await ask('process/spawn', {
        command: ['no-such-program-here'],
        processHandle: 'p',
        cwd,
        tty: true,
        env: { PATH: '/nonexistent-bin' },
      });
      await ask('process/writeStdin', { processHandle: 'unknown', deltaBase64: b64('x') });
      await ask('process/resizePty', { processHandle: 'unknown', size: { rows: 5, cols: 5 } });
      await ask('process/kill', { processHandle: 'unknown' });
      await ask('process/spawn', { command: ['sleep', '30'], processHandle: 'running', cwd });
      await ask('process/spawn', { command: ['sleep', '30'], processHandle: 'running', cwd });
      await ask('process/writeStdin', { processHandle: 'running', deltaBase64: b64('x') });
      await ask('process/writeStdin', { processHandle: 'running' });
      await ask('process/writeStdin', { processHandle: 'running', deltaBase64: '!!' });
      await ask('process/resizePty', { processHandle: 'running', size: { rows: 5, cols: 5 } });
      await ask('process/resizePty', { processHandle: 'running', size: { rows: 0, cols: 5 } });
      await ask('process/kill', { processHandle: 'running' });
      await exited(client, 'running');
      return answers;
    });
    // Spot checks that the comparison saw real refusals.
    assert.deepEqual(refusals.slice(0, 2), [
      'error -32600 command must not be empty',
      'error -32600 Invalid request: AbsolutePathBuf deserialized without a base path',
    ]);
    assert.equal(refusals[8], 'error -32600 no active process for process handle "unknown"');
  });

  it('ends a timed-out process with 124 and stops waiting for output a background child holds open', async (t) => {
    const sides = await bothSides(t);
    const cwd = await workdir(t);
    const result = await sameOnBoth(sides, async (client) => {
      await spawn(client, { command: ['sleep', '30'], processHandle: 'timeout', cwd, timeoutMs: 200 });
      await spawn(client, { command: ['sh', '-c', 'sleep 33 & echo started'], processHandle: 'drain', cwd });
      // A stream held open past its cap is waited for just as long, but does not count as a timed-out drain.
      await spawn(client, {
        command: ['sh', '-c', 'printf 0123456789abc; sleep 35 2>/dev/null &'],
        processHandle: 'capped-drain',
        cwd,
        outputBytesCap: 10,
      });
      return [await exited(client, 'timeout'), await exited(client, 'drain'), await exited(client, 'capped-drain')];
    });
    const drained = result.map((exit) => (exit as { outputDrainTimedOut: boolean }).outputDrainTimedOut);
    assert.deepEqual(drained, [false, true, false]);
  });
});

describe('process/* on our server', () => {
  it('needs the experimental API, keeps handles per connection, and kills a closed connection\'s processes', async (t) => {
    const rig = await startExecRig(t);
    const cwd = await workdir(t);
    const stable = await RpcTestClient.connect(rig.server.url);
    t.after(() => stable.close());
    await stable.initialize({ experimentalApi: false });
    assert.equal(
      outcome(await spawn(stable, { command: ['true'], processHandle: 'p', cwd })),
      'error -32600 process/spawn requires experimentalApi capability',
    );

    const owner = await rig.connect();
    await spawn(owner, {
      command: ['sh', '-c', 'sleep 34 & echo $!; echo $$; wait'],
      processHandle: 'shared-name',
      cwd,
      streamStdoutStderr: true,
      timeoutMs: null,
    });
    await waitForStreamed(owner, 'shared-name', /^\d+\n\d+\n/);
    const pids = streamed(owner, 'shared-name').trim().split('\n').map(Number);
    assert.equal(
      outcome(await rig.client.request('process/kill', { processHandle: 'shared-name' })),
      'error -32600 no active process for process handle "shared-name"',
    );
    await owner.close();
    await waitUntilGone(pids);
  });

  it("keeps a tenant's processes in its workspace and jail (beyond the reference)", async (t) => {
    const { connect, workspaceRoot } = await startTenantServer(t);
    const alice = await connect('alice');
    await connect('bob');
    const dirOf = (prefix: string) =>
      join(workspaceRoot, readdirSync(workspaceRoot).find((name) => name.startsWith(prefix)) ?? 'missing');
    const [aliceDir, bobDir] = [dirOf('alice-'), dirOf('bob-')];
    await writeFile(join(bobDir, 'secret.txt'), 'bob only');
    assert.equal(
      outcome(await spawn(alice, { command: ['true'], processHandle: 'outside', cwd: bobDir })),
      `error -32600 path \`${bobDir}\` is outside this tenant's workspace`,
    );
    await spawn(alice, { command: ['cat', join(bobDir, 'secret.txt')], processHandle: 'peek', cwd: aliceDir });
    const exit = await exited(alice, 'peek');
    assert.notEqual(exit['exitCode'], 0);
    assert.doesNotMatch(`${String(exit['stdout'])}${String(exit['stderr'])}`, /bob only/);
  });
});
