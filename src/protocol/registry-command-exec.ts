import type { NotificationDefinition, RequestDefinition } from './registry-types.js';

/** The `command/exec*` methods (PROTOCOL §3.2), merged into ClientRequests / ServerNotifications by registry.ts. */
export const CommandExecRequests = {} as const satisfies Record<string, RequestDefinition>;
export const CommandExecNotifications = {} as const satisfies Record<string, NotificationDefinition>;
