import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { TestContext } from 'node:test';
import { commitPatch } from '../../../../src/tools/apply-patch/commit.js';
import { parsePatch } from '../../../../src/tools/apply-patch/parser.js';
import { type PatchPlan, planPatch } from '../../../../src/tools/apply-patch/plan.js';

/** A temporary directory holding `files` (relative path → content), removed when the test ends. */
export async function makeWorkspace(t: TestContext, files: Readonly<Record<string, string | Buffer>> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'apply-patch-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

/** Every regular file under `root` (relative path → content), hidden files included, sorted by path. */
export async function readTree(root: string): Promise<Record<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: [string, string][] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.push([relative(root, path).split('\\').join('/'), await readFile(path, 'utf8')]);
  }
  return Object.fromEntries(files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Parses, plans and commits `patch` in `cwd`; returns the plan. */
export async function applyPatchText(patch: string, cwd: string): Promise<PatchPlan> {
  const plan = await planPatch(parsePatch(patch), cwd);
  await commitPatch(plan);
  return plan;
}

/** `*** Begin Patch` + body + `*** End Patch`, the way a model sends it. */
export function envelope(...lines: string[]): string {
  return ['*** Begin Patch', ...lines, '*** End Patch', ''].join('\n');
}

/** A workspace and a patch that exercise every operation at once: add, update, delete, and a move with an edit. */
export const MIXED_WORKSPACE = { 'upd.txt': 'foo\nbar\nbaz\nqux\n', 'del.txt': 'gone\n', 'mv.txt': 'a\nb\n' };
export const MIXED_PATCH = envelope(
  '*** Add File: sub/new.txt',
  '+hello',
  '+world',
  '*** Update File: upd.txt',
  '@@',
  ' foo',
  '-bar',
  '+BAR',
  '*** Delete File: del.txt',
  '*** Update File: mv.txt',
  '*** Move to: moved/mv2.txt',
  '@@',
  '-b',
  '+B',
);
