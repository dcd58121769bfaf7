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

describe('module-level zod schemas', () => {
  it('are built on first use (lazySchema), not when their module loads', async () => {
    const entries = await readdir(SRC, { recursive: true, withFileTypes: true });
    const eager: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || !/\.c?ts$/.test(entry.name)) continue;
      const path = join(entry.parentPath, entry.name);
      const source = await readFile(path, 'utf8');
      for (const match of source.matchAll(EAGER_SCHEMA)) {
        const line = source.slice(0, match.index).split('\n').length;
        eager.push(`${relative(SRC, path)}:${line} ${match[1] ?? ''}`);
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
  });
});
