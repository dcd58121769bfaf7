import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execCommandToolSpec, writeStdinToolSpec } from '../../../../src/tools/exec/tool-specs.js';

interface FunctionSpec {
  type: string;
  name: string;
  strict: boolean;
  parameters: {
    type: string;
    properties: Record<string, { type: string; enum?: string[]; items?: unknown }>;
    required: string[];
    additionalProperties: boolean;
  };
}

/** Property name → type (and enum) as the reference's request body has them (docs/protocol.md#the-model-request). */
function shape(spec: Record<string, unknown>): unknown {
  const fn = spec as unknown as FunctionSpec;
  const properties = Object.fromEntries(
    Object.entries(fn.parameters.properties).map(([name, property]) => [
      name,
      {
        type: property.type,
        ...(property.enum ? { enum: property.enum } : {}),
        ...(property.items ? { items: property.items } : {}),
      },
    ]),
  );
  return {
    type: fn.type,
    name: fn.name,
    strict: fn.strict,
    properties,
    required: fn.parameters.required,
    additionalProperties: fn.parameters.additionalProperties,
  };
}

describe('unified exec tool specs', () => {
  it('offers exec_command with the reference parameters', () => {
    const spec = shape(execCommandToolSpec());
    assert.deepEqual(spec, {
      type: 'function',
      name: 'exec_command',
      strict: false,
      properties: {
        cmd: { type: 'string' },
        justification: { type: 'string' },
        login: { type: 'boolean' },
        max_output_tokens: { type: 'number' },
        prefix_rule: { type: 'array', items: { type: 'string' } },
        sandbox_permissions: { type: 'string', enum: ['use_default', 'require_escalated'] },
        shell: { type: 'string' },
        tty: { type: 'boolean' },
        workdir: { type: 'string' },
        yield_time_ms: { type: 'number' },
      },
      required: ['cmd'],
      additionalProperties: false,
    });
    assert.ok(
      !('login' in (execCommandToolSpec({ allowLoginShell: false }) as unknown as FunctionSpec).parameters.properties),
    );
  });

  it('offers write_stdin with the reference parameters', () => {
    assert.deepEqual(shape(writeStdinToolSpec()), {
      type: 'function',
      name: 'write_stdin',
      strict: false,
      properties: {
        chars: { type: 'string' },
        max_output_tokens: { type: 'number' },
        session_id: { type: 'number' },
        yield_time_ms: { type: 'number' },
      },
      required: ['session_id'],
      additionalProperties: false,
    });
  });
});
