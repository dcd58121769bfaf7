import { lazySchema } from '../../util/lazy-schema.js';
import { posix } from 'node:path';
import * as z from 'zod';
import { AbsolutePathSchema, Int64Schema } from '../common.js';

/*
 * The `fs/*` methods (docs/protocol.md#filesystem): params and results as the reference's 0.169.0 JSON Schema names and
 * describes them. Every path a client sends is an AbsolutePathBuf, which the reference checks and normalizes
 * while deserializing, i.e. before anything else looks at the request.
 */

/** The reference's serde text for a path that is not absolute (empty, `rel/x`, `./x`, `~/x`) [observed]. */
const RELATIVE_PATH_MESSAGE = 'AbsolutePathBuf deserialized without a base path';

/**
 * A client-supplied absolute path, normalized lexically as the reference's AbsolutePathBuf is: `.` and `..`
 * resolved, repeated and trailing slashes dropped (`/d/x/../a.txt/` reads `/d/a.txt` [observed]); symlinks are
 * not resolved. A relative path fails the request with `Invalid request: AbsolutePathBuf deserialized without a
 * base path`. A transform, not a refinement, so that the JSON Schema stays a bare `$ref` to AbsolutePathBuf.
 */
export const ClientPathSchema = lazySchema(() => AbsolutePathSchema.transform((path, context) => {
  if (!posix.isAbsolute(path)) {
    context.issues.push({ code: 'custom', message: RELATIVE_PATH_MESSAGE, input: path });
    return z.NEVER;
  }
  return posix.resolve(path);
}));

export const FsReadFileParamsSchema = lazySchema(() => z
  .object({ path: ClientPathSchema.describe('Absolute path to read.') })
  .meta({ id: 'FsReadFileParams', description: 'Read a file from the host filesystem.' }));
export type FsReadFileParams = z.infer<typeof FsReadFileParamsSchema>;

export const FsReadFileResponseSchema = lazySchema(() => z
  .object({ dataBase64: z.string().describe('File contents encoded as base64.') })
  .meta({ id: 'FsReadFileResponse', description: 'Base64-encoded file contents returned by `fs/readFile`.' }));
export type FsReadFileResponse = z.infer<typeof FsReadFileResponseSchema>;

export const FsWriteFileParamsSchema = lazySchema(() => z
  .object({
    path: ClientPathSchema.describe('Absolute path to write.'),
    dataBase64: z.string().describe('File contents encoded as base64.'),
  })
  .meta({ id: 'FsWriteFileParams', description: 'Write a file on the host filesystem.' }));
export type FsWriteFileParams = z.infer<typeof FsWriteFileParamsSchema>;

export const FsWriteFileResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'FsWriteFileResponse', description: 'Successful response for `fs/writeFile`.' }));
export type FsWriteFileResponse = z.infer<typeof FsWriteFileResponseSchema>;

export const FsCreateDirectoryParamsSchema = lazySchema(() => z
  .object({
    path: ClientPathSchema.describe('Absolute directory path to create.'),
    recursive: z
      .boolean()
      .nullable()
      .optional()
      .describe('Whether parent directories should also be created. Defaults to `true`.'),
  })
  .meta({ id: 'FsCreateDirectoryParams', description: 'Create a directory on the host filesystem.' }));
export type FsCreateDirectoryParams = z.infer<typeof FsCreateDirectoryParamsSchema>;

export const FsCreateDirectoryResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'FsCreateDirectoryResponse', description: 'Successful response for `fs/createDirectory`.' }));
export type FsCreateDirectoryResponse = z.infer<typeof FsCreateDirectoryResponseSchema>;

export const FsGetMetadataParamsSchema = lazySchema(() => z
  .object({ path: ClientPathSchema.describe('Absolute path to inspect.') })
  .meta({ id: 'FsGetMetadataParams', description: 'Request metadata for an absolute path.' }));
export type FsGetMetadataParams = z.infer<typeof FsGetMetadataParamsSchema>;

export const FsGetMetadataResponseSchema = lazySchema(() => z
  .object({
    isDirectory: z.boolean().describe('Whether the path resolves to a directory.'),
    isFile: z.boolean().describe('Whether the path resolves to a regular file.'),
    isSymlink: z.boolean().describe('Whether the path itself is a symbolic link.'),
    createdAtMs: Int64Schema.describe('File creation time in Unix milliseconds when available, otherwise `0`.'),
    modifiedAtMs: Int64Schema.describe('File modification time in Unix milliseconds when available, otherwise `0`.'),
  })
  .meta({ id: 'FsGetMetadataResponse', description: 'Metadata returned by `fs/getMetadata`.' }));
export type FsGetMetadataResponse = z.infer<typeof FsGetMetadataResponseSchema>;

export const FsReadDirectoryParamsSchema = lazySchema(() => z
  .object({ path: ClientPathSchema.describe('Absolute directory path to read.') })
  .meta({ id: 'FsReadDirectoryParams', description: 'List direct child names for a directory.' }));
export type FsReadDirectoryParams = z.infer<typeof FsReadDirectoryParamsSchema>;

export const FsReadDirectoryEntrySchema = lazySchema(() => z
  .object({
    fileName: z.string().describe('Direct child entry name only, not an absolute or relative path.'),
    isDirectory: z.boolean().describe('Whether this entry resolves to a directory.'),
    isFile: z.boolean().describe('Whether this entry resolves to a regular file.'),
  })
  .meta({ id: 'FsReadDirectoryEntry', description: 'A directory entry returned by `fs/readDirectory`.' }));
export type FsReadDirectoryEntry = z.infer<typeof FsReadDirectoryEntrySchema>;

export const FsReadDirectoryResponseSchema = lazySchema(() => z
  .object({
    entries: z.array(FsReadDirectoryEntrySchema).describe('Direct child entries in the requested directory.'),
  })
  .meta({ id: 'FsReadDirectoryResponse', description: 'Directory entries returned by `fs/readDirectory`.' }));
export type FsReadDirectoryResponse = z.infer<typeof FsReadDirectoryResponseSchema>;

export const FsRemoveParamsSchema = lazySchema(() => z
  .object({
    path: ClientPathSchema.describe('Absolute path to remove.'),
    recursive: z
      .boolean()
      .nullable()
      .optional()
      .describe('Whether directory removal should recurse. Defaults to `true`.'),
    force: z.boolean().nullable().optional().describe('Whether missing paths should be ignored. Defaults to `true`.'),
  })
  .meta({ id: 'FsRemoveParams', description: 'Remove a file or directory tree from the host filesystem.' }));
export type FsRemoveParams = z.infer<typeof FsRemoveParamsSchema>;

export const FsRemoveResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'FsRemoveResponse', description: 'Successful response for `fs/remove`.' }));
export type FsRemoveResponse = z.infer<typeof FsRemoveResponseSchema>;

export const FsCopyParamsSchema = lazySchema(() => z
  .object({
    sourcePath: ClientPathSchema.describe('Absolute source path.'),
    destinationPath: ClientPathSchema.describe('Absolute destination path.'),
    // A plain bool with a serde default in the reference: omitted means false, `null` is a type error.
    recursive: z.boolean().optional().describe('Required for directory copies; ignored for file copies.'),
  })
  .meta({ id: 'FsCopyParams', description: 'Copy a file or directory tree on the host filesystem.' }));
export type FsCopyParams = z.infer<typeof FsCopyParamsSchema>;

export const FsCopyResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'FsCopyResponse', description: 'Successful response for `fs/copy`.' }));
export type FsCopyResponse = z.infer<typeof FsCopyResponseSchema>;

export const FsWatchParamsSchema = lazySchema(() => z
  .object({
    watchId: z.string().describe('Connection-scoped watch identifier used for `fs/unwatch` and `fs/changed`.'),
    path: ClientPathSchema.describe('Absolute file or directory path to watch.'),
  })
  .meta({ id: 'FsWatchParams', description: 'Start filesystem watch notifications for an absolute path.' }));
export type FsWatchParams = z.infer<typeof FsWatchParamsSchema>;

export const FsWatchResponseSchema = lazySchema(() => z
  .object({ path: AbsolutePathSchema.describe('Canonicalized path associated with the watch.') })
  .meta({ id: 'FsWatchResponse', description: 'Successful response for `fs/watch`.' }));
export type FsWatchResponse = z.infer<typeof FsWatchResponseSchema>;

export const FsUnwatchParamsSchema = lazySchema(() => z
  .object({ watchId: z.string().describe('Watch identifier previously provided to `fs/watch`.') })
  .meta({ id: 'FsUnwatchParams', description: 'Stop filesystem watch notifications for a prior `fs/watch`.' }));
export type FsUnwatchParams = z.infer<typeof FsUnwatchParamsSchema>;

export const FsUnwatchResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'FsUnwatchResponse', description: 'Successful response for `fs/unwatch`.' }));
export type FsUnwatchResponse = z.infer<typeof FsUnwatchResponseSchema>;

export const FsChangedNotificationSchema = lazySchema(() => z
  .object({
    watchId: z.string().describe('Watch identifier previously provided to `fs/watch`.'),
    changedPaths: z.array(AbsolutePathSchema).describe('File or directory paths associated with this event.'),
  })
  .meta({ id: 'FsChangedNotification', description: 'Filesystem watch notification emitted for `fs/watch` subscribers.' }));
export type FsChangedNotification = z.infer<typeof FsChangedNotificationSchema>;
