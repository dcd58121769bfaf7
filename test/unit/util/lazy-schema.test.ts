import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as z from 'zod';
import { lazySchema, lazyValue } from '../../../src/util/lazy-schema.js';

/** A lazy schema plus how often its builder ran. */
function counted<S extends z.ZodType>(build: () => S): { schema: S; builds: () => number } {
  let builds = 0;
  const schema = lazySchema(() => {
    builds += 1;
    return build();
  });
  return { schema, builds: () => builds };
}

describe('lazySchema', () => {
  it('builds nothing until the schema is touched, then builds once', () => {
    const { schema, builds } = counted(() => z.object({ name: z.string() }));
    const holder = z.object({ inner: schema });
    assert.equal(builds(), 0, 'declaring it and nesting it in another schema builds nothing');
    assert.deepEqual(holder.parse({ inner: { name: 'a' } }), { inner: { name: 'a' } });
    assert.equal(builds(), 1);
    assert.deepEqual(schema.parse({ name: 'b' }), { name: 'b' });
    assert.equal(schema.safeParse({ name: 1 }).success, false);
    assert.equal(builds(), 1, 'the second use finds an ordinary schema');
  });

  it('becomes an ordinary zod schema: same class, same validation, same errors', () => {
    const eager = z.object({ id: z.number().int().min(1), tags: z.array(z.enum(['a', 'b'])).optional() }).strict();
    const lazy = lazySchema(() =>
      z.object({ id: z.number().int().min(1), tags: z.array(z.enum(['a', 'b'])).optional() }).strict(),
    );
    assert.ok(lazy instanceof z.ZodObject);
    assert.equal(Object.getPrototypeOf(lazy), Object.getPrototypeOf(eager));
    assert.deepEqual(Object.keys(lazy.shape), ['id', 'tags']);
    for (const input of [{ id: 1 }, { id: 0 }, { id: 2, tags: ['c'] }, { id: 3, extra: true }, 'x']) {
      const [a, b] = [eager.safeParse(input), lazy.safeParse(input)];
      assert.equal(a.success, b.success, JSON.stringify(input));
      assert.deepEqual(a.error?.issues, b.error?.issues, JSON.stringify(input));
    }
  });

  it('keeps its registry metadata, so JSON Schema names and describes it as before', () => {
    const build = () => z.object({ when: z.string().describe('A date.') }).meta({ id: 'LazyTestWhen' });
    const lazy = lazySchema(build);
    const holder = z.object({ at: lazy.describe('When it happened.'), again: lazy.optional() });
    const json = z.toJSONSchema(holder, { target: 'draft-07' }) as { definitions?: Record<string, unknown> };
    assert.deepEqual(Object.keys(json.definitions ?? {}), ['LazyTestWhen']);
    assert.equal(z.globalRegistry.get(lazy)?.id, 'LazyTestWhen');
    assert.equal(z.globalRegistry._idmap.get('LazyTestWhen'), lazy, 'the id names the placeholder, not a copy');
    assert.equal(z.globalRegistry.get(holder.shape.at)?.description, 'When it happened.');
  });

  it('supports recursion through z.lazy and getters', () => {
    interface Node {
      value: number;
      children: Node[];
    }
    const NodeSchema: z.ZodType<Node> = lazySchema(() =>
      z.object({ value: z.number(), children: z.array(z.lazy(() => NodeSchema)) }),
    );
    const tree = { value: 1, children: [{ value: 2, children: [] }] };
    assert.deepEqual(NodeSchema.parse(tree), tree);
    assert.equal(NodeSchema.safeParse({ value: 1, children: [{ value: 'x', children: [] }] }).success, false);
  });

  it('refuses a builder that returns another lazy schema or uses its own result', () => {
    const base = lazySchema(() => z.string());
    const alias = lazySchema(() => base);
    assert.throws(() => alias.parse('a'), /returned another lazy schema/);
    const selfish: z.ZodType = lazySchema(() => z.array(selfish.optional()));
    assert.throws(() => selfish.parse([]), /used while it was being built/);
  });

  it('stays buildable after a builder threw', () => {
    let fail = true;
    const schema = lazySchema(() => {
      if (fail) throw new Error('not yet');
      return z.boolean();
    });
    assert.throws(() => schema.parse(true), /not yet/);
    fail = false;
    assert.equal(schema.parse(true), true);
  });
});

describe('lazyValue', () => {
  it('computes on the first call only and shares the result', () => {
    let computed = 0;
    const shape = lazyValue(() => {
      computed += 1;
      return { name: z.string() };
    });
    assert.equal(computed, 0);
    const first = shape();
    assert.equal(shape(), first);
    assert.equal(computed, 1);
  });
});
