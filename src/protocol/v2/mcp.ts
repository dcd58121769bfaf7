import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Uint32Schema } from '../common.js';
import { DynamicToolCallOutputContentItemSchema } from './items-tools.js';

/*
 * MCP servers as clients see them: `mcpServerStatus/list`, `config/mcpServer/reload`, `mcpServer/tool/call`,
 * `mcpServer/resource/read`, `mcpServer/oauth/login`, the start-up notification, tool-call progress, and the two
 * server requests a tool call can make (`mcpServer/elicitation/request`, `item/tool/call` for client tools).
 * MCP's own objects (tools, resources, contents) are passed through as the server sent them.
 */

const McpObjectSchema = lazySchema(() => z.record(z.string(), z.unknown()));

export const McpServerStatusDetailSchema = lazySchema(() => z.enum(['full', 'toolsAndAuthOnly']).meta({ id: 'McpServerStatusDetail' }));

export const ListMcpServerStatusParamsSchema = lazySchema(() => z
  .object({
    cursor: z.string().nullable().optional().describe('Opaque pagination cursor returned by a previous call.'),
    limit: Uint32Schema.nullable().optional().describe('Optional page size; defaults to a server-defined value.'),
    detail: McpServerStatusDetailSchema.nullable().optional(),
    serverName: z.string().nullable().optional(),
    threadId: z.string().nullable().optional(),
  })
  .meta({ id: 'ListMcpServerStatusParams' }));

export const McpAuthStatusSchema = lazySchema(() => z
  .enum(['unknown', 'unsupported', 'notLoggedIn', 'bearerToken', 'oAuth'])
  .meta({ id: 'McpAuthStatus' }));
export type McpAuthStatus = z.infer<typeof McpAuthStatusSchema>;

export const McpServerConnectionStatusSchema = lazySchema(() => z
  .enum(['notStarted', 'starting', 'connected', 'authenticationRequired', 'failed', 'cancelled', 'disabled'])
  .meta({ id: 'McpServerConnectionStatus' }));
export type McpServerConnectionStatus = z.infer<typeof McpServerConnectionStatusSchema>;

export const McpServerInfoSchema = lazySchema(() => z
  .object({
    name: z.string(),
    version: z.string(),
    title: z.string().nullable().optional(),
    description: z.string().nullable().optional(),
    icons: z.array(z.unknown()).nullable().optional(),
    websiteUrl: z.string().nullable().optional(),
  })
  .meta({ id: 'McpServerInfo' }));
export type McpServerInfo = z.infer<typeof McpServerInfoSchema>;

export const McpServerStatusSchema = lazySchema(() => z
  .object({
    name: z.string(),
    runtimeStatus: McpServerConnectionStatusSchema.nullable().optional(),
    pluginId: z.string().nullable().optional(),
    httpOrigin: z.string().nullable().optional(),
    serverInfo: McpServerInfoSchema.nullable().optional(),
    serverCapabilities: z.unknown().optional(),
    toolListMeta: z.unknown().optional(),
    tools: z.record(z.string(), McpObjectSchema),
    toolsError: z.string().nullable().optional(),
    resources: z.array(McpObjectSchema),
    resourceTemplates: z.array(McpObjectSchema),
    authStatus: McpAuthStatusSchema,
  })
  .meta({ id: 'McpServerStatus' }));
export type McpServerStatus = z.infer<typeof McpServerStatusSchema>;

export const ListMcpServerStatusResponseSchema = lazySchema(() => z
  .object({ data: z.array(McpServerStatusSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ListMcpServerStatusResponse' }));

/** `config/mcpServer/reload` takes no params. */
export const McpServerRefreshParamsSchema = lazySchema(() => z.object({}));
export const McpServerRefreshResponseSchema = lazySchema(() => z.object({}).meta({ id: 'McpServerRefreshResponse' }));

export const McpServerToolCallParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    server: z.string(),
    tool: z.string(),
    arguments: z.unknown().optional(),
    _meta: z.unknown().optional(),
  })
  .meta({ id: 'McpServerToolCallParams' }));

export const McpServerToolCallResponseSchema = lazySchema(() => z
  .object({
    content: z.array(z.unknown()),
    structuredContent: z.unknown().optional(),
    isError: z.boolean().nullable().optional(),
    _meta: z.unknown().optional(),
  })
  .meta({ id: 'McpServerToolCallResponse' }));

export const McpResourceReadParamsSchema = lazySchema(() => z
  .object({
    server: z.string(),
    uri: z.string(),
    threadId: z.string().nullable().optional(),
    connectorId: z.string().nullable().optional(),
    originCallId: z.string().nullable().optional(),
    target: z.unknown().optional(),
    _meta: McpObjectSchema.nullable().optional(),
  })
  .meta({ id: 'McpResourceReadParams' }));

export const McpResourceReadResponseSchema = lazySchema(() => z
  .object({ contents: z.array(McpObjectSchema), originCallId: z.string().nullable().optional() })
  .meta({ id: 'McpResourceReadResponse' }));

export const McpServerOauthLoginParamsSchema = lazySchema(() => z
  .object({
    name: z.string(),
    scopes: z.array(z.string()).nullable().optional(),
    timeoutSecs: z.number().int().nullable().optional(),
    threadId: z.string().nullable().optional(),
    clientRegistration: z.enum(['auto', 'cimd', 'dcr']).nullable().optional(),
  })
  .meta({ id: 'McpServerOauthLoginParams' }));

export const McpServerOauthLoginResponseSchema = lazySchema(() => z
  .object({ authorizationUrl: z.string(), loginId: z.string().nullable().optional() })
  .meta({ id: 'McpServerOauthLoginResponse' }));

export const McpServerStartupStateSchema = lazySchema(() => z
  .enum(['starting', 'ready', 'failed', 'cancelled'])
  .meta({ id: 'McpServerStartupState' }));
export type McpServerStartupState = z.infer<typeof McpServerStartupStateSchema>;

export const McpServerStatusUpdatedNotificationSchema = lazySchema(() => z
  .object({
    threadId: z.string().nullable().optional(),
    name: z.string(),
    status: McpServerStartupStateSchema,
    error: z.string().nullable().optional(),
    failureReason: z.enum(['reauthenticationRequired']).nullable().optional(),
  })
  .meta({ id: 'McpServerStatusUpdatedNotification' }));

export const McpToolCallProgressNotificationSchema = lazySchema(() => z
  .object({ threadId: z.string(), turnId: z.string(), itemId: z.string(), message: z.string() })
  .meta({ id: 'McpToolCallProgressNotification' }));

/** A server's `elicitation/create`, or this server's own approval question for a tool call, put to the client. */
export const McpServerElicitationRequestParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    turnId: z.string().nullable().optional(),
    serverName: z.string(),
    mode: z.enum(['form', 'url']),
    message: z.string(),
    requestedSchema: z.unknown().optional(),
    url: z.string().optional(),
    elicitationId: z.string().optional(),
    _meta: z.unknown().optional(),
  })
  .meta({ id: 'McpServerElicitationRequestParams' }));
export type McpServerElicitationRequestParams = z.infer<typeof McpServerElicitationRequestParamsSchema>;

export const McpServerElicitationRequestResponseSchema = lazySchema(() => z
  .object({
    action: z.enum(['accept', 'decline', 'cancel']),
    content: z.unknown().optional(),
    _meta: z.unknown().optional(),
  })
  .meta({ id: 'McpServerElicitationRequestResponse' }));
export type McpServerElicitationRequestResponse = z.infer<typeof McpServerElicitationRequestResponseSchema>;

/** `item/tool/call`: the client runs one of the tools it offered in `thread/start.dynamicTools`. */
export const DynamicToolCallParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    turnId: z.string(),
    callId: z.string(),
    namespace: z.string().nullable(),
    tool: z.string(),
    arguments: z.unknown(),
  })
  .meta({ id: 'DynamicToolCallParams' }));

export const DynamicToolCallResponseSchema = lazySchema(() => z
  .object({ contentItems: z.array(DynamicToolCallOutputContentItemSchema), success: z.boolean() })
  .meta({ id: 'DynamicToolCallResponse' }));
export type DynamicToolCallResponse = z.infer<typeof DynamicToolCallResponseSchema>;

export const McpServerOauthLoginCompletedNotificationSchema = lazySchema(() => z
  .object({
    name: z.string(),
    success: z.boolean(),
    error: z.string().nullable().optional(),
    loginId: z.string().nullable().optional(),
    threadId: z.string().nullable().optional(),
  })
  .meta({ id: 'McpServerOauthLoginCompletedNotification' }));

/** `mcpServer/event/stream/start` (experimental): subscribes to an MCP server's event stream. */
export const McpServerEventStreamStartParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    server: z.string(),
    name: z.string(),
    arguments: z.unknown(),
    subscriptionId: z.string(),
    _meta: z.unknown().optional(),
  })
  .meta({ id: 'McpServerEventStreamStartParams' }));

export const McpServerEventStreamStartResponseSchema = lazySchema(() => z.object({}).meta({ id: 'McpServerEventStreamStartResponse' }));

/** `mcpServer/event/stream/stop` (experimental): ends a subscription. */
export const McpServerEventStreamStopParamsSchema = lazySchema(() => z
  .object({ subscriptionId: z.string() })
  .meta({ id: 'McpServerEventStreamStopParams' }));

export const McpServerEventStreamStopResponseSchema = lazySchema(() => z.object({}).meta({ id: 'McpServerEventStreamStopResponse' }));
