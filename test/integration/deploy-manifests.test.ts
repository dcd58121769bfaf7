import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { parseAllDocuments, parse } from 'yaml';
import { parseCommandLine } from '../../src/cli.js';
import type { ServeOptions } from '../../src/cli.js';
import { startServer } from '../../src/main.js';
import { createSilentLogger } from '../../src/util/logger.js';
import { argsOf, parseDockerfile } from '../helpers/dockerfile.js';
import { httpRequest } from '../helpers/http.js';
import { PROJECT_ROOT } from '../helpers/server.js';
import { makeTempHome } from '../helpers/temp-home.js';

const DEPLOY = join(PROJECT_ROOT, 'deploy');
/** The server's default `--drain-timeout-seconds`: orchestrators must wait longer than this before SIGKILL. */
const DRAIN_TIMEOUT_SECONDS = 10;

/** Manifests are untyped YAML, read by path. */
type Yaml = any;

/** The image's CODEX_HOME, from the Dockerfile's runtime stage. */
async function imageCodexHome(): Promise<string> {
  const runtime = parseDockerfile(await readFile(join(PROJECT_ROOT, 'Dockerfile'), 'utf8')).at(-1);
  const env = argsOf(runtime!, 'ENV').join(' ');
  return /CODEX_HOME=(\S+)/.exec(env)?.[1] ?? '';
}

/**
 * Starts our server in this process with the manifest's arguments, as the container would run them, with only
 * the listen address (loopback, a free port) and the named secret files replaced. Proves the arguments are ones
 * the server accepts and starts with.
 */
async function startWithManifestArgs(
  t: TestContext,
  args: readonly string[],
  files: Readonly<Record<string, string>>,
): Promise<string> {
  const replaced = args.map((arg) => files[arg] ?? (arg === 'ws://0.0.0.0:4500' ? 'ws://127.0.0.1:0' : arg));
  const command = parseCommandLine(replaced);
  assert.equal(command.command, 'serve');
  const codexHome = await makeTempHome(t);
  const server = await startServer((command as { options: ServeOptions }).options, {
    env: { ...process.env, CODEX_HOME: codexHome },
    log: createSilentLogger(),
  });
  t.after(() => server.close());
  return `http://127.0.0.1:${server.websocket?.port ?? 0}`;
}

describe('deploy/ manifests', () => {
  it('compose: publishes on loopback, mounts the token secret the command reads, keeps CODEX_HOME on a volume', async (t) => {
    const compose: Yaml = parse(await readFile(join(DEPLOY, 'compose.yaml'), 'utf8'));
    const service: Yaml = compose.services['app-server'];
    assert.equal(service.build.context, '..');
    assert.deepEqual(service.ports, ['127.0.0.1:4500:4500']);
    const command: string[] = service.command;
    const tokenPath = command[command.indexOf('--ws-token-file') + 1];
    assert.deepEqual(service.secrets, ['codex-ws-token']);
    assert.equal(tokenPath, '/run/secrets/codex-ws-token');
    assert.equal(compose.secrets['codex-ws-token'].file, './ws-token');
    assert.ok(service.volumes.includes(`codex-home:${await imageCodexHome()}`));
    // A named volume (owned by the image's user), not a host path Docker would create owned by root.
    assert.ok(service.volumes.includes('workspace:/workspace'));
    assert.ok('workspace' in compose.volumes);
    assert.ok(Number.parseInt(service.stop_grace_period, 10) > DRAIN_TIMEOUT_SECONDS);
    // Docker's seccomp profile stays on; the container is the sandbox, with nothing to escalate to.
    assert.deepEqual(service.security_opt, ['no-new-privileges:true']);
    assert.deepEqual(service.cap_drop, ['ALL']);
    assert.equal(command[command.indexOf('-c') + 1], 'sandbox_mode="danger-full-access"');

    // The bubblewrap override lifts exactly what bubblewrap needs, and drops the sandbox_mode override.
    const bubblewrap: Yaml = parse(await readFile(join(DEPLOY, 'compose.bubblewrap.yaml'), 'utf8'));
    const override: Yaml = bubblewrap.services['app-server'];
    assert.deepEqual(override.security_opt, ['seccomp=unconfined', 'apparmor=unconfined']);
    assert.ok(!override.command.includes('-c'));
    assert.deepEqual(override.command, command.slice(0, command.indexOf('-c')));

    const home = await makeTempHome(t);
    const token = join(home, 'token');
    await writeFile(token, 'a-token\n');
    const base = await startWithManifestArgs(t, command, { [tokenPath!]: token });
    assert.equal((await httpRequest(`${base}/readyz`)).status, 200);
    // GET /metrics asks for the token.
    assert.equal((await httpRequest(`${base}/metrics`)).status, 401);
    assert.equal((await httpRequest(`${base}/metrics`, { headers: { authorization: 'Bearer a-token' } })).status, 200);
  });

  it('kubernetes: a Service and a StatefulSet whose probes, secret mount, limits and volumes match the server', async (t) => {
    const text = await readFile(join(DEPLOY, 'kubernetes.yaml'), 'utf8');
    const documents: Yaml[] = parseAllDocuments(text).map((doc) => {
      assert.deepEqual(doc.errors, []);
      return doc.toJS();
    });
    // No Secret: applying the file must never replace the operator's secret with a placeholder.
    assert.deepEqual(
      documents.map((doc) => doc.kind),
      ['Service', 'StatefulSet'],
    );
    const [service, statefulSet] = documents;
    const pod: Yaml = statefulSet.spec.template.spec;
    const [container]: Yaml[] = pod.containers;
    assert.equal(container.ports[0].containerPort, 4500);
    assert.equal(service.spec.ports[0].targetPort, container.ports[0].name);
    assert.deepEqual(statefulSet.spec.selector.matchLabels, statefulSet.spec.template.metadata.labels);
    assert.deepEqual(service.spec.selector, statefulSet.spec.template.metadata.labels);
    assert.ok(pod.terminationGracePeriodSeconds > DRAIN_TIMEOUT_SECONDS);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
    for (const kind of ['requests', 'limits']) {
      assert.ok(container.resources[kind].cpu, `resources.${kind}.cpu`);
      assert.ok(container.resources[kind].memory, `resources.${kind}.memory`);
    }
    // An image name with a version, used as loaded when it is there (never `:latest`, which forces a pull).
    assert.doesNotMatch(container.image, /:latest$|^[^:]+$/);
    assert.equal(container.imagePullPolicy, 'IfNotPresent');

    // The JWT secret: mounted where --ws-shared-secret-file points, from the key the documented command creates.
    const args: string[] = container.args;
    assert.equal(args[args.indexOf('--ws-auth') + 1], 'signed-bearer-token');
    assert.ok(args.includes('--metrics-require-auth'));
    const secretPath = args[args.indexOf('--ws-shared-secret-file') + 1]!;
    const secretMount = container.volumeMounts.find((mount: Yaml) => secretPath.startsWith(`${mount.mountPath}/`));
    const secretVolume = pod.volumes.find((volume: Yaml) => volume.name === secretMount.name);
    const key = secretPath.slice(secretMount.mountPath.length + 1);
    assert.deepEqual(secretVolume.secret.items, [{ key, path: key }]);
    assert.ok(text.includes(`kubectl create secret generic ${secretVolume.secret.secretName} --from-file=${key}=`));

    // CODEX_HOME and the workspace on claimed volumes.
    const claims = statefulSet.spec.volumeClaimTemplates.map((claim: Yaml) => claim.metadata.name);
    const mountOf = (path: string) => container.volumeMounts.find((mount: Yaml) => mount.mountPath === path)?.name;
    assert.ok(claims.includes(mountOf(await imageCodexHome())));
    assert.ok(claims.includes(mountOf('/workspace')));

    // The server starts with these arguments and answers the probes at their paths.
    const home = await makeTempHome(t);
    const secretFile = join(home, 'jwt-secret');
    await writeFile(secretFile, 'x'.repeat(48));
    const base = await startWithManifestArgs(t, args, { [secretPath]: secretFile });
    // The placeholder the file used to ship is refused at start-up.
    const placeholder = join(home, 'placeholder');
    await writeFile(placeholder, 'REPLACE-WITH-AT-LEAST-32-RANDOM-BYTES-OF-SECRET');
    await assert.rejects(startWithManifestArgs(t, args, { [secretPath]: placeholder }), /is a placeholder/);
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      assert.equal(probe.httpGet.port, container.ports[0].name);
      assert.equal((await httpRequest(`${base}${probe.httpGet.path}`)).status, 200, probe.httpGet.path);
    }
    assert.deepEqual([container.readinessProbe.httpGet.path, container.livenessProbe.httpGet.path], ['/readyz', '/healthz']);
  });
});
