import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway certificate authority and a server certificate it signed for 127.0.0.1 and localhost. */
export interface TestCertificates {
  readonly dir: string;
  /** PEM of the CA certificate: what a client trusts. */
  readonly caCert: Buffer;
  readonly caCertFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
}

/**
 * Makes a fresh CA and server certificate with the `openssl` CLI (.ci/run installs it when missing), in a
 * temporary directory removed in `t.after`. Nothing touches the network.
 */
export async function makeTestCertificates(t: TestContext): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'app-server-tls-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });

  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=app-server test CA',
    '-keyout', file('ca.key'), '-out', file('ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1',
    '-keyout', file('server.key'), '-out', file('server.csr'));
  await writeFile(
    file('server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  await openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
    '-CAcreateserial', '-days', '2', '-extfile', file('server.ext'), '-out', file('server.pem'));
  return {
    dir,
    caCert: await readFile(file('ca.pem')),
    caCertFile: file('ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
  };
}
