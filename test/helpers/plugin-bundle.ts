import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { create as createTar } from 'tar';

/**
 * A remote plugin bundle as ChatGPT's plugin service serves it: a .tar.gz with `.codex-plugin/plugin.json` (naming
 * `name`, at `version`) and one skill at the archive's root. Its files are removed in `t.after`.
 */
export async function pluginBundle(t: TestContext, name: string, version = '1.2.3'): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'bundle-src-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const root = join(dir, 'plugin');
  await mkdir(join(root, '.codex-plugin'), { recursive: true });
  await mkdir(join(root, 'skills/hello'), { recursive: true });
  await writeFile(join(root, '.codex-plugin/plugin.json'), JSON.stringify({ name, version }));
  await writeFile(join(root, 'skills/hello/SKILL.md'), '---\nname: hello\ndescription: Says hello\n---\nHello.\n');
  const archive = join(dir, 'bundle.tar.gz');
  await createTar({ gzip: true, file: archive, cwd: root, portable: true }, ['.codex-plugin', 'skills']);
  return readFile(archive);
}
