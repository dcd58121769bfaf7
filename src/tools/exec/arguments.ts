import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { parseSerdeArguments, type ParsedArguments, type SerdeStruct } from './serde-arguments.js';

/**
 * The model's arguments to `exec_command` and `write_stdin`, as the reference 0.169.0 accepts them (probed):
 * unknown fields are ignored, `null` stands for "omitted" in the optional fields, and integers are Rust's
 * (`yield_time_ms` u64, `max_output_tokens` usize, `session_id` i32).
 */

const U64 = lazySchema(() => z.number().int().min(0));
const I32 = lazySchema(() => z.number().int().min(-2_147_483_648).max(2_147_483_647));

export const SANDBOX_PERMISSIONS = ['use_default', 'require_escalated', 'with_additional_permissions'] as const;

export const ExecCommandArgsSchema = lazySchema(() => z.object({
  cmd: z.string(),
  workdir: z.string().nullish(),
  shell: z.string().nullish(),
  login: z.boolean().nullish(),
  tty: z.boolean().optional(),
  yield_time_ms: U64.optional(),
  max_output_tokens: U64.nullish(),
  sandbox_permissions: z.enum(SANDBOX_PERMISSIONS).nullish(),
  /** A permission profile the command asks for (the approval flow reads it; unified exec does not). */
  additional_permissions: z.looseObject({}).nullish(),
  justification: z.string().nullish(),
  prefix_rule: z.array(z.string()).nullish(),
}));
export type ExecCommandArgs = z.infer<typeof ExecCommandArgsSchema>;

const EXEC_COMMAND_SERDE: SerdeStruct = {
  name: 'ExecCommandArgs',
  fields: {
    cmd: { kind: 'string' },
    workdir: { kind: 'string' },
    shell: { kind: 'string' },
    login: { kind: 'bool' },
    tty: { kind: 'bool' },
    yield_time_ms: { kind: 'integer', type: 'u64' },
    max_output_tokens: { kind: 'integer', type: 'usize' },
    sandbox_permissions: { kind: 'enum', variants: SANDBOX_PERMISSIONS },
    additional_permissions: { kind: 'struct', name: 'AdditionalPermissionProfile' },
    justification: { kind: 'string' },
    prefix_rule: { kind: 'stringSequence' },
  },
  firstPassFields: ['workdir'],
};

/**
 * Only `session_id` is checked strictly: the reference accepts `"chars": 5` or `"yield_time_ms": null` and uses
 * the defaults (probed), so a wrong type in the other fields reads as "omitted".
 */
export const WriteStdinArgsSchema = lazySchema(() => z.object({
  session_id: I32,
  chars: z.string().nullish().catch(undefined),
  yield_time_ms: U64.nullish().catch(undefined),
  max_output_tokens: U64.nullish().catch(undefined),
}));
export type WriteStdinArgs = z.infer<typeof WriteStdinArgsSchema>;

const WRITE_STDIN_SERDE: SerdeStruct = {
  name: 'WriteStdinArgs',
  fields: { session_id: { kind: 'integer', type: 'i32' } },
};

/** `exec_command`'s JSON arguments, or the reference's `failed to parse function arguments: …` text. */
export function parseExecCommandArguments(json: string): ParsedArguments<ExecCommandArgs> {
  return parseSerdeArguments(json, ExecCommandArgsSchema, EXEC_COMMAND_SERDE);
}

/** `write_stdin`'s JSON arguments, or the reference's `failed to parse function arguments: …` text. */
export function parseWriteStdinArguments(json: string): ParsedArguments<WriteStdinArgs> {
  return parseSerdeArguments(json, WriteStdinArgsSchema, WRITE_STDIN_SERDE);
}
