import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigToml } from '../../../src/config/schema.js';
import { HttpModelClient } from '../../../src/model/client.js';
import { MODEL_ERROR_MESSAGES } from '../../../src/model/errors.js';
import type { ModelEvent } from '../../../src/model/events.js';
import { resolveProvider } from '../../../src/model/provider.js';
import { httpReply, sseReply, startFakeModelServer, textTurnFrames, within } from '../../helpers/fake-model-server.js';
import { assertModelError, collect, failure, harness, options, REQUEST } from './client-harness.js';

describe('HttpModelClient failures, retries and aborts', () => {
  it('fails at once on 401 with the reference wording', async (t) => {
    const h = await harness(t);
    h.server.enqueue(httpReply(401, { error: { message: 'Incorrect API key provided' } }, { 'x-request-id': 'req_1' }));
    const { error } = await failure(h.client.stream(REQUEST, options(h)));
    assertModelError(error, {
      kind: 'unauthorized',
      httpStatusCode: 401,
      retryable: false,
      message: `unexpected status 401 Unauthorized: Incorrect API key provided, url: ${h.server.baseUrl}/responses, request id: req_1`,
    });
    assert.deepEqual(error.toCodexErrorInfo(), 'unauthorized');
    assert.equal(h.server.requests.length, 1);
  });

  it('fails at once on 400 with the body as the message', async (t) => {
    const h = await harness(t);
    const body = JSON.stringify({ error: { message: 'Invalid input', type: 'invalid_request_error' } });
    h.server.enqueue(httpReply(400, body));
    const { error } = await failure(h.client.stream(REQUEST, options(h)));
    assertModelError(error, { kind: 'other', httpStatusCode: 400, retryable: false, message: body });
    assert.equal(h.server.requests.length, 1);
  });

  it('retries a 500 up to request_max_retries, then fails with the high-demand message', async (t) => {
    const h = await harness(t, { request_max_retries: 2 });
    h.server.enqueue(httpReply(500, 'boom'), httpReply(500, 'boom'), httpReply(500, 'boom'), httpReply(500, 'unused'));
    const { error } = await failure(h.client.stream(REQUEST, options(h)));
    assertModelError(error, {
      kind: 'internalServerError',
      httpStatusCode: 500,
      message: 'We’re currently experiencing high demand, which may cause temporary errors.',
    });
    assert.equal(error.message, MODEL_ERROR_MESSAGES.internalServerError);
    assert.equal(h.server.requests.length, 3);
    assert.deepEqual(
      h.retries.map(({ phase, attempt, maxRetries }) => ({ phase, attempt, maxRetries })),
      [
        { phase: 'request', attempt: 1, maxRetries: 2 },
        { phase: 'request', attempt: 2, maxRetries: 2 },
      ],
    );
  });

  it('honours retry-after on 429 and then succeeds', async (t) => {
    const h = await harness(t);
    h.server.enqueue(
      httpReply(429, { error: { type: 'rate_limit_exceeded', message: 'slow down' } }, { 'retry-after': '2' }),
      sseReply(textTurnFrames(['after ', 'retry'])),
    );
    const events = await collect(h.client.stream(REQUEST, options(h)));
    assert.equal(events.at(-1)?.type, 'completed');
    assert.deepEqual(h.delays, [2000]);
    assert.equal(h.retries.length, 1);
    assertModelError(h.retries[0]?.error, { kind: 'responseTooManyFailedAttempts', httpStatusCode: 429, retryAfterMs: 2000 });
    assert.equal(h.server.requests.length, 2);
  });

  it('reports too many failed attempts when 429 persists', async (t) => {
    const h = await harness(t, { request_max_retries: 1 });
    h.server.enqueue(httpReply(429, '', { 'x-request-id': 'req_9' }), httpReply(429, ''));
    const { error } = await failure(h.client.stream(REQUEST, options(h)));
    assertModelError(error, {
      kind: 'responseTooManyFailedAttempts',
      message: 'exceeded retry limit, last status: 429 Too Many Requests',
    });
    assert.deepEqual(error.toCodexErrorInfo(), { responseTooManyFailedAttempts: { httpStatusCode: 429 } });
  });

  it('does not retry a 429 that reports a usage limit', async (t) => {
    const h = await harness(t);
    h.server.enqueue(httpReply(429, { error: { type: 'usage_limit_reached', message: 'limit' } }));
    const { error } = await failure(h.client.stream(REQUEST, options(h)));
    assertModelError(error, { kind: 'usageLimitExceeded', retryable: false, message: MODEL_ERROR_MESSAGES.usageLimitReached });
    assert.equal(h.server.requests.length, 1);
  });

  it('maps an overloaded 503 to serverOverloaded without retrying', async (t) => {
    const h = await harness(t);
    h.server.enqueue(httpReply(503, { error: { code: 'server_is_overloaded', message: 'busy' } }));
    const { error } = await failure(h.client.stream(REQUEST, options(h)));
    assertModelError(error, { kind: 'serverOverloaded', message: MODEL_ERROR_MESSAGES.serverOverloaded, retryable: false });
  });

  it('retries a connection failure, then reports httpConnectionFailed', async (t) => {
    const h = await harness(t, { request_max_retries: 1 });
    const url = h.server.baseUrl;
    await h.server.close();
    const { error } = await failure(h.client.stream(REQUEST, options(h)));
    assertModelError(error, { kind: 'httpConnectionFailed' });
    // The reference's words, then why and what to check.
    assert.ok(
      error.message.startsWith(`stream disconnected before completion: error sending request for url (${url}/responses): `),
      error.message,
    );
    assert.deepEqual(error.toCodexErrorInfo(), { httpConnectionFailed: { httpStatusCode: null } });
    assert.equal(h.retries.length, 1);
  });

  it('re-issues a stream that drops, and the retry completes', async (t) => {
    const h = await harness(t);
    const frames = textTurnFrames(['Hel', 'lo']);
    h.server.enqueue(sseReply(frames.slice(0, 3), { then: 'drop' }), sseReply(frames));
    const events = await collect(h.client.stream(REQUEST, options(h)));
    // The abandoned attempt's events come first; onRetry marks where the consumer must discard them.
    assert.deepEqual(
      events.map((event) => event.type),
      ['created', 'outputItemAdded', 'outputTextDelta', 'created', 'outputItemAdded', 'outputTextDelta', 'outputTextDelta', 'outputItemDone', 'completed'],
    );
    assert.equal(h.retries.length, 1);
    assert.equal(h.retries[0]?.phase, 'stream');
    assertModelError(h.retries[0]?.error, { kind: 'responseStreamDisconnected', retryable: true });
    assert.match(h.retries[0]?.error.message ?? '', /^stream disconnected before completion: /);
    assert.equal(h.server.requests.length, 2);
  });

  it('gives up after stream_max_retries with responseStreamDisconnected', async (t) => {
    const h = await harness(t, { stream_max_retries: 2 });
    const partial = textTurnFrames(['x']).slice(0, 2);
    h.server.enqueue(sseReply(partial), sseReply(partial), sseReply(partial), sseReply(textTurnFrames(['unused'])));
    const { error } = await failure(h.client.stream(REQUEST, options(h)));
    assertModelError(error, {
      kind: 'responseStreamDisconnected',
      message: 'stream disconnected before completion: stream closed before response.completed',
    });
    assert.deepEqual(error.toCodexErrorInfo(), { responseStreamDisconnected: { httpStatusCode: null } });
    assert.equal(h.server.requests.length, 3);
    assert.deepEqual(
      h.retries.map(({ phase, attempt }) => `${phase} ${attempt}`),
      ['stream 1', 'stream 2'],
    );
  });

  it('fails a stream that goes quiet for stream_idle_timeout_ms and closes the connection', async (t) => {
    const h = await harness(t, { stream_idle_timeout_ms: 50, stream_max_retries: 0 });
    h.server.enqueue(sseReply([], { then: 'hang' }));
    const { events, error } = await failure(h.client.stream(REQUEST, options(h)));
    assert.deepEqual(events, []);
    assertModelError(error, {
      kind: 'responseStreamDisconnected',
      message: 'stream disconnected before completion: idle timeout waiting for SSE',
    });
    const [recorded] = await h.server.waitForRequests(1);
    await within(recorded?.clientGone ?? Promise.reject(new Error('no request')), 'the client to hang up');
  });

  it('maps response.failed to the reference errors', async (t) => {
    const h = await harness(t, { stream_max_retries: 0 });
    const failed = (error: Record<string, unknown>) =>
      sseReply([{ type: 'response.created', response: {} }, { type: 'response.failed', response: { id: 'r', error } }]);
    h.server.enqueue(
      failed({ code: 'context_length_exceeded', message: 'too long' }),
      failed({ code: 'insufficient_quota', message: 'no money' }),
      failed({ code: 'server_error', message: 'model exploded' }),
    );
    const context = await failure(h.client.stream(REQUEST, options(h)));
    assertModelError(context.error, { kind: 'contextWindowExceeded', retryable: false, message: MODEL_ERROR_MESSAGES.contextWindowExceeded });
    const quota = await failure(h.client.stream(REQUEST, options(h)));
    assertModelError(quota.error, { kind: 'usageLimitExceeded', message: MODEL_ERROR_MESSAGES.quotaExceeded });
    const other = await failure(h.client.stream(REQUEST, options(h)));
    assertModelError(other.error, {
      kind: 'responseStreamDisconnected',
      retryable: true,
      message: 'stream disconnected before completion: model exploded',
    });
  });

  it('waits the delay a rate-limited response.failed asks for before re-issuing', async (t) => {
    const h = await harness(t);
    h.server.enqueue(
      sseReply([
        {
          type: 'response.failed',
          response: { error: { code: 'rate_limit_exceeded', message: 'Rate limit reached. Please try again in 1.5s.' } },
        },
      ]),
      sseReply(textTurnFrames(['ok'])),
    );
    const events = await collect(h.client.stream(REQUEST, options(h)));
    assert.equal(events.at(-1)?.type, 'completed');
    assert.deepEqual(h.delays, [1500]);
  });

  it('stops the fetch when aborted mid-stream', async (t) => {
    const h = await harness(t);
    h.server.enqueue(sseReply(textTurnFrames(['a', 'b']).slice(0, 3), { then: 'hang' }));
    const controller = new AbortController();
    const seen: ModelEvent[] = [];
    const consumed = (async () => {
      for await (const event of h.client.stream(REQUEST, options(h, { signal: controller.signal }))) {
        seen.push(event);
        if (event.type === 'outputTextDelta') controller.abort(new Error('interrupted'));
      }
    })();
    await assert.rejects(within(consumed, 'the stream to end'), { message: 'interrupted' });
    assert.equal(seen.at(-1)?.type, 'outputTextDelta');
    const [recorded] = await h.server.waitForRequests(1);
    await within(recorded?.clientGone ?? Promise.reject(new Error('no request')), 'the client to hang up');
    assert.equal(h.server.requests.length, 1);
  });

  it('closes the connection when the consumer stops early', async (t) => {
    const h = await harness(t);
    h.server.enqueue(sseReply(textTurnFrames(['a']).slice(0, 2), { then: 'hang' }));
    for await (const event of h.client.stream(REQUEST, options(h))) {
      if (event.type === 'outputItemAdded') break;
    }
    const [recorded] = await h.server.waitForRequests(1);
    await within(recorded?.clientGone ?? Promise.reject(new Error('no request')), 'the client to hang up');
  });

  it('rejects with the abort reason while waiting to retry', async (t) => {
    const server = await startFakeModelServer(t, [httpReply(500, '')]);
    const config = { model_provider: 'mock', model_providers: { mock: { name: 'Mock', base_url: server.baseUrl } } } as ConfigToml;
    const client = new HttpModelClient({ provider: resolveProvider(config, {}), backoffBaseMs: 60_000 });
    const controller = new AbortController();
    const stream = client.stream(REQUEST, { signal: controller.signal, onRetry: () => controller.abort(new Error('stop')) });
    await assert.rejects(within(collect(stream), 'the stream to end'), { message: 'stop' });
    assert.equal(server.requests.length, 1);
  });
});
