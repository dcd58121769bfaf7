import { defineNotification, defineRequest } from './registry-types.js';
import type { NotificationDefinition, RequestDefinition } from './registry-types.js';
import * as fs from './v2/fs.js';

/**
 * The `fs/*` methods (docs/protocol.md#filesystem), merged into ClientRequests / ServerNotifications by registry.ts.
 */
export const FsRequests = {
  fsReadFile: defineRequest('fs/readFile', fs.FsReadFileParamsSchema, fs.FsReadFileResponseSchema),
  fsWriteFile: defineRequest('fs/writeFile', fs.FsWriteFileParamsSchema, fs.FsWriteFileResponseSchema),
  fsCreateDirectory: defineRequest(
    'fs/createDirectory',
    fs.FsCreateDirectoryParamsSchema,
    fs.FsCreateDirectoryResponseSchema,
  ),
  fsGetMetadata: defineRequest('fs/getMetadata', fs.FsGetMetadataParamsSchema, fs.FsGetMetadataResponseSchema),
  fsReadDirectory: defineRequest('fs/readDirectory', fs.FsReadDirectoryParamsSchema, fs.FsReadDirectoryResponseSchema),
  fsRemove: defineRequest('fs/remove', fs.FsRemoveParamsSchema, fs.FsRemoveResponseSchema),
  fsCopy: defineRequest('fs/copy', fs.FsCopyParamsSchema, fs.FsCopyResponseSchema),
  fsWatch: defineRequest('fs/watch', fs.FsWatchParamsSchema, fs.FsWatchResponseSchema),
  fsUnwatch: defineRequest('fs/unwatch', fs.FsUnwatchParamsSchema, fs.FsUnwatchResponseSchema),
} as const satisfies Record<string, RequestDefinition>;

export const FsNotifications = {
  fsChanged: defineNotification('fs/changed', fs.FsChangedNotificationSchema),
} as const satisfies Record<string, NotificationDefinition>;
