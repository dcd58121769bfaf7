import { lazySchema } from '../util/lazy-schema.js';
import * as z from 'zod';

/** A JSON-RPC request id: the client's own string or integer, echoed back with its type. */
export const RequestIdSchema = lazySchema(() => z.union([z.string(), z.number().int().meta({ format: 'int64' })]).meta({ id: 'RequestId' }));
export type RequestId = z.infer<typeof RequestIdSchema>;

/** An absolute, normalized filesystem path. Relative paths are rejected where the reference rejects them. */
export const AbsolutePathSchema = lazySchema(() => z
  .string()
  .meta({ id: 'AbsolutePathBuf', description: 'A path that is guaranteed to be absolute and normalized.' }));

/** u32 as the reference's serde types it: non-negative integer; its JSON Schema says `format: uint32`. */
export const Uint32Schema = lazySchema(() => z.number().int().min(0).max(4294967295).meta({ format: 'uint32' }));

/** u64/i64-ish counters and timestamps (JSON numbers). */
export const Int64Schema = lazySchema(() => z.number().int().meta({ format: 'int64' }));

/** Unix milliseconds. */
export const UnixMsSchema = lazySchema(() => z.number().int().meta({ format: 'int64' }));

/**
 * Params of a method that takes none (the reference's `()`): absent, null or `{}`; anything else is refused as
 * serde refuses a unit (`invalid type: map, expected unit`).
 */
export const UnitParamsSchema = lazySchema(() => z.strictObject({}).optional());
