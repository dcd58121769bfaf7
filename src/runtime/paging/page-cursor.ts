import type * as z from 'zod';
import { InvalidCursorError } from '../../persistence/errors.js';

/**
 * Reads a paging cursor of thread `threadId` (canonical id): JSON of `schema`'s shape naming the thread in
 * `requestedThreadId`. A cursor that is not JSON, has another shape (another method's cursor), or names another
 * thread is refused like a malformed one [observed]; ids compare case-insensitively.
 * @throws InvalidCursorError (`invalid cursor: <value>`)
 */
export function parseThreadCursor<S extends z.ZodType<{ requestedThreadId: string }>>(
  raw: string,
  threadId: string,
  schema: S,
): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidCursorError(raw);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success || parsed.data.requestedThreadId.toLowerCase() !== threadId) throw new InvalidCursorError(raw);
  return parsed.data;
}
