import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { startFakeSentry } from '../../helpers/fake-sentry.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { startTestServer } from '../../helpers/server.js';
import { makeTempHome } from '../../helpers/temp-home.js';

async function clientWithDsn(t: TestContext, dsn: string): Promise<RpcTestClient> {
  const server = await startTestServer(t, {}, 'model = "m"\n', {}, { CODEX_APP_SERVER_FEEDBACK_DSN: dsn });
  const client = await RpcTestClient.connect(server.url);
  t.after(() => client.close());
  await client.initialize();
  return client;
}

describe('feedback/upload', () => {
  it('sends the event, then each attachment, as gzip Sentry envelopes under one event id', async (t) => {
    const sentry = await startFakeSentry(t);
    const client = await clientWithDsn(t, sentry.dsn);
    const dir = await makeTempHome(t);
    const log = join(dir, 'notes.log');
    await writeFile(log, 'what happened\n');
    const threadId = '0199a213-81c0-7800-8aa1-bbab2a035a53';

    const response = await client.request('feedback/upload', {
      classification: 'bug',
      reason: 'it broke',
      tags: { team: 'x' },
      threadId,
      extraLogFiles: [log],
    });
    assert.deepEqual(response['result'], { threadId, promptHash: null });

    assert.equal(sentry.envelopes.length, 2);
    const [event, attachment] = sentry.envelopes;
    for (const envelope of sentry.envelopes) {
      assert.equal(envelope.url, '/api/42/envelope/');
      assert.equal(envelope.headers['content-encoding'], 'gzip');
      assert.match(String(envelope.headers['x-sentry-auth']), /^Sentry sentry_key=publickey, sentry_version=7, sentry_timestamp=[\d.]+, sentry_client=/);
    }
    const body = JSON.parse(event?.lines[2] ?? '') as Record<string, unknown>;
    const eventId = String(body['event_id']);
    assert.match(eventId, /^[0-9a-f]{32}$/);
    const dashedId = eventId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    assert.deepEqual(JSON.parse(event?.lines[0] ?? ''), { event_id: dashedId });
    assert.deepEqual(JSON.parse(event?.lines[1] ?? ''), { type: 'event', length: Buffer.byteLength(event?.lines[2] ?? '') });
    const message = `[Bug]: Codex session ${threadId}`;
    assert.deepEqual({ ...body, event_id: null, timestamp: null }, {
      event_id: null,
      message,
      timestamp: null,
      exception: { values: [{ type: message, value: 'it broke' }] },
      tags: { classification: 'bug', cli_version: '0.169.0', reason: 'it broke', session_source: 'vscode', team: 'x', thread_id: threadId },
    });

    assert.deepEqual(attachment?.lines, [
      JSON.stringify({ event_id: dashedId }),
      JSON.stringify({ type: 'attachment', length: 14, filename: 'notes.log', attachment_type: 'event.attachment', content_type: 'text/plain' }),
      'what happened',
      '',
      '',
    ]);
  });

  it('answers the reference texts for a refused report, a missing attachment and a bad thread id', async (t) => {
    const sentry = await startFakeSentry(t);
    const client = await clientWithDsn(t, sentry.dsn);
    sentry.status = 500;
    assert.deepEqual((await client.request('feedback/upload', { classification: 'bug' }))['error'], {
      code: -32603,
      message: 'failed to upload feedback: Sentry rejected feedback upload with HTTP status 500 Internal Server Error',
    });
    sentry.status = 200;
    // Accepted this time, but an attachment cannot be read: the others still go, then the upload fails.
    const response = await client.request('feedback/upload', {
      classification: 'good_result',
      extraLogFiles: ['/nonexistent/a.log'],
    });
    assert.deepEqual(response['error'], {
      code: -32603,
      message: 'failed to upload feedback: feedback report was accepted, but some attachments failed to upload',
    });
    assert.equal(sentry.envelopes.length, 2);
    assert.match(String(JSON.parse(sentry.envelopes[1]?.lines[2] ?? '{}').message), /^\[Good result\]: Codex session no-active-thread-/);

    assert.deepEqual((await client.request('feedback/upload', { classification: 'bug', threadId: 'x' }))['error'], {
      code: -32600,
      message: 'invalid thread id: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `x` at 1',
    });
    assert.deepEqual((await client.request('feedback/upload', {}))['error'], {
      code: -32600,
      message: 'Invalid request: missing field `classification`',
    });
  });

  it('reports a feedback service it cannot reach', async (t) => {
    const client = await clientWithDsn(t, 'http://key@127.0.0.1:9/1');
    assert.deepEqual((await client.request('feedback/upload', { classification: 'bug' }))['error'], {
      code: -32603,
      message: 'failed to upload feedback: failed to upload feedback to Sentry: error sending request for url (http://127.0.0.1:9/api/1/envelope/)',
    });
  });
});
