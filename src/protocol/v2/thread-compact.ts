import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

/** `thread/compact/start`: compacts a loaded thread's conversation in a turn of its own. */
export const ThreadCompactStartParamsSchema = lazySchema(() => z.object({ threadId: z.string() }).meta({ id: 'ThreadCompactStartParams' }));
export type ThreadCompactStartParams = z.infer<typeof ThreadCompactStartParamsSchema>;

/** Answered at once; the compaction turn's notifications follow. */
export const ThreadCompactStartResponseSchema = lazySchema(() => z.object({}).meta({ id: 'ThreadCompactStartResponse' }));
export type ThreadCompactStartResponse = z.infer<typeof ThreadCompactStartResponseSchema>;
