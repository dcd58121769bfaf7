import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

/**
 * Comments point readers at the project's own documentation (`docs/protocol.md#attestation`); these references, and
 * the links between the docs, must lead somewhere: the file exists and has a heading with that anchor.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function filesUnder(dir: string, suffixes: readonly string[]): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && suffixes.some((suffix) => entry.name.endsWith(suffix)))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const anchorCache = new Map<string, Promise<Set<string>>>();

function anchorsOf(markdownPath: string): Promise<Set<string>> {
  let anchors = anchorCache.get(markdownPath);
  if (!anchors) {
    anchors = readFile(join(ROOT, markdownPath), 'utf8').then((text) => {
      const withoutCode = text.replace(/^```[\s\S]*?^```/gm, '');
      return new Set([...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1] ?? '')));
    });
    anchorCache.set(markdownPath, anchors);
  }
  return anchors;
}

/** Why `target` (a repository path with an optional `#anchor`) leads nowhere, or undefined when it resolves. */
async function brokenReason(target: string): Promise<string | undefined> {
  const [path = '', anchor] = target.split('#');
  if (!existsSync(join(ROOT, path))) return `${path} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  return (await anchorsOf(path)).has(anchor) ? undefined : `${path} has no heading #${anchor}`;
}

describe('references to the docs', () => {
  it('every docs/….md#anchor cited in src/ and test/ names an existing file and heading', async () => {
    const sources = [...(await filesUnder('src', ['.ts', '.cts'])), ...(await filesUnder('test', ['.ts']))];
    const broken: string[] = [];
    let cited = 0;
    for (const file of sources) {
      const text = await readFile(join(ROOT, file), 'utf8');
      for (const match of text.matchAll(/\bdocs\/[\w-]+\.md(?:#[\w-]+)?/g)) {
        cited += 1;
        const reason = await brokenReason(match[0]);
        if (reason) broken.push(`${file}: ${match[0]}: ${reason}`);
      }
    }
    assert.ok(cited > 0, 'the sources cite the docs');
    assert.deepEqual(broken, []);
  });

  it('every relative link inside docs/ resolves, anchors included', async () => {
    const broken: string[] = [];
    for (const file of await filesUnder('docs', ['.md'])) {
      const text = (await readFile(join(ROOT, file), 'utf8')).replace(/^```[\s\S]*?^```/gm, '');
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = match[1] ?? '';
        if (/^[a-z]+:/.test(link)) continue;
        const target = link.startsWith('#') ? `${file}${link}` : relative(ROOT, join(ROOT, dirname(file), link));
        const reason = await brokenReason(target);
        if (reason) broken.push(`${file}: (${link}): ${reason}`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
