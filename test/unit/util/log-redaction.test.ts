import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CENSORED, withSecretsCensored } from '../../../src/util/log-redaction.js';
import { capturedLog } from '../../helpers/captured-log.js';

describe('withSecretsCensored', () => {
  it('censors secret-named keys at the first two levels, in any case', () => {
    const logged = {
      token: 't1',
      apiKey: 'k1',
      threadId: 'thr_1',
      options: { Authorization: 'Bearer a', api_key: 'k2', PASSWORD: 'p', model: 'gpt' },
      deep: { inner: { token: 'kept: third level, not under headers' } },
    };
    assert.deepEqual(withSecretsCensored(logged), {
      token: CENSORED,
      apiKey: CENSORED,
      threadId: 'thr_1',
      options: { Authorization: CENSORED, api_key: CENSORED, PASSWORD: CENSORED, model: 'gpt' },
      deep: { inner: { token: 'kept: third level, not under headers' } },
    });
  });

  it('censors credential headers of a headers object at the top or one level down', () => {
    const logged = {
      headers: { authorization: 'Bearer a', 'x-oai-attestation': 'att', accept: '*/*' },
      req: { headers: { Authorization: 'Bearer b', 'X-OAI-Attestation': 'att2', host: 'h' }, url: '/' },
    };
    assert.deepEqual(withSecretsCensored(logged), {
      headers: { authorization: CENSORED, 'x-oai-attestation': CENSORED, accept: '*/*' },
      req: { headers: { Authorization: CENSORED, 'X-OAI-Attestation': CENSORED, host: 'h' }, url: '/' },
    });
  });

  it('returns the same object when there is nothing to censor, and never changes the caller\'s', () => {
    const clean = { connectionId: 3, threadId: 'thr', nested: { a: 1 }, list: [{ token: 'in an array: not looked at' }] };
    assert.equal(withSecretsCensored(clean), clean);
    const headers = { authorization: 'Bearer a' };
    const dirty = { headers, other: { b: 2 } };
    const result = withSecretsCensored(dirty);
    assert.equal(headers.authorization, 'Bearer a');
    assert.equal(dirty.headers, headers);
    assert.equal(result.other, dirty.other, 'untouched branches are shared, not copied');
  });

  it('leaves class instances (errors, streams) alone and keeps undefined values out of the way', () => {
    const error = Object.assign(new Error('failed'), { code: 'E' });
    const logged = { err: error, token: undefined };
    assert.equal(withSecretsCensored(logged), logged);
  });

  it('is what the process logger writes through', () => {
    const { log, text } = capturedLog('info');
    log.child({ connectionId: 7 }).info({ headers: { authorization: 'Bearer secret-value' }, token: 'tok-value', n: 1 }, 'sent');
    const line = JSON.parse(text()) as Record<string, unknown>;
    assert.equal(text().includes('secret-value'), false);
    assert.equal(text().includes('tok-value'), false);
    assert.deepEqual(
      { connectionId: line.connectionId, headers: line.headers, token: line.token, n: line.n, msg: line.msg },
      { connectionId: 7, headers: { authorization: CENSORED }, token: CENSORED, n: 1, msg: 'sent' },
    );
  });
});
