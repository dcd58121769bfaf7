import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Uint32Schema } from '../common.js';
import { LegacyAppPathStringSchema } from './items-tools.js';

/*
 * `thread/backgroundTerminals/list|terminate|clean` (experimental): the terminal sessions a thread's commands
 * left running after their `exec_command` call returned (the terminal UI lists them when it quits).
 */

export const ThreadBackgroundTerminalSchema = lazySchema(() => z
  .object({
    itemId: z.string(),
    processId: z.string(),
    command: z.string(),
    cwd: LegacyAppPathStringSchema,
    osPid: Uint32Schema.nullable(),
    cpuPercent: z.number().meta({ format: 'double' }).nullable(),
    rssKb: z.number().int().min(0).meta({ format: 'uint64' }).nullable(),
  })
  .meta({ id: 'ThreadBackgroundTerminal' }));
export type ThreadBackgroundTerminal = z.infer<typeof ThreadBackgroundTerminalSchema>;

export const ThreadBackgroundTerminalsListParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    cursor: z.string().nullable().optional().describe('Opaque pagination cursor returned by a previous call.'),
    limit: Uint32Schema.nullable().optional().describe('Optional page size.'),
  })
  .meta({ id: 'ThreadBackgroundTerminalsListParams' }));

export const ThreadBackgroundTerminalsListResponseSchema = lazySchema(() => z
  .object({
    data: z.array(ThreadBackgroundTerminalSchema),
    nextCursor: z
      .string()
      .nullable()
      .describe(
        'Opaque cursor to pass to the next call to continue after the last item. If None, there are no more ' +
          'items to return.',
      ),
  })
  .meta({ id: 'ThreadBackgroundTerminalsListResponse' }));

export const ThreadBackgroundTerminalsTerminateParamsSchema = lazySchema(() => z
  .object({ threadId: z.string(), processId: z.string() })
  .meta({ id: 'ThreadBackgroundTerminalsTerminateParams' }));

export const ThreadBackgroundTerminalsTerminateResponseSchema = lazySchema(() => z
  .object({ terminated: z.boolean() })
  .meta({ id: 'ThreadBackgroundTerminalsTerminateResponse' }));

export const ThreadBackgroundTerminalsCleanParamsSchema = lazySchema(() => z
  .object({ threadId: z.string() })
  .meta({ id: 'ThreadBackgroundTerminalsCleanParams' }));

export const ThreadBackgroundTerminalsCleanResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'ThreadBackgroundTerminalsCleanResponse' }));
