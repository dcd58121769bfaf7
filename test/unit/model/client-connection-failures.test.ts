import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import type { ConfigToml } from '../../../src/config/schema.js';
import { HttpModelClient, type FailureLog } from '../../../src/model/client.js';
import { resolveProvider } from '../../../src/model/provider.js';
import { makeTestCa } from '../../helpers/test-ca.js';
import { assertModelError, failure, REQUEST } from './client-harness.js';

interface Logged {
  readonly details: Record<string, unknown>;
  readonly message: string;
}

/** A client for a `mock` provider at `baseUrl`, logging into an array. */
function clientFor(baseUrl: string, provider: Record<string, unknown> = {}) {
  const logged: Logged[] = [];
  const log: FailureLog = { warn: (details, message) => logged.push({ details, message }) };
  const config = {
    model_provider: 'mock',
    model_providers: { mock: { name: 'Mock', base_url: baseUrl, request_max_retries: 1, ...provider } },
  } as ConfigToml;
  const client = new HttpModelClient({
    provider: resolveProvider(config, {}),
    backoffBaseMs: 1,
    sleep: async (_ms, signal) => signal.throwIfAborted(),
    log,
    env: {},
  });
  return { client, logged };
}

async function streamFailure(client: HttpModelClient) {
  const { error } = await failure(client.stream(REQUEST, { signal: AbortSignal.timeout(10_000) }));
  assertModelError(error, { kind: 'httpConnectionFailed' });
  return error;
}

async function listen(t: TestContext, server: { listen: (port: number, host: string) => unknown; close: () => unknown } & NodeJS.EventEmitter) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return (server as unknown as { address(): AddressInfo }).address().port;
}

describe('a model request that gets no answer says why and what to check', () => {
  it('refused port: names the host and the provider setting, and is logged once with retries', async (t) => {
    const probe = createServer();
    const port = await listen(t, probe);
    probe.close();
    const baseUrl = `http://127.0.0.1:${port}/v1`;
    const { client, logged } = clientFor(baseUrl);
    const error = await streamFailure(client);
    assert.equal(
      error.message,
      `stream disconnected before completion: error sending request for url (${baseUrl}/responses): nothing is ` +
        `listening at 127.0.0.1:${port} (ECONNREFUSED): check base_url of [model_providers.mock] in config.toml, ` +
        'and that the service is running and reachable from this machine.',
    );
    assert.deepEqual(logged, [
      {
        message: 'model request failed',
        details: {
          provider: 'mock',
          url: `${baseUrl}/responses`,
          status: null,
          kind: 'httpConnectionFailed',
          retries: 1,
          reason: error.message,
        },
      },
    ]);
  });

  it('unresolvable host', async () => {
    const { client } = clientFor('http://no-such-host.invalid/v1', { request_max_retries: 0 });
    const error = await streamFailure(client);
    assert.match(error.message, /the host name no-such-host\.invalid could not be resolved \((ENOTFOUND|EAI_AGAIN)\): check base_url of \[model_providers\.mock\]/);
  });

  it('TLS with a certificate nobody told the server to trust: points at CODEX_CA_CERTIFICATE', async (t) => {
    const ca = await makeTestCa(t);
    const server = createHttpsServer({ key: ca.serverKey, cert: ca.serverCert }, (_req, res) => res.end());
    const port = await listen(t, server);
    const { client } = clientFor(`https://127.0.0.1:${port}/v1`, { request_max_retries: 0 });
    const error = await streamFailure(client);
    assert.match(error.message, new RegExp(`the TLS handshake with 127\\.0\\.0\\.1:${port} failed \\([A-Z_]+\\): `));
    assert.match(error.message, /set CODEX_CA_CERTIFICATE \(or SSL_CERT_FILE\) to its PEM bundle/);
  });

  it('a server that accepts but never answers times out after stream_idle_timeout_ms', async (t) => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    t.after(() => {
      for (const socket of sockets) socket.destroy();
    });
    const port = await listen(t, silent);
    const { client } = clientFor(`http://127.0.0.1:${port}/v1`, { request_max_retries: 0, stream_idle_timeout_ms: 200 });
    const error = await streamFailure(client);
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port} did not answer in time: no response within 200 ms`));
  });
});
