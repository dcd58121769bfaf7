import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it, type TestContext } from 'node:test';
import pino from 'pino';
import type { ServeOptions } from '../../../src/cli.js';
import { startServer } from '../../../src/main.js';
import { sseReply, startFakeModelServer, textTurnFrames, type FakeModelServer } from '../../helpers/fake-model-server.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { makeTestCa, type TestCa } from '../../helpers/test-ca.js';
import { mockProviderConfig, startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';

interface CaRun {
  readonly status: string;
  readonly logs: readonly Record<string, unknown>[];
}

/** Runs one turn against an HTTPS fake model on a server whose environment has `caEnv`; returns the turn status. */
async function turnWithCaEnv(t: TestContext, fake: FakeModelServer, caEnv: NodeJS.ProcessEnv): Promise<CaRun> {
  const codexHome = await makeTempHome(t, mockProviderConfig(fake.baseUrl));
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line));
      done();
    },
  });
  const env: NodeJS.ProcessEnv = { ...process.env, CODEX_HOME: codexHome };
  delete env.CODEX_CA_CERTIFICATE;
  delete env.SSL_CERT_FILE;
  const server = await startServer(
    { config: [], enable: [], disable: [], listen: { kind: 'websocket', host: '127.0.0.1', port: 0 } } as ServeOptions,
    { env: { ...env, ...caEnv }, log: pino({ level: 'info' }, sink) },
  );
  t.after(() => server.close());
  const client = await RpcTestClient.connect(server.websocket!.url);
  t.after(() => client.close());
  await client.initialize({ experimentalApi: true });
  const threadId = await startThread(client);
  const turn = (await turnCompleted(client, await startTextTurn(client, threadId, 'hi'))).turn as { status: string };
  return { status: turn.status, logs };
}

async function httpsFake(t: TestContext, ca: TestCa): Promise<FakeModelServer> {
  return startFakeModelServer(t, [sseReply(textTurnFrames(['secure']))], {
    tls: { key: ca.serverKey, cert: ca.serverCert },
  });
}

describe('custom CA for the model provider (CODEX_CA_CERTIFICATE, SSL_CERT_FILE)', () => {
  it('trusts a bundle with several certificates, an OpenSSL TRUSTED CERTIFICATE and a CRL', async (t) => {
    const ca = await makeTestCa(t);
    const unrelated = await makeTestCa(t, 'Unrelated CA');
    const fake = await httpsFake(t, ca);
    const bundle = await ca.file(
      'bundle.pem',
      `# corporate roots\n${unrelated.caPem}${ca.crlPem}${ca.caTrustedPem}`,
    );
    const run = await turnWithCaEnv(t, fake, { CODEX_CA_CERTIFICATE: bundle });
    assert.equal(run.status, 'completed');
    assert.equal(fake.requests.length, 1);
    assert.ok(run.logs.some((line) => line.msg === 'loaded certificates from custom CA bundle' && line.certificateCount === 2));
  });

  it('falls back to SSL_CERT_FILE, and CODEX_CA_CERTIFICATE wins over it', async (t) => {
    const ca = await makeTestCa(t);
    const unrelated = await makeTestCa(t, 'Unrelated CA');
    const fake = await httpsFake(t, ca);
    const caFile = await ca.file('ca-only.pem', ca.caPem);
    assert.equal((await turnWithCaEnv(t, fake, { SSL_CERT_FILE: caFile, CODEX_CA_CERTIFICATE: '' })).status, 'completed');
    const otherFile = await unrelated.file('other.pem', unrelated.caPem);
    const refused = await turnWithCaEnv(t, fake, { SSL_CERT_FILE: caFile, CODEX_CA_CERTIFICATE: otherFile });
    assert.equal(refused.status, 'failed');
    // The TLS handshake failed: the fake never saw a request.
    assert.equal(fake.requests.length, 1);
  });

  it('reports an empty bundle with the variable, the path and the fix, then uses the system roots', async (t) => {
    const ca = await makeTestCa(t);
    const fake = await httpsFake(t, ca);
    const empty = await ca.file('empty.pem', '');
    const run = await turnWithCaEnv(t, fake, { CODEX_CA_CERTIFICATE: empty });
    assert.equal(run.status, 'failed');
    assert.equal(fake.requests.length, 0);
    const warning = run.logs.find((line) => line.level === 40 && String(line.msg).startsWith('Failed to load CA'));
    assert.equal(
      warning?.msg,
      `Failed to load CA certificates from ${empty} selected by CODEX_CA_CERTIFICATE: no certificates found in PEM ` +
        'file. If you set CODEX_CA_CERTIFICATE or SSL_CERT_FILE, ensure it points to a PEM file containing one or ' +
        'more CERTIFICATE blocks, or unset it to use system roots. Falling back to system root certificates.',
    );
  });
});
