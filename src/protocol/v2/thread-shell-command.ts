import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Int64Schema } from '../common.js';

/** thread/shellCommand: the user's own `!` command, run in the thread's directory without sandbox or approval. */
export const ThreadShellCommandParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    command: z
      .string()
      .describe(
        "Shell command string evaluated by the thread's configured shell, shell syntax (pipes, redirects, quoting) " +
          'preserved. Runs unsandboxed with full access rather than inheriting the thread sandbox policy.',
      ),
    timeoutMs: Int64Schema.nullable()
      .optional()
      .describe('Maximum execution time in milliseconds; one hour when omitted or null. Zero times out at once.'),
  })
  .meta({ id: 'ThreadShellCommandParams' }));
export type ThreadShellCommandParams = z.infer<typeof ThreadShellCommandParamsSchema>;

export const ThreadShellCommandResponseSchema = lazySchema(() => z.object({}).meta({ id: 'ThreadShellCommandResponse' }));
export type ThreadShellCommandResponse = z.infer<typeof ThreadShellCommandResponseSchema>;
