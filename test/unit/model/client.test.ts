import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelRequest } from '../../../src/model/request.js';
import { httpReply, sseFixture, sseFixtureEvents, sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { collect, harness, options, REQUEST, THREAD_ID } from './client-harness.js';

describe('HttpModelClient', () => {
  it('yields a text turn in order, with usage and the items as received', async (t) => {
    const h = await harness(t);
    h.server.enqueue(sseReply(sseFixture('text')));
    const events = await collect(h.client.stream(REQUEST, options(h)));
    const raw = sseFixtureEvents('text');
    assert.deepEqual(events, [
      { type: 'created' },
      { type: 'outputItemAdded', item: raw[1]?.item, outputIndex: 0 },
      { type: 'outputTextDelta', delta: 'Hello from mock', itemId: 'msg_003', outputIndex: 0, contentIndex: 0 },
      { type: 'outputItemDone', item: raw[3]?.item, outputIndex: 0 },
      {
        type: 'completed',
        responseId: 'resp_003',
        usage: { inputTokens: 10, cachedInputTokens: 0, outputTokens: 5, reasoningOutputTokens: 0, totalTokens: 15 },
      },
    ]);
    assert.deepEqual(h.retries, []);
  });

  it('keeps output items verbatim, unknown fields and key order included', async (t) => {
    const h = await harness(t);
    const item = {
      type: 'reasoning',
      id: 'rs_1',
      summary: [{ type: 'summary_text', text: 'thinking' }],
      encrypted_content: 'gAAAA…',
      future_field: { nested: [1, null, 'x'] },
    };
    h.server.enqueue(
      sseReply([
        { type: 'response.output_item.done', output_index: 0, item },
        { type: 'response.completed', response: { id: 'r' } },
      ]),
    );
    const events = await collect(h.client.stream(REQUEST, options(h)));
    const done = events[0];
    assert.equal(done?.type, 'outputItemDone');
    assert.equal(JSON.stringify(done.type === 'outputItemDone' ? done.item : null), JSON.stringify(item));
    assert.deepEqual(events[1], { type: 'completed', responseId: 'r', usage: null });
  });

  it('reads the data-only minimal transcript and the tool-call transcripts', async (t) => {
    const h = await harness(t);
    h.server.enqueue(
      sseReply(sseFixture('minimal')),
      sseReply(sseFixture('shell-exec_command')),
      sseReply(sseFixture('apply-patch-custom')),
    );
    const minimal = await collect(h.client.stream(REQUEST, options(h)));
    assert.deepEqual(
      minimal.map((event) => event.type),
      ['outputItemDone', 'completed'],
    );
    const shell = await collect(h.client.stream(REQUEST, options(h)));
    const call = shell.find((event) => event.type === 'outputItemDone');
    assert.deepEqual(call?.type === 'outputItemDone' ? call.item : null, sseFixtureEvents('shell-exec_command')[1]?.item);
    const patch = await collect(h.client.stream(REQUEST, options(h)));
    assert.deepEqual(patch.at(-1), {
      type: 'completed',
      responseId: 'resp_005',
      usage: { inputTokens: 10, cachedInputTokens: 0, outputTokens: 5, reasoningOutputTokens: 0, totalTokens: 15 },
    });
  });

  it('passes reasoning summary and content deltas on', async (t) => {
    const h = await harness(t);
    h.server.enqueue(
      sseReply(
        [
          { type: 'response.created', response: { id: 'r' } },
          { type: 'response.reasoning_summary_part.added', item_id: 'rs_1', summary_index: 0 },
          { type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', summary_index: 0, delta: 'Plan' },
          { type: 'response.reasoning_text.delta', item_id: 'rs_1', content_index: 0, delta: 'raw' },
          { type: 'response.reasoning_summary_text.delta', delta: 'no index' },
          'data: {not json\n\n',
          { type: 'response.in_progress', response: { id: 'r' } },
          {
            type: 'response.completed',
            response: {
              id: 'r',
              usage: { input_tokens: 3, input_tokens_details: null, output_tokens: 7, output_tokens_details: { reasoning_tokens: 4 }, total_tokens: 10 },
            },
          },
        ],
        { dataOnly: true },
      ),
    );
    const events = await collect(h.client.stream(REQUEST, options(h)));
    assert.deepEqual(events, [
      { type: 'created' },
      { type: 'reasoningSummaryPartAdded', summaryIndex: 0, itemId: 'rs_1' },
      { type: 'reasoningSummaryDelta', delta: 'Plan', summaryIndex: 0, itemId: 'rs_1' },
      { type: 'reasoningContentDelta', delta: 'raw', contentIndex: 0, itemId: 'rs_1' },
      {
        type: 'completed',
        responseId: 'r',
        usage: { inputTokens: 3, cachedInputTokens: 0, outputTokens: 7, reasoningOutputTokens: 4, totalTokens: 10 },
      },
    ]);
  });

  it('sends the body and headers of the reference', async (t) => {
    const h = await harness(
      t,
      {
        env_key: 'MOCK_KEY',
        http_headers: { 'x-extra': '1' },
        env_http_headers: { 'x-from-env': 'MOCK_HEADER', 'x-unset': 'MOCK_UNSET' },
        query_params: { 'api-version': '2025-04-01-preview' },
      },
      { MOCK_KEY: 'sk-test', MOCK_HEADER: 'from-env' },
    );
    h.server.enqueue(sseReply(textTurnFrames(['ok'])));
    const request: ModelRequest = { ...REQUEST, text: { verbosity: 'low' }, clientMetadata: { turn_id: 't1' } };
    await collect(h.client.stream(request, options(h, { headers: { 'x-oai-attestation': '{"v":1,"s":1}' } })));
    const [recorded] = await h.server.waitForRequests(1);
    assert.equal(recorded?.method, 'POST');
    assert.equal(recorded?.url, '/v1/responses?api-version=2025-04-01-preview');
    assert.deepEqual(Object.keys(recorded?.body as object), [
      'model',
      'stream',
      'input',
      'tools',
      'tool_choice',
      'parallel_tool_calls',
      'reasoning',
      'store',
      'include',
      'prompt_cache_key',
      'text',
      'client_metadata',
    ]);
    assert.deepEqual(recorded?.body, {
      model: 'mock-model',
      stream: true,
      input: REQUEST.input,
      tools: [],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      reasoning: { effort: 'medium' },
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: THREAD_ID,
      text: { verbosity: 'low' },
      client_metadata: { turn_id: 't1' },
    });
    const headers = recorded?.headers ?? {};
    assert.equal(headers.accept, 'text/event-stream');
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers.authorization, 'Bearer sk-test');
    assert.equal(headers.originator, 'drive');
    assert.equal(headers['user-agent'], REQUEST.identity.userAgent);
    assert.equal(headers['session-id'], THREAD_ID);
    assert.equal(headers['thread-id'], THREAD_ID);
    assert.equal(headers['x-client-request-id'], THREAD_ID);
    assert.equal(headers['x-extra'], '1');
    assert.equal(headers['x-from-env'], 'from-env');
    assert.equal(headers['x-unset'], undefined);
    assert.equal(headers['x-oai-attestation'], '{"v":1,"s":1}');
  });

  it('asks the just-in-time headers once per attempt: not for a re-sent request, again after a broken stream', async (t) => {
    const h = await harness(t, { request_max_retries: 1, stream_max_retries: 1 });
    h.server.enqueue(
      httpReply(500, 'boom'),
      sseReply(textTurnFrames(['cut']).slice(0, 2), { then: 'drop' }),
      sseReply(textTurnFrames(['ok'])),
    );
    let asked = 0;
    const requestHeaders = async () => ({ 'x-oai-attestation': `{"v":1,"s":0,"t":"token-${++asked}"}` });
    await collect(h.client.stream(REQUEST, options(h, { requestHeaders, headers: { 'x-explicit': 'wins' } })));
    const recorded = await h.server.waitForRequests(3);
    assert.deepEqual(
      recorded.map((request) => request.headers['x-oai-attestation']),
      ['{"v":1,"s":0,"t":"token-1"}', '{"v":1,"s":0,"t":"token-1"}', '{"v":1,"s":0,"t":"token-2"}'],
    );
    assert.deepEqual(
      h.retries.map((retry) => retry.phase),
      ['request', 'stream'],
    );
    assert.equal(recorded[2]?.headers['x-explicit'], 'wins');
  });

  it('sends no authorization header for a provider without credentials', async (t) => {
    const h = await harness(t);
    h.server.enqueue(sseReply(textTurnFrames(['ok'])));
    await collect(h.client.stream(REQUEST, options(h)));
    const [recorded] = await h.server.waitForRequests(1);
    assert.equal(recorded?.headers.authorization, undefined);
  });
});
