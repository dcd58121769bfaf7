import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { authorizeUpgrade, prepareUpgradeAuth } from '../../../src/transport/upgrade-auth.js';
import type { UpgradeAuthResult } from '../../../src/transport/upgrade-auth.js';
import type { WsAuthPolicy } from '../../../src/transport/ws-auth-settings.js';

const OK: UpgradeAuthResult = { ok: true };
const denied = (message: string): UpgradeAuthResult => ({ ok: false, status: 401, message });

const TOKEN = 'my-cap-token-123';
const capability: WsAuthPolicy = {
  mode: 'capability-token',
  tokenSha256: createHash('sha256').update(TOKEN).digest(),
};

const SECRET = Buffer.from('0123456789abcdef0123456789abcdef');
const NOW = 1_800_000_000;

function signedPolicy(overrides: { issuer?: string; audience?: string } = {}): WsAuthPolicy {
  return {
    mode: 'signed-bearer-token',
    secret: SECRET,
    issuer: overrides.issuer ?? null,
    audience: overrides.audience ?? null,
    maxClockSkewSeconds: 30,
  };
}

function sign(claims: Record<string, unknown>, options: { secret?: Buffer; algorithm?: jwt.Algorithm } = {}): string {
  return jwt.sign(claims, options.secret ?? SECRET, { algorithm: options.algorithm ?? 'HS256', noTimestamp: true });
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT whose payload JSON we spell ourselves, HS256-signed with the right secret. */
function signRaw(payloadJson: string): string {
  const signingInput = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${Buffer.from(payloadJson).toString('base64url')}`;
  const signature = createHmac('sha256', SECRET).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

const check = (token: string, policy: WsAuthPolicy = signedPolicy()) => authorizeUpgrade(`Bearer ${token}`, policy, NOW);

// The HTTP app does this before it serves; a signed-bearer policy needs jsonwebtoken loaded.
before(() => prepareUpgradeAuth(signedPolicy()));

describe('authorizeUpgrade header parsing', () => {
  it('allows every request when no auth mode is configured, header or not', () => {
    assert.deepEqual(authorizeUpgrade(undefined, { mode: 'none' }, NOW), OK);
    assert.deepEqual(authorizeUpgrade('Basic x', { mode: 'none' }, NOW), OK);
  });

  it('rejects a request without an Authorization header', () => {
    assert.deepEqual(authorizeUpgrade(undefined, capability), denied('missing websocket bearer token'));
    assert.deepEqual(authorizeUpgrade([], capability), denied('missing websocket bearer token'));
    assert.deepEqual(authorizeUpgrade(undefined, signedPolicy()), denied('missing websocket bearer token'));
  });

  it('rejects a malformed Authorization header', () => {
    for (const header of ['Basic x', 'Bearer', 'Bearer    ', 'Bearer\ttok', `Token ${TOKEN}`, '', ' ', `Bearer tök`]) {
      assert.deepEqual(authorizeUpgrade(header, capability), denied('invalid authorization header'), JSON.stringify(header));
    }
  });

  it('matches the Bearer scheme case-insensitively', () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      assert.deepEqual(authorizeUpgrade(`${scheme} ${TOKEN}`, capability), OK, scheme);
    }
  });

  it('trims extra spaces and tabs around the token', () => {
    assert.deepEqual(authorizeUpgrade(`Bearer    ${TOKEN}   `, capability), OK);
    assert.deepEqual(authorizeUpgrade(`Bearer \t${TOKEN}\t`, capability), OK);
  });

  it('uses the first value of a repeated header', () => {
    assert.deepEqual(authorizeUpgrade([`Bearer ${TOKEN}`, 'Bearer wrong'], capability), OK);
    assert.deepEqual(authorizeUpgrade(['Bearer wrong', `Bearer ${TOKEN}`], capability), denied('invalid websocket bearer token'));
  });
});

describe('authorizeUpgrade capability token', () => {
  it('accepts the token whose SHA-256 was configured', () => {
    assert.deepEqual(authorizeUpgrade(`Bearer ${TOKEN}`, capability), OK);
  });

  it('rejects another token without echoing it', () => {
    const result = authorizeUpgrade('Bearer not-the-token', capability);
    assert.deepEqual(result, denied('invalid websocket bearer token'));
    assert.ok(!JSON.stringify(result).includes('not-the-token'));
  });

  it('compares the whole token, not a prefix or a case-folded form', () => {
    for (const token of [`${TOKEN}x`, TOKEN.slice(0, -1), TOKEN.toUpperCase()]) {
      assert.deepEqual(authorizeUpgrade(`Bearer ${token}`, capability), denied('invalid websocket bearer token'), token);
    }
  });

  it('works with a digest given as --ws-token-sha256', () => {
    const digestOnly: WsAuthPolicy = {
      mode: 'capability-token',
      tokenSha256: Buffer.from(createHash('sha256').update('super-secret-token').digest('hex').toUpperCase(), 'hex'),
    };
    assert.deepEqual(authorizeUpgrade('Bearer super-secret-token', digestOnly), OK);
    assert.deepEqual(authorizeUpgrade('Bearer wrong-token', digestOnly), denied('invalid websocket bearer token'));
  });
});

describe('authorizeUpgrade signed bearer token', () => {
  it('accepts a valid HS256 token', () => {
    assert.deepEqual(check(sign({ exp: NOW + 60 })), OK);
  });

  it('accepts a token with surrounding spaces in the header', () => {
    assert.deepEqual(authorizeUpgrade(`bearer   ${sign({ exp: NOW + 60 })}  `, signedPolicy(), NOW), OK);
  });

  it('rejects a token expired beyond the skew and accepts one expired within it', () => {
    assert.deepEqual(check(sign({ exp: NOW - 40 })), denied('expired websocket jwt'));
    assert.deepEqual(check(sign({ exp: NOW - 10 })), OK);
  });

  it('treats exp + skew as the last valid second', () => {
    assert.deepEqual(check(sign({ exp: NOW - 30 })), OK);
    assert.deepEqual(check(sign({ exp: NOW - 31 })), denied('expired websocket jwt'));
  });

  it('rejects nbf beyond the skew in the future and accepts it within the skew', () => {
    assert.deepEqual(check(sign({ exp: NOW + 600, nbf: NOW + 100 })), denied('websocket jwt is not valid yet'));
    assert.deepEqual(check(sign({ exp: NOW + 600, nbf: NOW + 10 })), OK);
    assert.deepEqual(check(sign({ exp: NOW + 600, nbf: NOW + 30 })), OK);
    assert.deepEqual(check(sign({ exp: NOW + 600, nbf: NOW + 31 })), denied('websocket jwt is not valid yet'));
  });

  it('uses the configured clock skew', () => {
    const strict: WsAuthPolicy = { ...(signedPolicy() as Extract<WsAuthPolicy, { mode: 'signed-bearer-token' }>), maxClockSkewSeconds: 0 };
    assert.deepEqual(check(sign({ exp: NOW - 1 }), strict), denied('expired websocket jwt'));
    assert.deepEqual(check(sign({ exp: NOW }), strict), OK);
  });

  it('defaults the current time to the wall clock', () => {
    const now = Math.floor(Date.now() / 1000);
    assert.deepEqual(authorizeUpgrade(`Bearer ${sign({ exp: now + 60 })}`, signedPolicy()), OK);
    assert.deepEqual(authorizeUpgrade(`Bearer ${sign({ exp: now - 120 })}`, signedPolicy()), denied('expired websocket jwt'));
  });

  it('checks the issuer only when one is configured', () => {
    const policy = signedPolicy({ issuer: 'iss1' });
    assert.deepEqual(check(sign({ exp: NOW + 60, iss: 'iss1' }), policy), OK);
    assert.deepEqual(check(sign({ exp: NOW + 60, iss: 'other' }), policy), denied('websocket jwt issuer mismatch'));
    assert.deepEqual(check(sign({ exp: NOW + 60 }), policy), denied('websocket jwt issuer mismatch'));
    assert.deepEqual(check(sign({ exp: NOW + 60, iss: 'anything' })), OK);
  });

  it('checks the audience only when one is configured, as a string or an array member', () => {
    const policy = signedPolicy({ audience: 'aud1' });
    assert.deepEqual(check(sign({ exp: NOW + 60, aud: 'aud1' }), policy), OK);
    assert.deepEqual(check(sign({ exp: NOW + 60, aud: ['x', 'aud1'] }), policy), OK);
    assert.deepEqual(check(sign({ exp: NOW + 60, aud: 'other' }), policy), denied('websocket jwt audience mismatch'));
    assert.deepEqual(check(sign({ exp: NOW + 60, aud: ['x', 'y'] }), policy), denied('websocket jwt audience mismatch'));
    assert.deepEqual(check(sign({ exp: NOW + 60 }), policy), denied('websocket jwt audience mismatch'));
    assert.deepEqual(check(sign({ exp: NOW + 60, aud: 'whatever' })), OK);
  });

  it('checks exp, then nbf, then issuer, then audience', () => {
    const policy = signedPolicy({ issuer: 'iss1', audience: 'aud1' });
    assert.deepEqual(check(sign({ exp: NOW - 100, nbf: NOW + 100, iss: 'x', aud: 'y' }), policy), denied('expired websocket jwt'));
    assert.deepEqual(check(sign({ exp: NOW + 600, nbf: NOW + 100, iss: 'x', aud: 'y' }), policy), denied('websocket jwt is not valid yet'));
    assert.deepEqual(check(sign({ exp: NOW + 600, iss: 'x', aud: 'y' }), policy), denied('websocket jwt issuer mismatch'));
  });

  it('rejects tokens signed with HS384 or HS512, even with the right secret', () => {
    assert.deepEqual(check(sign({ exp: NOW + 60 }, { algorithm: 'HS384' })), denied('invalid websocket jwt'));
    assert.deepEqual(check(sign({ exp: NOW + 60 }, { algorithm: 'HS512' })), denied('invalid websocket jwt'));
  });

  it('rejects an unsigned alg none token', () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ exp: NOW + 60 })}.`;
    assert.deepEqual(check(unsigned), denied('invalid websocket jwt'));
    const unsignedNoDot = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ exp: NOW + 60 })}`;
    assert.deepEqual(check(unsignedNoDot), denied('invalid websocket jwt'));
  });

  it('rejects a token without exp or with a non-integer exp', () => {
    assert.deepEqual(check(sign({ iss: 'iss1' })), denied('invalid websocket jwt'));
    assert.deepEqual(check(sign({ exp: 1.5 })), denied('invalid websocket jwt'));
    assert.deepEqual(check(signRaw(`{"exp":"${NOW + 60}"}`)), denied('invalid websocket jwt'));
    assert.deepEqual(check(signRaw('{"exp":null}')), denied('invalid websocket jwt'));
    assert.deepEqual(check(signRaw('{"exp":1e300}')), denied('invalid websocket jwt'));
  });

  it('rejects claims of the wrong type, and treats null optional claims as absent', () => {
    assert.deepEqual(check(sign({ exp: NOW + 60, nbf: NOW + 0.5 })), denied('invalid websocket jwt'));
    assert.deepEqual(check(sign({ exp: NOW + 60, iss: 7 })), denied('invalid websocket jwt'));
    assert.deepEqual(check(sign({ exp: NOW + 60, aud: ['x', 7] })), denied('invalid websocket jwt'));
    assert.deepEqual(check(signRaw(`{"exp":${NOW + 60},"nbf":null,"iss":null,"aud":null}`)), OK);
    assert.deepEqual(check(signRaw('"just a string"')), denied('invalid websocket jwt'));
  });

  it('rejects garbage, tampered tokens and tokens signed with another secret', () => {
    for (const garbage of ['garbage', 'a.b.c', 'not.a.jwt.at.all', '...']) {
      assert.deepEqual(check(garbage), denied('invalid websocket jwt'), garbage);
    }
    const good = sign({ exp: NOW + 60, iss: 'iss1' });
    const [header, , signature] = good.split('.');
    const tampered = `${header}.${base64url({ exp: NOW + 60, iss: 'iss2' })}.${signature}`;
    assert.deepEqual(check(tampered), denied('invalid websocket jwt'));
    const otherSecret = Buffer.from('fedcba9876543210fedcba9876543210');
    assert.deepEqual(check(sign({ exp: NOW + 60 }, { secret: otherSecret })), denied('invalid websocket jwt'));
  });

  it('ignores iat, even far in the future', () => {
    assert.deepEqual(check(sign({ exp: NOW + 60, iat: NOW + 1000 })), OK);
    assert.deepEqual(check(signRaw(`{"exp":${NOW + 60},"iat":"not a number"}`)), OK);
  });

  it('never includes the token in a rejection', () => {
    const token = sign({ exp: NOW - 1000 });
    const result = check(token);
    assert.equal(result.ok, false);
    assert.ok(!JSON.stringify(result).includes(token));
  });
});
