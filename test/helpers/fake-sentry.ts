import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { makeTestCa } from './test-ca.js';

const run = promisify(execFile);

/** The host the reference 0.169.0 sends feedback to (its built-in DSN). */
const REFERENCE_SENTRY_HOST = 'o33249.ingest.us.sentry.io';

export interface SentryEnvelope {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The unzipped envelope split at newlines: header, item header, payload (and what follows its final newline). */
  readonly lines: string[];
}

export interface FakeSentry {
  /** A DSN for our server (`CODEX_APP_SERVER_FEEDBACK_DSN`): plain HTTP on 127.0.0.1, project 42. */
  readonly dsn: string;
  /**
   * Environment that routes the reference's uploads here: an `HTTPS_PROXY` that answers `CONNECT` for the reference's
   * Sentry host with a certificate from a test CA the reference is told to trust (`CODEX_CA_CERTIFICATE`).
   */
  readonly referenceEnv: NodeJS.ProcessEnv;
  /** Every envelope received, in order. */
  readonly envelopes: SentryEnvelope[];
  /** The status the next envelope is answered with (200 unless changed). */
  status: number;
}

/** A fake Sentry envelope endpoint on 127.0.0.1 for both servers; everything is stopped in `t.after`. */
export async function startFakeSentry(t: TestContext): Promise<FakeSentry> {
  const ca = await makeTestCa(t, 'Fake Sentry CA');
  await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'sentry.key',
    '-out', 'sentry.csr', '-subj', `/CN=${REFERENCE_SENTRY_HOST}`], { cwd: ca.dir });
  const ext = await ca.file('sentry.ext', `subjectAltName=DNS:${REFERENCE_SENTRY_HOST}\nbasicConstraints=CA:FALSE\n`);
  await run('openssl', ['x509', '-req', '-in', 'sentry.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'sentry.pem', '-days', '2', '-extfile', ext], { cwd: ca.dir });
  const key = await readFile(join(ca.dir, 'sentry.key'));
  const cert = await readFile(join(ca.dir, 'sentry.pem'));

  const sockets = new Set<Socket>();
  const fake: FakeSentry = { dsn: '', referenceEnv: {}, envelopes: [], status: 200 };
  const sentry = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      fake.envelopes.push({ url: request.url ?? '', headers: request.headers, lines: body.toString('utf8').split('\n') });
      response.writeHead(fake.status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const proxy = createServer((_request, response) => response.writeHead(502).end());
  proxy.on('connect', (request, socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (request.url !== `${REFERENCE_SENTRY_HOST}:443`) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    const secure = new TLSSocket(socket, { isServer: true, key, cert, ALPNProtocols: ['http/1.1'] });
    secure.on('error', () => socket.destroy());
    sentry.emit('connection', secure);
  });
  for (const server of [sentry, proxy]) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
  }
  const port = (server: typeof sentry) => (server.address() as { port: number }).port;
  const proxyUrl = `http://127.0.0.1:${port(proxy)}`;
  return Object.assign(fake, {
    dsn: `http://publickey@127.0.0.1:${port(sentry)}/42`,
    referenceEnv: {
      HTTPS_PROXY: proxyUrl,
      https_proxy: proxyUrl,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      CODEX_CA_CERTIFICATE: ca.caPemFile,
    },
  });
}
