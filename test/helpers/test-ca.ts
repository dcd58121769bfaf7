import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { requireProgram } from './prerequisites.js';

const run = promisify(execFile);

/** A throw-away certificate authority made with the `openssl` CLI, and a server certificate it signed. */
export interface TestCa {
  readonly dir: string;
  /** The CA certificate (PEM). */
  readonly caPem: string;
  /** The CA certificate as OpenSSL's `TRUSTED CERTIFICATE` (with trust settings appended). */
  readonly caTrustedPem: string;
  /** A CRL signed by the CA (PEM). */
  readonly crlPem: string;
  /** For an HTTPS server on 127.0.0.1. */
  readonly serverKey: string;
  readonly serverCert: string;
  /** The same, as files in `dir` (what `--tls-cert-file` and friends take). */
  readonly caPemFile: string;
  readonly serverKeyFile: string;
  readonly serverCertFile: string;
  /** Writes `content` to a file in the CA's directory and returns its path. */
  file(name: string, content: string): Promise<string>;
}

async function openssl(dir: string, ...args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Makes a CA named `name` in a temporary directory, removed in `t.after`. No network involved. */
export async function makeTestCa(t: TestContext, name = 'Codex Test CA'): Promise<TestCa> {
  requireProgram('openssl');
  const dir = await mkdtemp(join(tmpdir(), 'test-ca-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await openssl(dir, 'req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  await openssl(dir, 'req', ...EC, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  await writeFile(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  await openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
  await openssl(dir, 'x509', '-in', 'ca.pem', '-trustout', '-addtrust', 'serverAuth', '-out', 'ca-trusted.pem');
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'crlnumber'), '01\n');
  await writeFile(
    join(dir, 'ca.cnf'),
    '[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 1\n',
  );
  await openssl(dir, 'ca', '-config', 'ca.cnf', '-gencrl', '-keyfile', 'ca.key', '-cert', 'ca.pem', '-out', 'ca.crl');
  const read = (file: string) => readFile(join(dir, file), 'utf8');
  return {
    dir,
    caPem: await read('ca.pem'),
    caTrustedPem: await read('ca-trusted.pem'),
    crlPem: await read('ca.crl'),
    serverKey: await read('server.key'),
    serverCert: await read('server.pem'),
    caPemFile: join(dir, 'ca.pem'),
    serverKeyFile: join(dir, 'server.key'),
    serverCertFile: join(dir, 'server.pem'),
    file: async (fileName, content) => {
      const path = join(dir, fileName);
      await writeFile(path, content);
      return path;
    },
  };
}
