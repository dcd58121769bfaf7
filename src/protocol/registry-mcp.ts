import { defineNotification, defineRequest } from './registry-types.js';
import type { NotificationDefinition, RequestDefinition } from './registry-types.js';
import * as mcp from './v2/mcp.js';

/** MCP servers and client-provided tools, merged into the tables of registry.ts. */
export const McpRequests = {
  mcpServerStatusList: defineRequest(
    'mcpServerStatus/list',
    mcp.ListMcpServerStatusParamsSchema,
    mcp.ListMcpServerStatusResponseSchema,
  ),
  mcpServerReload: defineRequest(
    'config/mcpServer/reload',
    mcp.McpServerRefreshParamsSchema,
    mcp.McpServerRefreshResponseSchema,
  ),
  mcpServerToolCall: defineRequest(
    'mcpServer/tool/call',
    mcp.McpServerToolCallParamsSchema,
    mcp.McpServerToolCallResponseSchema,
  ),
  mcpServerResourceRead: defineRequest(
    'mcpServer/resource/read',
    mcp.McpResourceReadParamsSchema,
    mcp.McpResourceReadResponseSchema,
  ),
  mcpServerOauthLogin: defineRequest(
    'mcpServer/oauth/login',
    mcp.McpServerOauthLoginParamsSchema,
    mcp.McpServerOauthLoginResponseSchema,
  ),
  mcpServerEventStreamStart: defineRequest(
    'mcpServer/event/stream/start',
    mcp.McpServerEventStreamStartParamsSchema,
    mcp.McpServerEventStreamStartResponseSchema,
    { experimental: true },
  ),
  mcpServerEventStreamStop: defineRequest(
    'mcpServer/event/stream/stop',
    mcp.McpServerEventStreamStopParamsSchema,
    mcp.McpServerEventStreamStopResponseSchema,
    { experimental: true },
  ),
} as const satisfies Record<string, RequestDefinition>;

export const McpNotifications = {
  mcpServerOauthLoginCompleted: defineNotification(
    'mcpServer/oauthLogin/completed',
    mcp.McpServerOauthLoginCompletedNotificationSchema,
  ),
  mcpServerStartupStatusUpdated: defineNotification(
    'mcpServer/startupStatus/updated',
    mcp.McpServerStatusUpdatedNotificationSchema,
  ),
  mcpToolCallProgress: defineNotification('item/mcpToolCall/progress', mcp.McpToolCallProgressNotificationSchema),
} as const satisfies Record<string, NotificationDefinition>;

export const McpServerRequests = {
  mcpServerElicitationRequest: defineRequest(
    'mcpServer/elicitation/request',
    mcp.McpServerElicitationRequestParamsSchema,
    mcp.McpServerElicitationRequestResponseSchema,
  ),
  dynamicToolCall: defineRequest('item/tool/call', mcp.DynamicToolCallParamsSchema, mcp.DynamicToolCallResponseSchema),
} as const satisfies Record<string, RequestDefinition>;
