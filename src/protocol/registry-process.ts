import { defineNotification, defineRequest } from './registry-types.js';
import type { NotificationDefinition, RequestDefinition } from './registry-types.js';
import * as processes from './v2/process.js';

/**
 * The experimental `process/*` methods (docs/methods.md#processes), merged into ClientRequests / ServerNotifications
 * by registry.ts.
 */
export const ProcessRequests = {
  processSpawn: defineRequest('process/spawn', processes.ProcessSpawnParamsSchema, processes.ProcessSpawnResponseSchema, {
    experimental: true,
  }),
  processWriteStdin: defineRequest(
    'process/writeStdin',
    processes.ProcessWriteStdinParamsSchema,
    processes.ProcessWriteStdinResponseSchema,
    { experimental: true },
  ),
  processResizePty: defineRequest(
    'process/resizePty',
    processes.ProcessResizePtyParamsSchema,
    processes.ProcessResizePtyResponseSchema,
    { experimental: true },
  ),
  processKill: defineRequest('process/kill', processes.ProcessKillParamsSchema, processes.ProcessKillResponseSchema, {
    experimental: true,
  }),
} as const satisfies Record<string, RequestDefinition>;

export const ProcessNotifications = {
  processOutputDelta: defineNotification('process/outputDelta', processes.ProcessOutputDeltaNotificationSchema),
  processExited: defineNotification('process/exited', processes.ProcessExitedNotificationSchema),
} as const satisfies Record<string, NotificationDefinition>;
