import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import {
  isLoopbackIp,
  refusesNonLoopbackWithoutAuth,
  resolveWsAuthPolicy,
} from '../../../src/transport/ws-auth-settings.js';
import type { WsAuthFlags, WsAuthPolicy } from '../../../src/transport/ws-auth-settings.js';
import { StartupError } from '../../../src/util/startup-error.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

async function makeTempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ws-auth-settings-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function writeTemp(t: TestContext, name: string, content: string | Buffer): Promise<string> {
  const path = join(await makeTempDir(t), name);
  await writeFile(path, content);
  return path;
}

async function rejectsWith(flags: WsAuthFlags, message: string): Promise<void> {
  await assert.rejects(resolveWsAuthPolicy(flags), (error: unknown) => {
    assert.ok(error instanceof StartupError, `expected a StartupError, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

const NEEDS_MODE = 'websocket auth flags require `--ws-auth capability-token` or `--ws-auth signed-bearer-token`';
const JWT_FLAGS_NEED_JWT_MODE =
  '`--ws-shared-secret-file`, `--ws-issuer`, `--ws-audience`, and `--ws-max-clock-skew-seconds` require `--ws-auth signed-bearer-token`';
const TOKEN_FLAGS_NEED_CAPABILITY_MODE =
  '`--ws-token-file` and `--ws-token-sha256` require `--ws-auth capability-token`, not `signed-bearer-token`';
const TOKEN_SOURCES_EXCLUSIVE = '`--ws-token-file` and `--ws-token-sha256` are mutually exclusive';
const TOKEN_SOURCE_REQUIRED =
  '`--ws-token-file` or `--ws-token-sha256` is required when `--ws-auth capability-token` is set';
const SECRET_FILE_REQUIRED = '`--ws-shared-secret-file` is required when `--ws-auth signed-bearer-token` is set';
const BAD_SHA256 = '--ws-token-sha256 must be a 64-character hex SHA-256 digest';

const SECRET_32 = '0123456789abcdef0123456789abcdef';

describe('resolveWsAuthPolicy flag combinations', () => {
  it('returns mode none when no auth flag is given', async () => {
    assert.deepEqual(await resolveWsAuthPolicy({}), { mode: 'none' });
  });

  it('rejects every mode-specific flag given without --ws-auth', async () => {
    const cases: WsAuthFlags[] = [
      { wsTokenFile: '/tmp/token' },
      { wsTokenSha256: 'a'.repeat(64) },
      { wsSharedSecretFile: '/tmp/secret' },
      { wsIssuer: 'iss' },
      { wsAudience: 'aud' },
      { wsMaxClockSkewSeconds: 5 },
      { wsIssuer: '' },
    ];
    for (const flags of cases) await rejectsWith(flags, NEEDS_MODE);
  });

  it('rejects each JWT flag in capability-token mode', async () => {
    const cases: WsAuthFlags[] = [
      { wsSharedSecretFile: '/tmp/secret' },
      { wsIssuer: 'iss' },
      { wsAudience: 'aud' },
      { wsMaxClockSkewSeconds: 0 },
    ];
    for (const extra of cases) {
      await rejectsWith({ wsAuth: 'capability-token', wsTokenFile: '/tmp/token', ...extra }, JWT_FLAGS_NEED_JWT_MODE);
    }
  });

  it('reports JWT flags in capability-token mode before a token-source problem', async () => {
    await rejectsWith({ wsAuth: 'capability-token', wsIssuer: 'x' }, JWT_FLAGS_NEED_JWT_MODE);
    await rejectsWith(
      { wsAuth: 'capability-token', wsAudience: 'x', wsTokenFile: '/t', wsTokenSha256: 'zz' },
      JWT_FLAGS_NEED_JWT_MODE,
    );
  });

  it('rejects each token flag in signed-bearer-token mode, before the missing secret file', async () => {
    await rejectsWith(
      { wsAuth: 'signed-bearer-token', wsSharedSecretFile: '/tmp/secret', wsTokenFile: '/tmp/token' },
      TOKEN_FLAGS_NEED_CAPABILITY_MODE,
    );
    await rejectsWith(
      { wsAuth: 'signed-bearer-token', wsSharedSecretFile: '/tmp/secret', wsTokenSha256: 'a'.repeat(64) },
      TOKEN_FLAGS_NEED_CAPABILITY_MODE,
    );
    await rejectsWith({ wsAuth: 'signed-bearer-token', wsTokenFile: '/tmp/token' }, TOKEN_FLAGS_NEED_CAPABILITY_MODE);
  });

  it('rejects both token sources together, before checking the digest format', async () => {
    await rejectsWith(
      { wsAuth: 'capability-token', wsTokenFile: '/tmp/token', wsTokenSha256: 'a'.repeat(64) },
      TOKEN_SOURCES_EXCLUSIVE,
    );
    await rejectsWith({ wsAuth: 'capability-token', wsTokenFile: '/tmp/token', wsTokenSha256: 'bad' }, TOKEN_SOURCES_EXCLUSIVE);
  });

  it('requires a token source in capability-token mode', async () => {
    await rejectsWith({ wsAuth: 'capability-token' }, TOKEN_SOURCE_REQUIRED);
  });

  it('requires the shared secret file in signed-bearer-token mode', async () => {
    await rejectsWith({ wsAuth: 'signed-bearer-token' }, SECRET_FILE_REQUIRED);
    await rejectsWith({ wsAuth: 'signed-bearer-token', wsIssuer: 'iss', wsAudience: 'aud' }, SECRET_FILE_REQUIRED);
  });
});

describe('resolveWsAuthPolicy capability token', () => {
  it('keeps only the SHA-256 of the token file content trimmed of surrounding whitespace and newlines', async (t) => {
    const path = await writeTemp(t, 'token', '  my-cap-token-123  \n\n');
    const policy = await resolveWsAuthPolicy({ wsAuth: 'capability-token', wsTokenFile: path });
    assert.deepEqual(policy, { mode: 'capability-token', tokenSha256: sha256('my-cap-token-123') });
  });

  it('keeps inner whitespace of the token', async (t) => {
    const path = await writeTemp(t, 'token', '\r\n\tab c\t\r\n');
    const policy = await resolveWsAuthPolicy({ wsAuth: 'capability-token', wsTokenFile: path });
    assert.deepEqual(policy, { mode: 'capability-token', tokenSha256: sha256('ab c') });
  });

  it('rejects a token file that is empty after trimming', async (t) => {
    const empty = await writeTemp(t, 'empty', '');
    await rejectsWith({ wsAuth: 'capability-token', wsTokenFile: empty }, `websocket auth secret ${empty} must not be empty`);
    const blank = await writeTemp(t, 'blank', '  \n\t\r\n');
    await rejectsWith({ wsAuth: 'capability-token', wsTokenFile: blank }, `websocket auth secret ${blank} must not be empty`);
  });

  it('trims like Rust: NEL is whitespace, a byte-order mark is not', async (t) => {
    const nel = await writeTemp(t, 'nel', '\u0085 \n');
    await rejectsWith({ wsAuth: 'capability-token', wsTokenFile: nel }, `websocket auth secret ${nel} must not be empty`);
    const bom = await writeTemp(t, 'bom', '\uFEFFtok\n');
    const policy = await resolveWsAuthPolicy({ wsAuth: 'capability-token', wsTokenFile: bom });
    assert.deepEqual(policy, { mode: 'capability-token', tokenSha256: sha256('\uFEFFtok') });
  });

  it('reports a missing file with the OS error text', async (t) => {
    const missing = join(await makeTempDir(t), 'missing');
    await rejectsWith(
      { wsAuth: 'capability-token', wsTokenFile: missing },
      `failed to read websocket auth secret ${missing}: No such file or directory (os error 2)`,
    );
  });

  it('reports a directory with the OS error text', async (t) => {
    const dir = await makeTempDir(t);
    await rejectsWith(
      { wsAuth: 'capability-token', wsTokenFile: dir },
      `failed to read websocket auth secret ${dir}: Is a directory (os error 21)`,
    );
  });

  it('rejects a file that is not valid UTF-8', async (t) => {
    const path = await writeTemp(t, 'binary', Buffer.from([0x74, 0xff, 0xfe]));
    await rejectsWith(
      { wsAuth: 'capability-token', wsTokenFile: path },
      `failed to read websocket auth secret ${path}: stream did not contain valid UTF-8`,
    );
  });

  it('resolves a relative path against the working directory and shows the absolute path', async () => {
    const relative = `./no-such-dir-${process.pid}/../missing-token-${process.pid}`;
    const absolute = resolve(`missing-token-${process.pid}`);
    await rejectsWith(
      { wsAuth: 'capability-token', wsTokenFile: relative },
      `failed to read websocket auth secret ${absolute}: No such file or directory (os error 2)`,
    );
  });

  it('expands a leading ~/ to the home directory', async () => {
    const name = `no-such-token-${process.pid}-${Date.now()}`;
    await rejectsWith(
      { wsAuth: 'capability-token', wsTokenFile: `~/${name}` },
      `failed to read websocket auth secret ${join(homedir(), name)}: No such file or directory (os error 2)`,
    );
  });

  it('accepts a 64-character hex digest in either case, trimmed', async () => {
    const digest = sha256('tok');
    const lower = digest.toString('hex');
    for (const value of [lower, lower.toUpperCase(), `  ${lower}\n`]) {
      const policy = await resolveWsAuthPolicy({ wsAuth: 'capability-token', wsTokenSha256: value });
      assert.deepEqual(policy, { mode: 'capability-token', tokenSha256: digest });
    }
  });

  it('rejects a digest that is not 64 hex characters', async () => {
    for (const value of ['abc', 'a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64), `${'a'.repeat(62)} a`, '']) {
      await rejectsWith({ wsAuth: 'capability-token', wsTokenSha256: value }, BAD_SHA256);
    }
  });
});

describe('resolveWsAuthPolicy signed bearer token', () => {
  it('accepts a secret of exactly 32 bytes after trimming, with defaults for the optional flags', async (t) => {
    const path = await writeTemp(t, 'secret', `\n ${SECRET_32} \n`);
    const policy = await resolveWsAuthPolicy({ wsAuth: 'signed-bearer-token', wsSharedSecretFile: path });
    assert.deepEqual(policy, {
      mode: 'signed-bearer-token',
      secret: Buffer.from(SECRET_32),
      issuer: null,
      audience: null,
      maxClockSkewSeconds: 30,
    });
  });

  it('rejects a secret of 31 bytes', async (t) => {
    const path = await writeTemp(t, 'secret', `${SECRET_32.slice(1)}\n`);
    await rejectsWith(
      { wsAuth: 'signed-bearer-token', wsSharedSecretFile: path },
      `signed websocket bearer secret ${path} must be at least 32 bytes`,
    );
  });

  it('counts the secret length in UTF-8 bytes, not characters', async (t) => {
    const path = await writeTemp(t, 'secret', '€'.repeat(11));
    const policy = await resolveWsAuthPolicy({ wsAuth: 'signed-bearer-token', wsSharedSecretFile: path });
    assert.equal(policy.mode, 'signed-bearer-token');
    assert.equal((policy as Extract<WsAuthPolicy, { mode: 'signed-bearer-token' }>).secret.length, 33);
  });

  it('rejects an empty or unreadable secret file with the shared messages', async (t) => {
    const blank = await writeTemp(t, 'blank', ' \n');
    await rejectsWith(
      { wsAuth: 'signed-bearer-token', wsSharedSecretFile: blank },
      `websocket auth secret ${blank} must not be empty`,
    );
    const missing = join(await makeTempDir(t), 'missing');
    await rejectsWith(
      { wsAuth: 'signed-bearer-token', wsSharedSecretFile: missing },
      `failed to read websocket auth secret ${missing}: No such file or directory (os error 2)`,
    );
  });

  it('refuses a template placeholder as the secret or token, saying how to make a real one', async (t) => {
    // The stand-in deploy/kubernetes.yaml used to ship, long enough to pass the length check.
    const secret = await writeTemp(t, 'jwt-secret', 'REPLACE-WITH-AT-LEAST-32-RANDOM-BYTES-OF-SECRET\n');
    await assert.rejects(
      resolveWsAuthPolicy({ wsAuth: 'signed-bearer-token', wsSharedSecretFile: secret }),
      (error: unknown) =>
        error instanceof StartupError &&
        error.message.startsWith(`refusing to start: websocket auth secret ${secret} is a placeholder (it contains "REPLACE")`) &&
        error.message.includes('head -c 48 /dev/urandom | base64'),
    );
    const token = await writeTemp(t, 'ws-token', 'changeme');
    await assert.rejects(
      resolveWsAuthPolicy({ wsAuth: 'capability-token', wsTokenFile: token }),
      /is a placeholder \(it contains "CHANGEME"\)/,
    );
  });

  it('trims issuer and audience, and treats blank values as not checked', async (t) => {
    const path = await writeTemp(t, 'secret', SECRET_32);
    const trimmed = await resolveWsAuthPolicy({
      wsAuth: 'signed-bearer-token',
      wsSharedSecretFile: path,
      wsIssuer: ' iss1 ',
      wsAudience: '\taud1\n',
      wsMaxClockSkewSeconds: 5,
    });
    assert.deepEqual(trimmed, {
      mode: 'signed-bearer-token',
      secret: Buffer.from(SECRET_32),
      issuer: 'iss1',
      audience: 'aud1',
      maxClockSkewSeconds: 5,
    });
    const blank = await resolveWsAuthPolicy({
      wsAuth: 'signed-bearer-token',
      wsSharedSecretFile: path,
      wsIssuer: '',
      wsAudience: '   ',
    });
    assert.equal(blank.mode, 'signed-bearer-token');
    const jwtPolicy = blank as Extract<WsAuthPolicy, { mode: 'signed-bearer-token' }>;
    assert.equal(jwtPolicy.issuer, null);
    assert.equal(jwtPolicy.audience, null);
    assert.equal(jwtPolicy.maxClockSkewSeconds, 30);
  });

  it('keeps an explicit skew of 0 and rejects one beyond a signed 64-bit integer', async (t) => {
    const path = await writeTemp(t, 'secret', SECRET_32);
    const zero = await resolveWsAuthPolicy({ wsAuth: 'signed-bearer-token', wsSharedSecretFile: path, wsMaxClockSkewSeconds: 0 });
    assert.equal((zero as Extract<WsAuthPolicy, { mode: 'signed-bearer-token' }>).maxClockSkewSeconds, 0);
    await rejectsWith(
      { wsAuth: 'signed-bearer-token', wsSharedSecretFile: path, wsMaxClockSkewSeconds: 2 ** 64 },
      'websocket auth clock skew must fit in a signed 64-bit integer',
    );
  });
});

describe('refusesNonLoopbackWithoutAuth', () => {
  const refusal = (addr: string) =>
    `refusing to start non-loopback websocket listener ${addr} without auth; configure \`--ws-auth capability-token\` or \`--ws-auth signed-bearer-token\``;
  const none: WsAuthPolicy = { mode: 'none' };

  it('allows loopback addresses without auth', () => {
    for (const host of ['127.0.0.1', '127.255.1.2', '::1', '[::1]', '0:0:0:0:0:0:0:1']) {
      assert.equal(refusesNonLoopbackWithoutAuth(host, 4500, none), null, host);
    }
  });

  it('refuses other addresses without auth, naming them as IP:PORT', () => {
    assert.equal(refusesNonLoopbackWithoutAuth('0.0.0.0', 4500, none), refusal('0.0.0.0:4500'));
    assert.equal(refusesNonLoopbackWithoutAuth('192.0.2.1', 4500, none), refusal('192.0.2.1:4500'));
    assert.equal(refusesNonLoopbackWithoutAuth('::', 80, none), refusal('[::]:80'));
    assert.equal(refusesNonLoopbackWithoutAuth('2001:DB8:0:0:0:0:0:1', 80, none), refusal('[2001:db8::1]:80'));
    // Rust's is_loopback does not look inside IPv4-mapped addresses.
    assert.equal(refusesNonLoopbackWithoutAuth('::ffff:127.0.0.1', 80, none), refusal('[::ffff:127.0.0.1]:80'));
  });

  it('allows any address once an auth mode is configured', () => {
    const capability: WsAuthPolicy = { mode: 'capability-token', tokenSha256: sha256('tok') };
    assert.equal(refusesNonLoopbackWithoutAuth('0.0.0.0', 4500, capability), null);
    const signed: WsAuthPolicy = {
      mode: 'signed-bearer-token',
      secret: Buffer.from(SECRET_32),
      issuer: null,
      audience: null,
      maxClockSkewSeconds: 30,
    };
    assert.equal(refusesNonLoopbackWithoutAuth('::', 4500, signed), null);
  });
});

describe('isLoopbackIp', () => {
  it('accepts 127.0.0.0/8 and ::1 and nothing else', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::0:1']) assert.equal(isLoopbackIp(host), true, host);
    for (const host of ['0.0.0.0', '128.0.0.1', '::', '::ffff:127.0.0.1', 'localhost', '']) {
      assert.equal(isLoopbackIp(host), false, host);
    }
  });
});
