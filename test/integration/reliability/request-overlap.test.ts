import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { RawSocket } from '../../helpers/raw-socket.js';
import { REFERENCE_ROLLOUT, REFERENCE_THREAD } from '../../helpers/rollout-fixtures.js';
import { startTestServer } from '../../helpers/server.js';

/** The ids of the next `count` responses, in the order they arrive (notifications in between are skipped). */
async function responseOrder(client: RawSocket, count: number): Promise<unknown[]> {
  const ids: unknown[] = [];
  while (ids.length < count) {
    const message = await client.next();
    if (!('method' in message)) ids.push(message.id);
  }
  return ids;
}

describe('requests of one connection', () => {
  it('lets a read overtake a slower read, while any other request waits for everything before it', async (t) => {
    const { url, codexHome } = await startTestServer(t);
    const day = join(codexHome, 'sessions', '2026', '11', '22');
    await mkdir(day, { recursive: true });
    await copyFile(REFERENCE_ROLLOUT, join(day, basename(REFERENCE_ROLLOUT)));
    const client = await RawSocket.connect(url);
    t.after(() => client.close());
    await client.initialize();

    // One TCP write, so the server reads all four in one go: `thread/read` (which reads the rollout from disk)
    // cannot have answered before the requests after it are handled.
    client.tcp.cork();
    client.send({ id: 'slow-read', method: 'thread/read', params: { threadId: REFERENCE_THREAD, includeTurns: true } });
    client.send({ id: 'quick-read', method: 'thread/loaded/list', params: {} });
    // Not a read that may overlap: it starts once both reads are answered, and the read after it waits for it.
    client.send({ id: 'other', method: 'thread/unsubscribe', params: { threadId: REFERENCE_THREAD } });
    client.send({ id: 'read-after-other', method: 'thread/loaded/list', params: {} });
    client.tcp.uncork();

    assert.deepEqual(await responseOrder(client, 4), ['quick-read', 'slow-read', 'other', 'read-after-other']);
    await client.assertValid();
  });

  it('answers consecutive requests that may not overlap strictly in order', async (t) => {
    const { url, codexHome } = await startTestServer(t);
    const day = join(codexHome, 'sessions', '2026', '11', '22');
    await mkdir(day, { recursive: true });
    await copyFile(REFERENCE_ROLLOUT, join(day, basename(REFERENCE_ROLLOUT)));
    const client = await RawSocket.connect(url);
    t.after(() => client.close());
    await client.initialize();

    // `thread/name/set` stores the name asynchronously; the read after it must see it, so it waits.
    client.tcp.cork();
    client.send({ id: 'rename', method: 'thread/name/set', params: { threadId: REFERENCE_THREAD, name: 'renamed' } });
    client.send({ id: 'read', method: 'thread/read', params: { threadId: REFERENCE_THREAD } });
    client.tcp.uncork();

    const answers: Record<string, unknown>[] = [];
    while (answers.length < 2) {
      const message = await client.next();
      if (!('method' in message)) answers.push(message);
    }
    assert.deepEqual(
      answers.map((answer) => answer.id),
      ['rename', 'read'],
    );
    const read = answers[1] as { result?: { thread?: { name?: unknown } } };
    assert.equal(read.result?.thread?.name, 'renamed');
    await client.assertValid();
  });
});
