import assert from 'node:assert/strict';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { remoteImageUrl } from '../../../../src/runtime/turns/input-images.js';
import { echoedInput, modelContent } from '../../../../src/runtime/turns/user-input-content.js';
import type { UserInput } from '../../../../src/protocol/v2/user-input.js';
import { pngFile } from '../../../helpers/png.js';

const ORIGINAL = { originalDetail: true } as const;
const HIGH = { originalDetail: false } as const;

async function files(t: TestContext): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'user-images-')));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'small.png'), pngFile(4, 3));
  await writeFile(join(dir, 'notes.txt'), 'text\n');
  return dir;
}

const dataUrl = (bytes: Buffer) => `data:image/png;base64,${bytes.toString('base64')}`;
const text = (value: string): UserInput => ({ type: 'text', text: value, text_elements: [] });

describe('user images as the model receives them (shapes observed on the reference 0.169.0)', () => {
  it('numbers every image, wraps local ones in image tags, and keeps text where it was', async (t) => {
    const dir = await files(t);
    const small = dataUrl(pngFile(4, 3));
    const content = await modelContent(
      [text('a'), { type: 'image', url: dataUrl(pngFile(2, 2)) }, text('b'), { type: 'localImage', path: join(dir, 'small.png') }],
      ORIGINAL,
    );
    assert.deepEqual(content, [
      { type: 'input_text', text: 'a' },
      { type: 'input_image', image_url: dataUrl(pngFile(2, 2)), detail: 'original' },
      { type: 'input_text', text: 'b' },
      { type: 'input_text', text: `<image name=[Image #2] path="${join(dir, 'small.png')}">` },
      { type: 'input_image', image_url: small, detail: 'original' },
      { type: 'input_text', text: '</image>' },
    ]);
  });

  it('notes a file it cannot read without tags, and bytes that are no image between them', async (t) => {
    const dir = await files(t);
    const content = await modelContent(
      [{ type: 'localImage', path: join(dir, 'missing.png') }, { type: 'localImage', path: join(dir, 'notes.txt') }],
      HIGH,
    );
    assert.deepEqual(content, [
      {
        type: 'input_text',
        text: `Codex could not read the local image at \`${join(dir, 'missing.png')}\`: No such file or directory (os error 2)`,
      },
      { type: 'input_text', text: `<image name=[Image #2] path="${join(dir, 'notes.txt')}">` },
      { type: 'input_text', text: 'image content omitted because it could not be processed' },
      { type: 'input_text', text: '</image>' },
    ]);
  });

  it('decides detail by the model: original for the catalogue, else high, auto when asked, a note for low', async () => {
    const url = dataUrl(pngFile(2, 2));
    const sent = async (detail: 'low' | 'high' | 'auto' | 'original' | undefined, support: { originalDetail: boolean }) =>
      (await modelContent([{ type: 'image', url, detail }], support))[0];
    assert.deepEqual(await sent('low', ORIGINAL), { type: 'input_image', image_url: url, detail: 'original' });
    assert.deepEqual(await sent(undefined, HIGH), { type: 'input_image', image_url: url, detail: 'high' });
    assert.deepEqual(await sent('original', HIGH), { type: 'input_image', image_url: url, detail: 'high' });
    assert.deepEqual(await sent('auto', HIGH), { type: 'input_image', image_url: url, detail: 'auto' });
    assert.deepEqual(await sent('low', HIGH), {
      type: 'input_text',
      text: "image content omitted because detail 'low' is not supported; use 'high', 'original', or 'auto'",
    });
  });

  it('passes a URL of another scheme on as it is, and tells remote ones apart', async () => {
    assert.deepEqual(await modelContent([{ type: 'image', url: 'file:///x.png' }], ORIGINAL), [
      { type: 'input_image', image_url: 'file:///x.png', detail: 'high' },
    ]);
    assert.deepEqual(await modelContent([{ type: 'image', url: 'data:text/plain;base64,aGk=' }], ORIGINAL), [
      { type: 'input_text', text: 'image content omitted because it could not be processed' },
    ]);
    assert.equal(remoteImageUrl('HTTPS://example.com/a.png'), true);
    assert.equal(remoteImageUrl('http://127.0.0.1/a.png'), true);
    assert.equal(remoteImageUrl('data:image/png;base64,AAAA'), false);
    assert.equal(remoteImageUrl(undefined), false);
  });

  it('echoes each image with its detail, null when not asked', () => {
    assert.deepEqual(echoedInput([{ type: 'localImage', path: '/x.png' }, { type: 'image', url: 'data:,', detail: 'low' }]), [
      { type: 'localImage', path: '/x.png', detail: null },
      { type: 'image', url: 'data:,', detail: 'low' },
    ]);
  });
});
