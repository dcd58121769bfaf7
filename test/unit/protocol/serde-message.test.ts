import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as z from 'zod';
import { Uint32Schema } from '../../../src/protocol/common.js';
import { serdeMessage } from '../../../src/protocol/serde-message.js';

const Mode = z.enum(['read-only', 'workspace-write', 'danger-full-access']);
const Example = z
  .object({
    threadId: z.string(),
    limit: Uint32Schema.nullable().optional(),
    ephemeral: z.boolean().optional(),
    sandbox: Mode.optional(),
    pair: z.enum(['a', 'b']).optional(),
    nested: z.object({ flag: z.boolean() }).optional(),
  })
  .meta({ id: 'ExampleParams' });

function messageFor(input: unknown): string {
  const parsed = Example.safeParse(input, { reportInput: true });
  assert.equal(parsed.success, false);
  return serdeMessage(Example, input, parsed.error?.issues ?? []);
}

describe('serdeMessage', () => {
  it('names a missing field', () => {
    assert.equal(messageFor({}), 'missing field `threadId`');
    assert.equal(messageFor({ threadId: 't', nested: {} }), 'missing field `flag`');
  });

  it('prefers a wrongly typed present field over a missing one', () => {
    assert.equal(messageFor({ ephemeral: 'yes' }), 'invalid type: string "yes", expected a boolean');
  });

  it('describes found values and expected types as serde does', () => {
    assert.equal(messageFor({ threadId: 123 }), 'invalid type: integer `123`, expected a string');
    assert.equal(messageFor({ threadId: 't', limit: 'x' }), 'invalid type: string "x", expected u32');
    assert.equal(messageFor({ threadId: 't', limit: 2.5 }), 'invalid type: floating point `2.5`, expected u32');
    assert.equal(messageFor({ threadId: 't', limit: -1 }), 'invalid value: integer `-1`, expected u32');
    assert.equal(messageFor({ threadId: null }), 'invalid type: null, expected a string');
    assert.equal(messageFor({ threadId: [] }), 'invalid type: sequence, expected a string');
    assert.equal(messageFor({ threadId: {} }), 'invalid type: map, expected a string');
  });

  it('lists enum variants like serde', () => {
    assert.equal(
      messageFor({ threadId: 't', sandbox: 'readOnly' }),
      'unknown variant `readOnly`, expected one of `read-only`, `workspace-write`, `danger-full-access`',
    );
    assert.equal(messageFor({ threadId: 't', pair: 'c' }), 'unknown variant `c`, expected `a` or `b`');
  });

  it('words tagged enums and unknown fields as serde does', () => {
    const Tagged = z.object({
      settings: z.discriminatedUnion('type', [
        z.strictObject({ id: z.string().optional(), name: z.string().optional(), type: z.literal('one') }),
        z.strictObject({ type: z.literal('two') }),
      ]),
    });
    const wording = (input: unknown) =>
      serdeMessage(Tagged, input, Tagged.safeParse(input, { reportInput: true }).error?.issues ?? []);
    assert.equal(wording({ settings: { type: 'three' } }), 'unknown variant `three`, expected `one` or `two`');
    assert.equal(wording({ settings: {} }), 'missing field `type`');
    assert.equal(wording({ settings: { type: 'one', x: 1 } }), 'unknown field `x`, expected `id` or `name`');
    assert.equal(wording({ settings: { type: 'two', x: 1 } }), 'unknown field `x`, there are no fields');
  });

  it('names a missing required enum field as missing, not as null', () => {
    const WithMode = z.object({ mode: z.enum(['elevated', 'unelevated']) });
    const parsed = WithMode.safeParse({}, { reportInput: true });
    assert.equal(serdeMessage(WithMode, {}, parsed.error?.issues ?? []), 'missing field `mode`');
  });

  it('names the params struct when the params are not an object', () => {
    assert.equal(messageFor('str'), 'invalid type: string "str", expected struct ExampleParams');
    assert.equal(messageFor([]), 'invalid length 0, expected struct ExampleParams with 6 elements');
  });
});
