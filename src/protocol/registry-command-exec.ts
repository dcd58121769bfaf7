import { defineNotification, defineRequest } from './registry-types.js';
import type { NotificationDefinition, RequestDefinition } from './registry-types.js';
import * as exec from './v2/command-exec.js';

/**
 * The `command/exec*` methods (docs/protocol.md#standalone-commands), merged into ClientRequests / ServerNotifications
 * by registry.ts.
 */
export const CommandExecRequests = {
  commandExec: defineRequest('command/exec', exec.CommandExecParamsSchema, exec.CommandExecResponseSchema, {
    experimentalFields: exec.COMMAND_EXEC_EXPERIMENTAL_FIELDS,
  }),
  commandExecWrite: defineRequest(
    'command/exec/write',
    exec.CommandExecWriteParamsSchema,
    exec.CommandExecWriteResponseSchema,
  ),
  commandExecResize: defineRequest(
    'command/exec/resize',
    exec.CommandExecResizeParamsSchema,
    exec.CommandExecResizeResponseSchema,
  ),
  commandExecTerminate: defineRequest(
    'command/exec/terminate',
    exec.CommandExecTerminateParamsSchema,
    exec.CommandExecTerminateResponseSchema,
  ),
} as const satisfies Record<string, RequestDefinition>;

export const CommandExecNotifications = {
  commandExecOutputDelta: defineNotification(
    'command/exec/outputDelta',
    exec.CommandExecOutputDeltaNotificationSchema,
  ),
} as const satisfies Record<string, NotificationDefinition>;
