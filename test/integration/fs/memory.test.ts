import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { spawnCli } from '../../helpers/server.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { errorOf, resultOf } from './fs-rig.js';

const MiB = 1024 * 1024;

/** Peak resident memory of a process so far (Linux `VmHWM`), in bytes. */
async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  assert.ok(match?.[1], 'no VmHWM in /proc/<pid>/status');
  return Number(match[1]) * 1024;
}

/** The built server as a separate process, so that its memory is measured alone. */
describe('fs/readFile memory', () => {
  it('serves 1000 small reads and refuses a 100 MiB read without loading it', async (t) => {
    const dir = realpathSync(await mkdtemp(join(tmpdir(), 'fs-memory-')));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const cli = spawnCli(t, [], { CODEX_HOME: await makeTempHome(t) });
    const client = RpcTestClient.overStdio(cli.child);
    t.after(() => client.close());
    await client.initialize();

    const small = join(dir, 'small');
    await writeFile(small, 'small file\n');
    const huge = join(dir, 'huge');
    await writeFile(huge, '');
    await truncate(huge, 100 * MiB);

    // Warm up the code paths before the baseline, so that compilation is not counted.
    await client.call('fs/readFile', { path: small });
    const baseline = await peakRss(cli.child.pid ?? 0);
    for (let round = 0; round < 1000; round++) await client.call('fs/readFile', { path: small });
    const error = errorOf(await client.request('fs/readFile', { path: huge }));
    assert.match(error.message, /is too large to read: 104857600 bytes/);
    const growth = (await peakRss(cli.child.pid ?? 0)) - baseline;
    assert.ok(growth < 32 * MiB, `peak RSS grew by ${Math.round(growth / MiB)} MiB`);
  });
});
