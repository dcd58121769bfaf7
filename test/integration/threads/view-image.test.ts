import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { sseReply, textTurnFrames, toolCallFrames } from '../../helpers/fake-model-server.js';
import { isNotification } from '../../helpers/rpc-client.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

/** A valid RGB PNG of `width`×`height` grey pixels. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height, 0x7f);
  for (let y = 0; y < height; y++) rows[y * (width * 3 + 1)] = 0; // filter: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

async function workspace(t: TestContext): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'view-image-')));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs one turn in which the model calls view_image with `path`; returns what the model got back and the items. */
async function viewImage(t: TestContext, model: string, cwd: string, path: string) {
  const rig = await startThreadRig(t, {
    replies: [
      sseReply(toolCallFrames({ name: 'view_image', callId: 'call_img', arguments: { path } })),
      sseReply(textTurnFrames(['seen'])),
    ],
  });
  const threadId = await startThread(rig.client, { model, cwd });
  await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'look'));
  const [, second] = await rig.fake.waitForRequests(2);
  const input = (second?.body as { input: Record<string, unknown>[] }).input;
  const output = input.find((item) => item.type === 'function_call_output' && item.call_id === 'call_img');
  const read = await rig.client.call('thread/read', { threadId, includeTurns: true });
  const { thread } = read;
  assert.ok(thread.path, 'a stored thread has a rollout file');
  const kept = thread.turns[0]?.items.filter((item) => item.type === 'imageView');
  const rollout = (await readFile(thread.path, 'utf8')).split('\n').filter((line) => line.includes('"ImageView"'));
  const items = rig.client.received
    .filter((m) => isNotification(m, 'item/started') || isNotification(m, 'item/completed'))
    .flatMap((m) => {
      const { item } = m.params;
      return item.type === 'imageView' ? [[m.method, item] as const] : [];
    });


  return { output: output?.output, items, kept, rollout };
}

describe('view_image', () => {
  it('sends the image back as an input_image with the model’s detail, and shows an imageView item', async (t) => {
    const cwd = await workspace(t);
    const image = png(2, 2);
    await writeFile(join(cwd, 'tiny.png'), image);
    const dataUrl = `data:image/png;base64,${image.toString('base64')}`;

    const original = await viewImage(t, 'gpt-5.5', cwd, 'tiny.png');
    assert.deepEqual(original.output, [{ type: 'input_image', image_url: dataUrl, detail: 'original' }]);
    assert.deepEqual(
      original.items.map(([method, item]) => [method, item.id, item.path, item.completedAtMs === null]),
      [
        ['item/started', 'call_img', join(cwd, 'tiny.png'), true],
        ['item/completed', 'call_img', join(cwd, 'tiny.png'), false],
      ],
    );

    // Kept in the turn, and in the rollout with the path as a file URL, as the reference keeps it.
    assert.deepEqual(original.kept, [original.items[1]?.[1]]);
    assert.equal(original.rollout.length, 1);
    assert.deepEqual((JSON.parse(original.rollout[0] as string) as { payload: { item: unknown } }).payload.item, {
      type: 'ImageView',
      id: 'call_img',
      path: `file://${join(cwd, 'tiny.png')}`,
    });

    const high = await viewImage(t, 'mock-model', cwd, join(cwd, 'tiny.png'));
    assert.deepEqual(high.output, [{ type: 'input_image', image_url: dataUrl, detail: 'high' }]);
  });

  it('answers a missing file, a directory or bytes that are no image with the reference’s error, and no item', async (t) => {
    const cwd = await workspace(t);
    await mkdir(join(cwd, 'dir'));
    await writeFile(join(cwd, 'fake.png'), 'not a png at all');
    const cases: [string, string][] = [
      ['missing.png', `unable to locate image at \`${join(cwd, 'missing.png')}\`: No such file or directory (os error 2)`],
      ['dir', `image path \`${join(cwd, 'dir')}\` is not a file`],
      ['fake.png', 'unable to process image: invalid or unsupported image data'],
    ];
    for (const [path, expected] of cases) {
      const { output, items, kept } = await viewImage(t, 'gpt-5.5', cwd, path);
      assert.equal(output, expected);
      assert.deepEqual(items, []);
      assert.deepEqual(kept, []);
    }
  });
});
