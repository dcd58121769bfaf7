import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_CLIENT_MESSAGE_BYTES } from '../../../src/protocol/message-limits.js';
import { MAX_READ_FILE_BYTES } from '../../../src/runtime/fs/read-file.js';
import { OS_ERRORS, RELATIVE_PATH_ERROR, errorOf, resultOf, startFsRig } from './fs-rig.js';

/** `fs/readFile` and `fs/writeFile` (docs/protocol.md#filesystem): base64 payloads, the reference's errors. */
describe('fs/readFile and fs/writeFile', () => {
  it('round-trips binary content through writeFile and readFile', async (t) => {
    const { client, dir } = await startFsRig(t);
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, index) => (index * 7) % 256));
    const path = join(dir, 'data.bin');
    assert.deepEqual(await client.call('fs/writeFile', { path, dataBase64: bytes.toString('base64') }), {});
    assert.deepEqual(await readFile(path), bytes);
    assert.deepEqual(await client.call('fs/readFile', { path }), { dataBase64: bytes.toString('base64') });
  });

  it('overwrites an existing file, writes through a symlink, and writes empty files', async (t) => {
    const { client, dir } = await startFsRig(t);
    const path = join(dir, 'a.txt');
    await writeFile(path, 'a much longer original content');
    await symlink('a.txt', join(dir, 'link'));
    await client.call('fs/writeFile', { path: join(dir, 'link'), dataBase64: Buffer.from('new').toString('base64') });
    assert.equal(await readFile(path, 'utf8'), 'new');
    await client.call('fs/writeFile', { path: join(dir, 'empty'), dataBase64: '' });
    assert.deepEqual(await client.call('fs/readFile', { path: join(dir, 'empty') }), { dataBase64: '' });
  });

  it('normalizes the path lexically, as AbsolutePathBuf does', async (t) => {
    const { client, dir } = await startFsRig(t);
    await writeFile(join(dir, 'a.txt'), 'hello\n');
    const response = await client.request('fs/readFile', { path: `${dir}/sub/../a.txt/` });
    assert.deepEqual(resultOf(response), { dataBase64: 'aGVsbG8K' });
  });

  it('refuses relative paths before touching the filesystem', async (t) => {
    const { client } = await startFsRig(t);
    for (const path of ['a.txt', './a.txt', '~/a.txt', '']) {
      assert.deepEqual(errorOf(await client.request('fs/readFile', { path })), RELATIVE_PATH_ERROR);
      assert.deepEqual(errorOf(await client.request('fs/writeFile', { path, dataBase64: '' })), RELATIVE_PATH_ERROR);
    }
    assert.deepEqual(errorOf(await client.request('fs/readFile', { path: 5 })), {
      code: -32600,
      message: 'Invalid request: invalid type: integer `5`, expected path string',
    });
    assert.deepEqual(errorOf(await client.request('fs/writeFile', { path: '/tmp/x' })), {
      code: -32600,
      message: 'Invalid request: missing field `dataBase64`',
    });
  });

  it('reports OS failures with the reference texts', async (t) => {
    const { client, dir } = await startFsRig(t);
    await writeFile(join(dir, 'file'), 'x');
    await symlink('nowhere', join(dir, 'dangling'));
    await symlink('loop2', join(dir, 'loop1'));
    await symlink('loop1', join(dir, 'loop2'));
    const read = async (path: string) => errorOf(await client.request('fs/readFile', { path }));
    assert.deepEqual(await read(join(dir, 'missing')), OS_ERRORS.notFound);
    assert.deepEqual(await read(join(dir, 'dangling')), OS_ERRORS.notFound);
    assert.deepEqual(await read(join(dir, 'file', 'below')), OS_ERRORS.notADirectory);
    assert.deepEqual(await read(join(dir, 'loop1')), OS_ERRORS.loop);
    assert.deepEqual(await read(join(dir, 'x'.repeat(300))), { code: -32603, message: 'Filename too long (os error 36)' });
  });

  it("counts NUL bytes in a path and EINVAL as the client's mistakes, as the reference does", async (t) => {
    const { client, dir } = await startFsRig(t);
    const nul = { code: -32600, message: 'file name contained an unexpected NUL byte' };
    assert.deepEqual(errorOf(await client.request('fs/readFile', { path: `${dir}/a\u0000b` })), nul);
    assert.deepEqual(errorOf(await client.request('fs/writeFile', { path: `${dir}/a\u0000b`, dataBase64: '' })), nul);
    // An invalid value written to a /proc file (this process's own, left unchanged by the refusal).
    const response = await client.request('fs/writeFile', {
      path: '/proc/self/oom_score_adj',
      dataBase64: Buffer.from('abc').toString('base64'),
    });
    assert.deepEqual(errorOf(response), { code: -32600, message: 'Invalid argument (os error 22)' });
  });

  it('refuses to read anything but a regular file', async (t) => {
    const { client, dir } = await startFsRig(t);
    await mkdir(join(dir, 'sub'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    for (const path of [join(dir, 'sub'), join(dir, 'fifo'), '/dev/null']) {
      assert.deepEqual(errorOf(await client.request('fs/readFile', { path })), {
        code: -32600,
        message: `path \`${path}\` is not a file`,
      });
    }
  });

  it('does not create missing parent directories when writing', async (t) => {
    const { client, dir } = await startFsRig(t);
    const response = await client.request('fs/writeFile', { path: join(dir, 'missing', 'a.txt'), dataBase64: 'aGk=' });
    assert.deepEqual(errorOf(response), OS_ERRORS.notFound);
    await mkdir(join(dir, 'sub'));
    assert.deepEqual(errorOf(await client.request('fs/writeFile', { path: join(dir, 'sub'), dataBase64: '' })), OS_ERRORS.isADirectory);
  });

  it('refuses payloads that are not canonical base64, with the Rust decoder texts', async (t) => {
    const { client, dir } = await startFsRig(t);
    const path = join(dir, 'never-written');
    const cases: [string, string][] = [
      ['!!notbase64', 'Invalid symbol 33, offset 0.'],
      ['aGk', 'Invalid padding'],
      ['aGk=\n', 'Invalid symbol 10, offset 4.'],
      ['aG k=', 'Invalid symbol 32, offset 2.'],
      ['aGk=aGk=', 'Invalid symbol 61, offset 3.'],
      ['aGl=', 'Invalid last symbol 108, offset 2.'],
      ['a', 'Invalid input length: 1'],
      ['aGVsbG8_', 'Invalid symbol 95, offset 7.'],
    ];
    for (const [dataBase64, text] of cases) {
      assert.deepEqual(errorOf(await client.request('fs/writeFile', { path, dataBase64 })), {
        code: -32600,
        message: `fs/writeFile requires valid base64 dataBase64: ${text}`,
      });
    }
    assert.deepEqual(errorOf(await client.request('fs/readFile', { path })), OS_ERRORS.notFound);
  });

  it('reads files beyond the old 16 MiB bound and refuses ones whose answer exceeds one client message', async (t) => {
    const { client, dir } = await startFsRig(t);
    const large = join(dir, 'large');
    const tooLarge = join(dir, 'too-large');
    // Sparse files: the content is zeros, which is all this test needs. 20 MiB answers with a 27 MiB message, which
    // a 16 MiB-limited client would drop; reading the full ~96 MiB limit would cost the test a gigabyte.
    const largeBytes = 20 * 1024 * 1024;
    await writeFile(large, '');
    await truncate(large, largeBytes);
    await writeFile(tooLarge, '');
    await truncate(tooLarge, MAX_READ_FILE_BYTES + 1);

    const response = await client.request('fs/readFile', { path: large });
    assert.equal(resultOf(response).dataBase64, Buffer.alloc(largeBytes).toString('base64'));
    assert.ok(MAX_READ_FILE_BYTES > largeBytes);
    // The limit leaves room for the envelope within one client message.
    assert.ok((MAX_READ_FILE_BYTES / 3) * 4 + 1024 <= MAX_CLIENT_MESSAGE_BYTES);
    assert.deepEqual(errorOf(await client.request('fs/readFile', { path: tooLarge })), {
      code: -32600,
      message:
        `path \`${tooLarge}\` is too large to read: ${MAX_READ_FILE_BYTES + 1} bytes; fs/readFile returns at most ` +
        `${MAX_READ_FILE_BYTES} bytes (its base64 response must fit in one 128 MiB message)`,
    });
    // The connection is still usable, and files whose size stat does not know (procfs reports 0) are read whole.
    const status = (await client.call('fs/readFile', { path: '/proc/self/status' })).dataBase64;
    assert.match(Buffer.from(String(status), 'base64').toString('utf8'), /^Name:/);
  });
});
