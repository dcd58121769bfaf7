import type { NotificationDefinition, RequestDefinition } from './registry-types.js';

/** The `fs/*` methods (PROTOCOL §3.1), merged into ClientRequests / ServerNotifications by registry.ts. */
export const FsRequests = {} as const satisfies Record<string, RequestDefinition>;
export const FsNotifications = {} as const satisfies Record<string, NotificationDefinition>;
