import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { RpcTestClient } from '../helpers/rpc-client.js';
import { exitCodeOf, spawnCli, startTestServer, waitForListening } from '../helpers/server.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { makeTestCa } from '../helpers/test-ca.js';

/** GET over https trusting `ca`; resolves with the status code. */
async function httpsStatus(url: string, ca: string): Promise<number> {
  const request = get(url, { ca });
  const [response] = (await once(request, 'response')) as [import('node:http').IncomingMessage];
  response.resume();
  return response.statusCode ?? 0;
}

/** Native TLS (beyond the reference): `--tls-cert-file` / `--tls-key-file` serve `wss://` and the probes over https. */
describe('TLS listener', () => {
  it('serves JSON-RPC over wss:// and the probes over https to a client that trusts the CA', async (t) => {
    const certs = await makeTestCa(t);
    const { url, port } = await startTestServer(t, {
      tlsCertFile: certs.serverCertFile,
      tlsKeyFile: certs.serverKeyFile,
    });
    assert.equal(url, `wss://127.0.0.1:${port}`);
    const client = await RpcTestClient.connect(url, {}, { ca: certs.caPem });
    t.after(() => client.close());
    await client.initialize();
    const response = await client.request('thread/loaded/list', {});
    assert.deepEqual(response.result, { data: [], nextCursor: null });
    assert.equal(await httpsStatus(`https://127.0.0.1:${port}/readyz`, certs.caPem), 200);
    assert.equal(await httpsStatus(`https://127.0.0.1:${port}/healthz`, certs.caPem), 200);
  });

  it('fails the handshake of a client that does not trust the certificate, and of a plain ws:// client', async (t) => {
    const certs = await makeTestCa(t);
    const { port } = await startTestServer(t, { tlsCertFile: certs.serverCertFile, tlsKeyFile: certs.serverKeyFile });
    await assert.rejects(RpcTestClient.connect(`wss://127.0.0.1:${port}`), /unable to verify the first certificate/);

    const plain = new WebSocket(`ws://127.0.0.1:${port}`);
    t.after(() => plain.terminate());
    const errors: Error[] = [];
    plain.on('error', (error) => errors.push(error));
    // The TLS server cannot parse a plain HTTP upgrade: the socket errors or closes, it never opens.
    // (events.once would reject on the 'error' that precedes the close.)
    const outcome = await new Promise((resolve) => {
      plain.on('open', () => resolve('open'));
      plain.on('close', () => resolve('close'));
    });
    assert.equal(outcome, 'close');
    assert.ok(errors.length > 0);
  });

  it('still authenticates the upgrade over TLS', async (t) => {
    const certs = await makeTestCa(t);
    const tokenFile = join(certs.dir, 'ws-token');
    await writeFile(tokenFile, 'secret-token-of-this-test\n');
    const { url } = await startTestServer(t, {
      tlsCertFile: certs.serverCertFile,
      tlsKeyFile: certs.serverKeyFile,
      wsAuth: 'capability-token',
      wsTokenFile: tokenFile,
    });
    await assert.rejects(RpcTestClient.connect(url, {}, { ca: certs.caPem }), /Unexpected server response: 401/);
    const client = await RpcTestClient.connect(
      url,
      { authorization: 'Bearer secret-token-of-this-test' },
      { ca: certs.caPem },
    );
    t.after(() => client.close());
    await client.initialize();
  });

  it('prints wss:// and https:// in the startup banner of the built binary', async (t) => {
    const certs = await makeTestCa(t);
    const codexHome = await makeTempHome(t);
    const cli = spawnCli(
      t,
      ['--listen', 'ws://127.0.0.1:0', '--tls-cert-file', certs.serverCertFile, '--tls-key-file', certs.serverKeyFile],
      { CODEX_HOME: codexHome },
    );
    const url = await waitForListening(cli);
    assert.match(url, /^wss:\/\/127\.0\.0\.1:\d+$/);
    assert.match(cli.stderr(), /readyz: https:\/\/127\.0\.0\.1:\d+\/readyz/);
  });

  it('refuses to start without both files, or with files that are not a matching PEM pair', async (t) => {
    const certs = await makeTestCa(t);
    const codexHome = await makeTempHome(t);
    const garbage = join(certs.dir, 'garbage.pem');
    await writeFile(garbage, 'not a certificate\n');
    const cases: readonly (readonly [readonly string[], RegExp])[] = [
      [['--tls-cert-file', certs.serverCertFile], /--tls-cert-file and --tls-key-file must be given together/],
      [
        ['--tls-cert-file', join(certs.dir, 'missing.pem'), '--tls-key-file', certs.serverKeyFile],
        /failed to read --tls-cert-file .*missing\.pem: ENOENT/,
      ],
      [
        ['--tls-cert-file', garbage, '--tls-key-file', certs.serverKeyFile],
        /failed to load the TLS certificate .*garbage\.pem with the key .*server\.key: .*must be PEM files/,
      ],
      [
        // The CA's certificate with the server's key: a pair that does not match.
        ['--tls-cert-file', certs.caPemFile, '--tls-key-file', certs.serverKeyFile],
        /failed to load the TLS certificate .*ca\.pem with the key .*server\.key: .*key values mismatch/,
      ],
    ];
    for (const [flags, message] of cases) {
      const cli = spawnCli(t, ['--listen', 'ws://127.0.0.1:0', ...flags], { CODEX_HOME: codexHome });
      assert.equal(await exitCodeOf(cli), 1, cli.stderr());
      assert.match(cli.stderr(), message);
    }
    const stdio = spawnCli(t, ['--listen', 'stdio://', '--tls-cert-file', certs.serverCertFile, '--tls-key-file', certs.serverKeyFile], {
      CODEX_HOME: codexHome,
    });
    assert.equal(await exitCodeOf(stdio), 1);
    assert.match(stdio.stderr(), /require a `ws:\/\/IP:PORT` listener/);
  });
});
