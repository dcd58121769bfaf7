import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

/**
 * One-way layering of src/ (docs/architecture.md#layers): a module may import its own layer or any lower-ranked one,
 * never upward. `protocol`, `config` and `util` are shared: anyone may import them, and they import only each other, in
 * the order config → protocol → util. `model` and `tools` share a rank but must not import each other.
 */
const RANKED_LAYERS: Readonly<Record<string, number>> = {
  main: 8,
  transport: 7,
  // Assembly: a server instance wires config, auth, runtime and the handler table to the JSON-RPC host.
  server: 6,
  rpc: 5,
  handlers: 4,
  runtime: 3,
  // The Codex login: it authenticates model requests (it implements model's OpenaiAuthSource).
  auth: 2,
  model: 1,
  tools: 1,
  persistence: 0,
  // Outbound HTTPS plumbing (custom CA); it knows nothing of the rest.
  net: 0,
  metrics: 0,
};
const SHARED_LAYERS: Readonly<Record<string, readonly string[]>> = {
  config: ['config', 'protocol', 'util'],
  protocol: ['protocol', 'util'],
  util: ['util'],
};
/** Files allowed directly in src/, by name without extension (an import names them `./cli.js`). */
const MAIN_FILES = new Set(['main', 'cli', 'launch']);

interface Violation {
  readonly file: string;
  readonly problem: string;
}

/** The layer of a src-relative path like `rpc/router.ts`, or undefined when it has no deliberate place. */
function layerOf(path: string): string | undefined {
  if (!path.includes('/')) return MAIN_FILES.has(path.replace(/\.[cm]?[jt]s$/, '')) ? 'main' : undefined;
  const top = path.slice(0, path.indexOf('/'));
  return top in RANKED_LAYERS || top in SHARED_LAYERS ? top : undefined;
}

/** Source text with comments blanked out (strings kept, since specifiers are strings). */
function stripComments(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; ) {
    const char = source[i] as string;
    const next = source[i + 1];
    if (char === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
      out += ' ';
    } else if (char === '"' || char === "'" || char === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== char) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += char;
      i++;
    }
  }
  return out;
}

const SPECIFIER_PATTERNS = [
  // import x from '…', import type { X } from '…', import x, * as y from '…'
  /\bimport\s+(?:type\s+)?(?:[\w$]+\s*,?\s*)?(?:\*\s*as\s+[\w$]+|\{[^}]*\})?\s*from\s*(['"])([^'"]+)\1/g,
  // export * from '…', export { x } from '…', export type { X } from '…'
  /\bexport\s+(?:type\s+)?(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})\s*from\s*(['"])([^'"]+)\1/g,
  // import '…' (side effects)
  /\bimport\s*(['"])([^'"]+)\1/g,
  // import('…'), including typeof import('…')
  /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
];

/** Relative module specifiers a source file imports or re-exports. */
function relativeSpecifiers(source: string): string[] {
  const code = stripComments(source);
  const found = new Set<string>();
  for (const pattern of SPECIFIER_PATTERNS) {
    for (const match of code.matchAll(pattern)) {
      const specifier = match[2] as string;
      if (specifier.startsWith('.')) found.add(specifier);
    }
  }
  return [...found];
}

/** Checks a map of src-relative paths (posix, e.g. `rpc/router.ts`) to their source text. Pure. */
function checkLayering(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const [file, source] of files) {
    const from = layerOf(file);
    if (from === undefined) {
      violations.push({ file, problem: 'is outside every layer: give its folder a deliberate rank in layering.test.ts' });
      continue;
    }
    for (const specifier of relativeSpecifiers(source)) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      if (target.startsWith('../')) {
        violations.push({ file, problem: `imports '${specifier}', which leaves src/` });
        continue;
      }
      const to = layerOf(target);
      if (to === undefined) {
        violations.push({ file, problem: `imports '${specifier}' (${target}), which is in no layer` });
      } else if (!mayImport(from, to)) {
        violations.push({ file, problem: `${from} must not import ${to}: '${specifier}'` });
      }
    }
  }
  return violations;
}

function mayImport(from: string, to: string): boolean {
  if (from === to) return true;
  const shared = SHARED_LAYERS[from];
  if (shared) return shared.includes(to);
  if (to in SHARED_LAYERS) return true;
  return (RANKED_LAYERS[to] as number) < (RANKED_LAYERS[from] as number);
}

async function readSources(srcDir: string): Promise<Map<string, string>> {
  const entries = await readdir(srcDir, { recursive: true, withFileTypes: true });
  const files = new Map<string, string>();
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(srcDir.length + 1).split('\\').join('/'), await readFile(path, 'utf8'));
  }
  return files;
}

describe('src layering', () => {
  it('has no module importing against the one-way rank order', async () => {
    const srcDir = fileURLToPath(new URL('../../src', import.meta.url));
    const files = await readSources(srcDir);
    assert.ok(files.has('main.ts'), `no src/main.ts under ${srcDir}`);
    const report = checkLayering(files).map((v) => `src/${v.file} ${v.problem}`);
    assert.deepEqual(report, []);
  });

  it('keeps the runtime in folders by concern (threads, turns, rollout, paging, …), no file loose in src/runtime/', async () => {
    const runtimeDir = fileURLToPath(new URL('../../src/runtime', import.meta.url));
    const loose = (await readdir(runtimeDir, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name);
    assert.deepEqual(loose, []);
  });

  it('flags upward, shared-layer, sibling and unplaced imports in a synthetic tree', () => {
    const files = new Map([
      ['runtime/thread.ts', "import type { Session } from '../rpc/session.js';\nimport { x } from '../protocol/common.js';"],
      ['util/ids.ts', "export { y } from '../protocol/common.js';"],
      ['util/version.ts', "import pkg from '../../package.json';"],
      ['protocol/common.ts', "import { z } from '../util/ids.js';\nconst load = () => import('../config/load.js');"],
      ['config/load.ts', "import { parse } from 'smol-toml';\nimport { RpcError } from '../protocol/errors.js';"],
      ['model/client.ts', "import '../tools/registry.js';"],
      ['tools/shell.ts', "// import { c } from '../model/client.js';\n/* import '../rpc/x.js' */ import { a } from './paths.js';"],
      ['handlers/thread-loaded-list.ts', "import { m } from '../runtime/thread-manager.js';\nimport { p } from '../persistence/store.js';"],
      ['main.ts', "import { s } from './transport/stdio.js';\nimport { c } from './cli.js';"],
      ['helpers.ts', ''],
      ['misc/x.ts', "import { q } from '../../package.js';"],
    ]);
    assert.deepEqual(
      checkLayering(files).map((v) => `${v.file}: ${v.problem}`),
      [
        "runtime/thread.ts: runtime must not import rpc: '../rpc/session.js'",
        "util/ids.ts: util must not import protocol: '../protocol/common.js'",
        "util/version.ts: imports '../../package.json', which leaves src/",
        "protocol/common.ts: protocol must not import config: '../config/load.js'",
        "model/client.ts: model must not import tools: '../tools/registry.js'",
        'helpers.ts: is outside every layer: give its folder a deliberate rank in layering.test.ts',
        'misc/x.ts: is outside every layer: give its folder a deliberate rank in layering.test.ts',
      ],
    );
  });

  it('recognises every import and re-export form', () => {
    const source = [
      "import a from './a.js';",
      "import type { B } from './b.js';",
      "import c, { d } from './c.js';",
      "import * as e from './e.js';",
      "import {\n  f,\n  g,\n} from './f.js';",
      "export * from './h.js';",
      "export * as i from './i.js';",
      "export type { J } from './j.js';",
      "import './k.js';",
      "const l = await import('./l.js');",
      "type M = typeof import('./m.js');",
      "import n from 'node:fs';",
      "const text = 'see // not a comment'; import o from './o.js';",
    ].join('\n');
    assert.deepEqual(relativeSpecifiers(source).sort(), [
      './a.js', './b.js', './c.js', './e.js', './f.js', './h.js', './i.js', './j.js', './k.js', './l.js', './m.js', './o.js',
    ]);
  });
});
