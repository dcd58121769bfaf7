import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { agentsInstructions, agentsMessageText } from '../../../src/runtime/context/agents-docs.js';

interface Layout {
  readonly home: string;
  readonly above: string;
  readonly repo: string;
  readonly pkg: string;
  readonly cwd: string;
}

/** CODEX_HOME, and `above/repo/pkg/app` with a git root at `repo`. */
async function layout(t: TestContext): Promise<Layout> {
  const root = await mkdtemp(join(tmpdir(), 'agents-docs-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const home = join(root, 'home');
  const above = join(root, 'above');
  const repo = join(above, 'repo');
  const pkg = join(repo, 'pkg');
  const cwd = join(pkg, 'app');
  await mkdir(home, { recursive: true });
  await mkdir(cwd, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: repo });
  return { home, above, repo, pkg, cwd };
}

describe('AGENTS.md discovery', () => {
  it('joins CODEX_HOME then the git root down to the cwd, and never reads above the root', async (t) => {
    const dirs = await layout(t);
    await writeFile(join(dirs.home, 'AGENTS.md'), '\n  HOME doc  \n');
    await writeFile(join(dirs.above, 'AGENTS.md'), 'ABOVE doc\n');
    await writeFile(join(dirs.repo, 'AGENTS.md'), 'ROOT doc\n');
    await writeFile(join(dirs.pkg, 'AGENTS.md'), 'PKG doc\n');
    await writeFile(join(dirs.cwd, 'AGENTS.md'), 'APP doc\n');
    const text = await agentsInstructions(dirs.cwd, { codexHome: dirs.home });
    assert.equal(text, 'HOME doc\n\n--- project-doc ---\n\nROOT doc\n\n\nPKG doc\n\n\nAPP doc\n');
    assert.equal(
      agentsMessageText(dirs.cwd, text ?? ''),
      `# AGENTS.md instructions for ${dirs.cwd}\n\n<INSTRUCTIONS>\n${text}\n</INSTRUCTIONS>`,
    );
  });

  it('searches only the cwd outside a repository, and gives null when there is nothing', async (t) => {
    const dirs = await layout(t);
    await rm(join(dirs.repo, '.git'), { recursive: true });
    await writeFile(join(dirs.pkg, 'AGENTS.md'), 'PKG doc\n');
    assert.equal(await agentsInstructions(dirs.cwd, { codexHome: dirs.home }), null);
    await writeFile(join(dirs.cwd, 'AGENTS.md'), 'APP doc\n');
    assert.equal(await agentsInstructions(dirs.cwd, { codexHome: dirs.home }), 'APP doc\n');
  });

  it('prefers AGENTS.override.md, then AGENTS.md, then the fallback names; blank files count as absent', async (t) => {
    const dirs = await layout(t);
    await writeFile(join(dirs.home, 'AGENTS.override.md'), 'HOME override\n');
    await writeFile(join(dirs.home, 'AGENTS.md'), 'HOME doc\n');
    await writeFile(join(dirs.repo, 'CLAUDE.md'), 'ROOT fallback\n');
    await writeFile(join(dirs.pkg, 'AGENTS.override.md'), 'PKG override\n');
    await writeFile(join(dirs.pkg, 'AGENTS.md'), 'PKG doc\n');
    await writeFile(join(dirs.cwd, 'AGENTS.md'), '  \n\n');
    const withFallback = await agentsInstructions(dirs.cwd, { codexHome: dirs.home, fallbackFilenames: ['CLAUDE.md'] });
    assert.equal(withFallback, 'HOME override\n\n--- project-doc ---\n\nROOT fallback\n\n\nPKG override\n');
    const without = await agentsInstructions(dirs.cwd, { codexHome: dirs.home });
    assert.equal(without, 'HOME override\n\n--- project-doc ---\n\nPKG override\n');
  });

  it('cuts the project files at project_doc_max_bytes, and reads none at 0; CODEX_HOME is outside the budget', async (t) => {
    const dirs = await layout(t);
    await writeFile(join(dirs.home, 'AGENTS.md'), 'HOME doc that is longer than the budget\n');
    await writeFile(join(dirs.repo, 'AGENTS.md'), 'ROOT claude\n');
    await writeFile(join(dirs.pkg, 'AGENTS.md'), 'PKG override\n');
    await writeFile(join(dirs.cwd, 'AGENTS.md'), 'APP doc\n');
    // 12 bytes of the root's file leave 8 for the package's; the cwd's is left out [observed].
    const text = await agentsInstructions(dirs.cwd, { codexHome: dirs.home, maxBytes: 20 });
    assert.equal(text, 'HOME doc that is longer than the budget\n\n--- project-doc ---\n\nROOT claude\n\n\nPKG over');
    assert.equal(
      await agentsInstructions(dirs.cwd, { codexHome: dirs.home, maxBytes: 0 }),
      'HOME doc that is longer than the budget',
    );
  });

  it('follows a symlink to a file, passes over a directory, and skips a file it cannot read with a warning', async (t) => {
    const dirs = await layout(t);
    await writeFile(join(dirs.above, 'shared.md'), 'LINKED doc\n');
    await symlink(join(dirs.above, 'shared.md'), join(dirs.repo, 'AGENTS.md'));
    await mkdir(join(dirs.pkg, 'AGENTS.md'));
    await writeFile(join(dirs.pkg, 'AGENTS.override.md'), '');
    // A file whose every read fails (EIO), for any user.
    await symlink('/proc/self/mem', join(dirs.cwd, 'AGENTS.md'));
    const warnings: string[] = [];
    const text = await agentsInstructions(dirs.cwd, { codexHome: dirs.home, warn: (path) => warnings.push(path) });
    assert.equal(text, 'LINKED doc\n');
    assert.deepEqual(warnings, [join(dirs.cwd, 'AGENTS.md')]);
  });
});
