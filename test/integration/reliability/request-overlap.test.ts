import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { RawSocket } from '../../helpers/raw-socket.js';
import { REFERENCE_ROLLOUT, REFERENCE_THREAD } from '../../helpers/rollout-fixtures.js';
import { startTestServer } from '../../helpers/server.js';

/** The next `count` responses, in the order they arrive (notifications in between are skipped). */
async function responses(client: RawSocket, count: number): Promise<Record<string, unknown>[]> {
  const answers: Record<string, unknown>[] = [];
  while (answers.length < count) {
    const message = await client.next();
    if (!('method' in message)) answers.push(message);
  }
  return answers;
}

/** A server whose home holds the reference's stored two-turn thread, and an initialized raw client of it. */
async function clientOfStoredThread(t: TestContext): Promise<RawSocket> {
  const { url, codexHome } = await startTestServer(t);
  const day = join(codexHome, 'sessions', '2026', '11', '22');
  await mkdir(day, { recursive: true });
  await copyFile(REFERENCE_ROLLOUT, join(day, basename(REFERENCE_ROLLOUT)));
  const client = await RawSocket.connect(url);
  t.after(() => client.close());
  await client.initialize();
  return client;
}

describe('requests of one connection', () => {
  it('lets a read overtake a slower read, while any other request waits for everything before it', async (t) => {
    const client = await clientOfStoredThread(t);

    // One TCP write, so the server reads all four in one go: `thread/read` (which reads the rollout from disk)
    // cannot have answered before the requests after it are handled.
    client.tcp.cork();
    client.send({ id: 'slow-read', method: 'thread/read', params: { threadId: REFERENCE_THREAD, includeTurns: true } });
    client.send({ id: 'quick-read', method: 'thread/loaded/list', params: {} });
    // Not a read that may overlap: it starts once both reads are answered, and the read after it waits for it.
    client.send({ id: 'other', method: 'thread/unsubscribe', params: { threadId: REFERENCE_THREAD } });
    client.send({ id: 'read-after-other', method: 'thread/loaded/list', params: {} });
    client.tcp.uncork();

    assert.deepEqual(
      (await responses(client, 4)).map((answer) => answer.id),
      ['quick-read', 'slow-read', 'other', 'read-after-other'],
    );
    await client.assertValid();
  });

  it('answers consecutive requests that may not overlap strictly in order', async (t) => {
    const client = await clientOfStoredThread(t);

    // `thread/name/set` stores the name asynchronously; the read after it must see it, so it waits.
    client.tcp.cork();
    client.send({ id: 'rename', method: 'thread/name/set', params: { threadId: REFERENCE_THREAD, name: 'renamed' } });
    client.send({ id: 'read', method: 'thread/read', params: { threadId: REFERENCE_THREAD } });
    client.tcp.uncork();

    const answers = await responses(client, 2);
    assert.deepEqual(
      answers.map((answer) => answer.id),
      ['rename', 'read'],
    );
    const read = answers[1] as { result?: { thread?: { name?: unknown } } };
    assert.equal(read.result?.thread?.name, 'renamed');
    await client.assertValid();
  });
});
