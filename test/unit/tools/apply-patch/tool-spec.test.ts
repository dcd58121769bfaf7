import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  APPLY_PATCH_LARK_GRAMMAR,
  ApplyPatchFunctionArgumentsSchema,
  applyPatchFunctionToolSpec,
  applyPatchToolSpec,
} from '../../../../src/tools/apply-patch/tool-spec.js';

describe('apply_patch tool specs', () => {
  it('offers a freeform tool constrained by a Lark grammar of the envelope', () => {
    const spec = applyPatchToolSpec();
    assert.deepEqual(Object.keys(spec), ['type', 'name', 'description', 'format']);
    assert.equal(spec['type'], 'custom');
    assert.equal(spec['name'], 'apply_patch');
    assert.equal(typeof spec['description'], 'string');
    assert.deepEqual(spec['format'], { type: 'grammar', syntax: 'lark', definition: APPLY_PATCH_LARK_GRAMMAR });
    for (const marker of ['*** Begin Patch', '*** End Patch', '*** Add File: ', '*** Delete File: ', '*** Update File: ']) {
      assert.ok(APPLY_PATCH_LARK_GRAMMAR.includes(`"${marker}"`), marker);
    }
    assert.match(APPLY_PATCH_LARK_GRAMMAR, /^start: /);
  });

  it('offers a function tool taking the patch as input', () => {
    const spec = applyPatchFunctionToolSpec();
    assert.equal(spec['type'], 'function');
    assert.equal(spec['name'], 'apply_patch');
    assert.equal(spec['strict'], false);
    assert.deepEqual(spec['parameters'], {
      type: 'object',
      properties: { input: { type: 'string', description: 'The whole patch, from *** Begin Patch to *** End Patch.' } },
      required: ['input'],
      additionalProperties: false,
    });
    assert.deepEqual(ApplyPatchFunctionArgumentsSchema.parse({ input: 'x' }), { input: 'x' });
    assert.equal(ApplyPatchFunctionArgumentsSchema.safeParse({}).success, false);
  });
});
