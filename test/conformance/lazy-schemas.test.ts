import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * A module-level constant initialised with a zod expression (`z.object(…)`, or a method chain on another schema
 * such as `FooSchema.nullable()`): built when its module loads, which is at start-up for nearly every module.
 * Such constants are declared `lazySchema(() => …)` instead (src/util/lazy-schema.ts, docs/performance.md).
 */
const EAGER_SCHEMA = /^(?:export )?const ([A-Za-z0-9_$]+)(?::[^=]+)? = (?:z\b|[A-Z][A-Za-z0-9_]*Schema\.)/gm;

/** A module-level lazy schema, whatever its name (`const i64 = lazySchema(...)`). */
const LAZY_SCHEMA = /^(?:export )?const ([A-Za-z0-9_$]+)(?::[^=]+)? = lazySchema\(/gm;

/** Module-level constants built eagerly from a lazy schema of the same module (`const b = a.nullish()`). */
function eagerFromLazy(source: string): Array<{ name: string; index: number }> {
  const lazy = new Set([...source.matchAll(LAZY_SCHEMA)].map((match) => match[1]));
  const found: Array<{ name: string; index: number }> = [];
  for (const match of source.matchAll(/^(?:export )?const ([A-Za-z0-9_$]+)(?::[^=]+)? = ([A-Za-z0-9_$]+)\./gm)) {
    if (lazy.has(match[2])) found.push({ name: match[1] ?? '', index: match.index });
  }
  return found;
}

describe('module-level zod schemas', () => {
  it('are built on first use (lazySchema), not when their module loads', async () => {
    const entries = await readdir(SRC, { recursive: true, withFileTypes: true });
    const eager: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || !/\.c?ts$/.test(entry.name)) continue;
      const path = join(entry.parentPath, entry.name);
      const source = await readFile(path, 'utf8');
      const found = [...source.matchAll(EAGER_SCHEMA)].map((match) => ({ name: match[1] ?? '', index: match.index }));
      for (const { name, index } of [...found, ...eagerFromLazy(source)]) {
        const line = source.slice(0, index).split('\n').length;
        eager.push(`${relative(SRC, path)}:${line} ${name}`);
      }
    }
    assert.deepEqual(eager, [], `wrap these in lazySchema(() => …):\n  ${eager.join('\n  ')}`);
  });

  it('the check recognises an eager declaration', () => {
    const sample = "export const FooSchema = z.object({});\nconst bar: z.ZodType = BazSchema.nullable();\n";
    assert.deepEqual(
      [...sample.matchAll(EAGER_SCHEMA)].map((match) => match[1]),
      ['FooSchema', 'bar'],
    );
    assert.deepEqual([...'export const FooSchema = lazySchema(() => z.object({}));\n'.matchAll(EAGER_SCHEMA)], []);
    const derived = 'const i64 = lazySchema(() => z.number());\nconst nullableI64 = i64.nullish();\nconst ok = lazySchema(() => i64.nullish());\n';
    assert.deepEqual(eagerFromLazy(derived).map((found) => found.name), ['nullableI64']);
  });
});
