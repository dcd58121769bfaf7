import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { validate } from 'dockerfile-utils';
import { argsOf, execForm, parseDockerfile } from '../helpers/dockerfile.js';
import type { DockerStage } from '../helpers/dockerfile.js';
import { sseReply, startFakeModelServer, textTurnFrames } from '../helpers/fake-model-server.js';
import { pngFile } from '../helpers/png.js';
import { RpcTestClient } from '../helpers/rpc-client.js';
import { leftBehind } from '../helpers/temp-home.js';
import { mockProviderConfig } from '../helpers/thread-server.js';
import { streamedText } from './command-exec/exec-rig.js';
import { PROJECT_ROOT, spawnProcess, waitForListening } from '../helpers/server.js';

const run = promisify(execFile);
const DOCKERFILE = join(PROJECT_ROOT, 'Dockerfile');

async function stages(): Promise<{ build: DockerStage; runtime: DockerStage }> {
  const parsed = parseDockerfile(await readFile(DOCKERFILE, 'utf8'));
  assert.deepEqual(
    parsed.map((stage) => stage.name),
    ['build', 'runtime'],
  );
  const [build, runtime] = parsed as [DockerStage, DockerStage];
  return { build, runtime };
}

/** `KEY=value` pairs of the stage's ENV instructions. */
function envOf(stage: DockerStage): Record<string, string> {
  const pairs = argsOf(stage, 'ENV').flatMap((args) => args.split(/\s+/));
  return Object.fromEntries(pairs.map((pair) => pair.split('=', 2) as [string, string]));
}

describe('Dockerfile', () => {
  it('passes the linter, which does find errors in a broken file', async () => {
    const text = await readFile(DOCKERFILE, 'utf8');
    assert.deepEqual(validate(text), []);
    assert.ok(validate(text.replace(/^FROM \S+ AS runtime$/m, 'FROM')).length > 0);
  });

  it('builds with the commands CI runs, and runs as a non-root user with the agent tools, volumes, probe and drain', async () => {
    const { build, runtime } = await stages();
    const ci = await readFile(join(PROJECT_ROOT, '.ci', 'run'), 'utf8');
    const npmRuns = argsOf(build, 'RUN').filter((command) => command.startsWith('npm '));
    assert.equal(npmRuns.at(-1), 'npm run build');
    assert.ok(ci.includes('npm run typecheck'));
    // The build installs what compiling needs, never the reference binary the tests use (~400 MB).
    const install = npmRuns.slice(0, -1).join(' && ');
    assert.match(install, /npm pkg delete [^&]*devDependencies\.@openai\/codex/);
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      bin: Record<string, string>;
    };
    // CI's `npm test` starts with the build the image runs.
    assert.match(pkg.scripts['test'] ?? '', /^npm run build && /);

    // Both stages on the same base, pinned by digest.
    assert.match(runtime.image, /^node:(20|22|24)-[a-z-]+@sha256:[0-9a-f]{64}$/);
    assert.equal(build.image, runtime.image);
    const apt = argsOf(runtime, 'RUN').find((command) => command.includes('apt-get install')) ?? '';
    assert.match(apt, /--no-install-recommends/);
    // tini is PID 1 (signals, zombie reaping) and runs the server.
    assert.match(apt, /\btini\b/);
    assert.deepEqual(argsOf(runtime, 'USER'), ['node']);
    const packages = argsOf(runtime, 'RUN').join(' ');
    for (const tool of ['bubblewrap', 'git', 'ripgrep']) assert.match(packages, new RegExp(`\\b${tool}\\b`));
    const env = envOf(runtime);
    assert.equal(env['NODE_ENV'], 'production');
    const volumes = argsOf(runtime, 'VOLUME').flatMap(execForm);
    assert.deepEqual(volumes, [env['CODEX_HOME'], '/workspace']);
    assert.deepEqual(argsOf(runtime, 'STOPSIGNAL'), ['SIGTERM']);
    assert.deepEqual(argsOf(runtime, 'ENTRYPOINT').map(execForm), [['/usr/bin/tini', '--', 'app-server']]);
    assert.equal(pkg.bin['app-server'], 'dist/src/launch.cjs');
    const [command] = argsOf(runtime, 'CMD').map(execForm);
    assert.deepEqual(command?.slice(0, 4), ['--listen', 'ws://0.0.0.0:4500', '--ws-auth', 'capability-token']);
    assert.ok(command?.includes('--metrics-require-auth'), 'GET /metrics must ask for the token');
    const [healthcheck = ''] = argsOf(runtime, 'HEALTHCHECK');
    assert.match(healthcheck, /http:\/\/127\.0\.0\.1:4500\/readyz/);
  });

  it("builds with the build stage's commands, and the runtime stage's files start, answer the healthcheck and run a terminal command", async (t) => {
    const { build, runtime } = await stages();
    const root = await mkdtemp(join(tmpdir(), 'app-server-image-'));
    t.after(() => rm(root, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
    // The build stage, in a directory standing for its /app: its COPY lines from this checkout, its npm commands
    // as written (the apt-get line installs the compilers node-pty needs, which CI machines have).
    const buildApp = join(root, 'build-app');
    await mkdir(buildApp);
    for (const instruction of build.instructions) {
      if (instruction.keyword === 'COPY') {
        const words = instruction.args.split(/\s+/);
        const destination = words.at(-1) ?? '';
        for (const source of words.slice(0, -1)) {
          const to = destination.endsWith('/') ? join(buildApp, destination, source) : join(buildApp, destination);
          await cp(join(PROJECT_ROOT, source), to, { recursive: true });
        }
      } else if (instruction.keyword === 'RUN' && instruction.args.startsWith('npm ')) {
        await run('sh', ['-c', instruction.args], { cwd: buildApp, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
      }
    }
    const app = join(root, 'app');
    for (const copy of argsOf(runtime, 'COPY')) {
      const fromBuild = copy.startsWith('--from=build ');
      const [source = '', target = ''] = copy.replace('--from=build ', '').split(/\s+/);
      const from = fromBuild ? join(buildApp, source.replace(/^\/app\//, '')) : join(PROJECT_ROOT, source);
      const to = target.endsWith('/') ? join(app, target, source.split('/').at(-1) ?? '') : join(app, target);
      await mkdir(join(to, '..'), { recursive: true });
      await cp(from, to, { recursive: true });
    }
    // What the RUN after the copies does: `app-server` on PATH, a home and a workspace.
    const bin = join(root, 'usr-local-bin');
    await mkdir(bin);
    await chmod(join(app, 'dist', 'src', 'launch.cjs'), 0o755);
    await symlink(join(app, 'dist', 'src', 'launch.cjs'), join(bin, 'app-server'));
    const codexHome = join(root, 'codex-home');
    const workspace = join(root, 'workspace');
    await mkdir(codexHome, { mode: 0o700 });
    await mkdir(workspace);
    // A fake model for the turn that checks image shaping (sharp) below.
    const fake = await startFakeModelServer(t, [sseReply(textTurnFrames(['seen']))]);
    await writeFile(join(codexHome, 'config.toml'), mockProviderConfig(fake.baseUrl));
    const token = join(root, 'codex-ws-token');
    await writeFile(token, 'token-of-the-image-test\n');

    // The container's argv, with only the port (any free one) and the secret's path replaced.
    // tini, the container's PID 1, is not needed (nor necessarily installed) here: the argv after its `--` runs.
    const entrypoint = argsOf(runtime, 'ENTRYPOINT').flatMap(execForm);
    const argv = [...entrypoint.slice(entrypoint.indexOf('--') + 1), ...argsOf(runtime, 'CMD').flatMap(execForm)]
      .map((arg) => (arg === 'ws://0.0.0.0:4500' ? 'ws://127.0.0.1:0' : arg))
      .map((arg) => (arg === '/run/secrets/codex-ws-token' ? token : arg));
    const env = {
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      HOME: root,
      ...envOf(runtime),
      CODEX_HOME: codexHome,
    };
    const server = spawnProcess(t, argv, { cwd: workspace, env });
    const url = await waitForListening(server);
    const port = new URL(url).port;

    const [healthcheck = ''] = argsOf(runtime, 'HEALTHCHECK');
    const probe = execForm(healthcheck.slice(healthcheck.indexOf('CMD ') + 4)).map((arg) => arg.replace(':4500/', `:${port}/`));
    const [probeFile = '', ...probeArgs] = probe;
    await run(probeFile, probeArgs, { env, timeout: 10_000 });

    // /metrics answers only with the token.
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    assert.equal((await fetch(metricsUrl)).status, 401);
    assert.equal((await fetch(metricsUrl, { headers: { authorization: 'Bearer token-of-the-image-test' } })).status, 200);

    const client = await RpcTestClient.connect(url, { authorization: 'Bearer token-of-the-image-test' });
    t.after(() => client.close());
    await client.initialize();
    // node-pty's native addon is among the copied files: a terminal command runs.
    const response = await client.request('command/exec', {
      command: ['sh', '-c', 'test -t 1 && echo on-a-terminal'],
      processId: 'terminal',
      tty: true,
      sandboxPolicy: { type: 'dangerFullAccess' },
    });
    assert.deepEqual(response.result, { exitCode: 0, stdout: '', stderr: '' }, JSON.stringify(response));
    // A terminal's output streams (and is not repeated in the response).
    assert.equal(streamedText(client, 'terminal'), 'on-a-terminal\r\n');

    // sharp and libvips are among the copied files: an image wider than 2048 px reaches the model scaled down.
    await writeFile(join(workspace, 'wide.png'), pngFile(2400, 300));
    const thread = await client.call('thread/start', {});
    const turn = await client.call('turn/start', { threadId: thread.thread.id, input: [{ type: 'localImage', path: 'wide.png' }] });
    // The turn ends before the test does, so nothing is still writing into the home when it is removed.
    await client.waitFor(
      (m) => m.method === 'turn/completed' && (m.params as { turn: { id: string } }).turn.id === turn.turn.id,
      'turn/completed',
      30_000,
    );
    const [request] = await fake.waitForRequests(1);
    const sent = JSON.stringify(request?.body).match(/data:image\/png;base64,([A-Za-z0-9+/=]+)/)?.[1];
    assert.ok(sent, `no PNG data URL in the model request: ${request?.rawBody.slice(0, 500)}`);
    const png = Buffer.from(sent, 'base64');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [2048, 256]);
  });
});
