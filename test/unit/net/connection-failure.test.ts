import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeConnectionFailure, errorCode } from '../../../src/net/connection-failure.js';

/** What fetch throws: a TypeError whose cause carries the system error code. */
function fetchFailure(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

const URL = 'https://api.example.test/v1/responses';
const SETTING = 'base_url of [model_providers.x] in config.toml';

describe('describeConnectionFailure', () => {
  it('finds the code in the cause chain', () => {
    assert.equal(errorCode(fetchFailure('ECONNREFUSED')), 'ECONNREFUSED');
    assert.equal(errorCode(new Error('no code')), null);
  });

  it('names the class, the host and the setting for each kind of failure', () => {
    const cases: [string, string, RegExp][] = [
      ['ENOTFOUND', 'dns', /host name api\.example\.test could not be resolved \(ENOTFOUND\): check base_url/],
      ['EAI_AGAIN', 'dns', /could not be resolved/],
      ['ECONNREFUSED', 'refused', /nothing is listening at api\.example\.test/],
      ['SELF_SIGNED_CERT_IN_CHAIN', 'tls', /TLS handshake with api\.example\.test failed.*CODEX_CA_CERTIFICATE/],
      ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', /does not match/],
      ['UND_ERR_CONNECT_TIMEOUT', 'timeout', /did not answer in time \(UND_ERR_CONNECT_TIMEOUT\)/],
      ['ECONNRESET', 'reset', /closed before an answer/],
      ['ENETUNREACH', 'unreachable', /network to api\.example\.test is unreachable/],
      ['EWHATEVER', 'other', /the request to api\.example\.test failed \(EWHATEVER\)/],
    ];
    for (const [code, kind, pattern] of cases) {
      const failure = describeConnectionFailure(fetchFailure(code), URL, SETTING);
      assert.equal(failure.kind, kind, code);
      assert.equal(failure.code, code);
      assert.match(failure.explanation, pattern, code);
    }
  });

  it('says when a proxy is configured that this server does not go through', () => {
    const failure = describeConnectionFailure(fetchFailure('ENOTFOUND'), URL, SETTING, { HTTPS_PROXY: 'http://proxy:3128' });
    assert.match(failure.explanation, /HTTPS_PROXY\/HTTP_PROXY is set, but this server connects directly/);
    const without = describeConnectionFailure(fetchFailure('ENOTFOUND'), URL, SETTING, {});
    assert.doesNotMatch(without.explanation, /PROXY/);
  });
});
