import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveProvider } from '../../../src/model/provider.js';
import type { ConfigToml } from '../../../src/config/schema.js';
import {
  AttestationStatus,
  attestationHeaders,
  attestationHeaderValue,
  attestationHook,
  attestingChannel,
} from '../../../src/runtime/turns/attestation.js';
import { ConnectionClosedError, type ClientChannel } from '../../../src/runtime/clients/client-channel.js';
import { createSilentLogger } from '../../../src/util/logger.js';

/** A channel whose `request` is scripted; records the methods it was asked. */
function channel(
  connectionId: number,
  options: { requestAttestation?: boolean; isOpen?: boolean; request?: ClientChannel['request'] } = {},
): ClientChannel & { readonly asked: string[] } {
  const asked: string[] = [];
  return {
    connectionId,
    asked,
    isOpen: options.isOpen ?? true,
    experimentalApi: false,
    requestAttestation: options.requestAttestation ?? true,
    notify: () => {},
    onClose: () => {},
    request: (method, params, requestOptions) => {
      asked.push(method);
      return options.request?.(method, params, requestOptions) ?? Promise.resolve({ token: `t${connectionId}` });
    },
  };
}

const thread = (...channels: ClientChannel[]) => ({ subscriberChannels: () => channels });
const log = createSilentLogger();

describe('attestation', () => {
  it('writes the header as compact JSON, the token only with status 0, non-ASCII as UTF-8 bytes', () => {
    assert.equal(attestationHeaderValue(AttestationStatus.ok, 'v1.abc'), '{"v":1,"s":0,"t":"v1.abc"}');
    assert.equal(attestationHeaderValue(AttestationStatus.timeout), '{"v":1,"s":1}');
    assert.equal(attestationHeaderValue(AttestationStatus.malformed), '{"v":1,"s":4}');
    const value = attestationHeaderValue(AttestationStatus.ok, 'jeton-€');
    assert.equal(Buffer.from(value, 'latin1').toString('utf8'), '{"v":1,"s":0,"t":"jeton-€"}');
    assert.doesNotThrow(() => new Headers({ 'x-oai-attestation': value }));
  });

  it('picks the open, opted-in subscriber with the lowest connection id', () => {
    const closed = channel(1, { isOpen: false });
    const notOptedIn = channel(2, { requestAttestation: false });
    const high = channel(9);
    const low = channel(4);
    assert.equal(attestingChannel(thread(closed, notOptedIn, high, low)), low);
    assert.equal(attestingChannel(thread(closed, notOptedIn)), undefined);
  });

  it('reports a request that could not be sent (connection already closed) as status 2', async () => {
    const closing = channel(3, { request: () => Promise.reject(new ConnectionClosedError()) });
    const headers = await attestationHeaders(thread(closing), new AbortController().signal, log);
    assert.deepEqual(headers, { 'x-oai-attestation': '{"v":1,"s":2}' });
  });

  it('reports a connection that closes after the request went out as a timeout (status 1), as 0.169.0 does', async () => {
    const dropping = channel(3, {
      request: (_method, _params, options) => {
        options?.onSent?.(0);
        return Promise.reject(new ConnectionClosedError());
      },
    });
    const headers = await attestationHeaders(thread(dropping), new AbortController().signal, log);
    assert.deepEqual(headers, { 'x-oai-attestation': '{"v":1,"s":1}' });
  });

  it('withdraws the request and rejects with the reason when the turn ends while waiting', async () => {
    let withdrawn: unknown;
    const silent = channel(3, {
      request: (_method, _params, options) =>
        new Promise((_resolve, reject) => {
          options?.onSent?.(0);
          options?.signal?.addEventListener('abort', () => {
            withdrawn = options.signal?.reason;
            reject(options.signal?.reason);
          });
        }),
    });
    const turn = new AbortController();
    const asking = attestationHeaders(thread(silent), turn.signal, log, 10_000);
    const reason = new Error('interrupted');
    turn.abort(reason);
    await assert.rejects(asking, (error) => error === reason);
    assert.equal(withdrawn, reason);
  });

  it('asks only for providers that want attestation', async () => {
    const config = (extra: Record<string, unknown>) =>
      ({ model_provider: 'mock', model_providers: { mock: { base_url: 'http://127.0.0.1:1/v1', ...extra } } }) as ConfigToml;
    const capable = channel(1);
    const signal = new AbortController().signal;
    const apiKey = { usesChatgptAuth: async () => false };
    const plain = attestationHook(thread(capable), resolveProvider(config({}), {}), apiKey, log);
    assert.deepEqual(await plain(signal), {});
    assert.deepEqual(capable.asked, []);
    const wanting = attestationHook(thread(capable), resolveProvider(config({ request_attestation: true }), {}), apiKey, log);
    assert.deepEqual(await wanting(signal), { 'x-oai-attestation': '{"v":1,"s":0,"t":"t1"}' });
    assert.deepEqual(capable.asked, ['attestation/generate']);
    // A ChatGPT login wants it, as in the reference, without the extension.
    const chatgpt = { usesChatgptAuth: async () => true };
    const login = attestationHook(thread(capable), resolveProvider(config({}), {}), chatgpt, log);
    assert.deepEqual(await login(signal), { 'x-oai-attestation': '{"v":1,"s":0,"t":"t1"}' });
    assert.deepEqual(capable.asked, ['attestation/generate', 'attestation/generate']);
  });
});
