import type { NotificationDefinition, RequestDefinition } from './registry-types.js';

/**
 * What the terminal UI and other clients call at start-up besides threads (PROTOCOL §4): models, config,
 * skills, hooks, plugins, collaboration modes, account, read state. Merged into ClientRequests /
 * ServerNotifications by registry.ts.
 */
export const ClientSurfaceRequests = {} as const satisfies Record<string, RequestDefinition>;
export const ClientSurfaceNotifications = {} as const satisfies Record<string, NotificationDefinition>;
