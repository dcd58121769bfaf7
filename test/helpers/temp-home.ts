import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/**
 * A private CODEX_HOME for one test, removed when the test ends. `configToml` is written as its config.toml.
 */
export async function makeTempHome(t: TestContext, configToml?: string): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'app-server-home-'));
  // Retried: a server still finishing a turn the test did not wait for may write one last file (a read receipt)
  // while the tree is being removed, which fails a single pass with ENOTEMPTY.
  t.after(() => rm(home, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  if (configToml !== undefined) await writeFile(join(home, 'config.toml'), configToml);
  return home;
}

/** A temporary file with the given content, removed when the test ends. */
export async function makeTempFile(t: TestContext, name: string, content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'app-server-file-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/**
 * A temporary directory that could not be removed is left behind, never thrown: a throwing `t.after` hook skips
 * the hooks registered after it (which stop servers), and a server left running keeps the test process alive.
 */
export function leftBehind(error: unknown): void {
  process.stderr.write(`test cleanup left a temporary directory behind: ${String(error)}\n`);
}
