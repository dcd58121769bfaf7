/**
 * The parts of the MCP SDK the server calls at run time, in one module that is only ever loaded with `import()`
 * (see loadMcpSdk). The SDK defines hundreds of zod schemas when it is evaluated, which roughly doubled our
 * start-up on a loaded machine; most sessions never start an MCP server, and those that do pay it once, then.
 */
export { Client } from '@modelcontextprotocol/sdk/client/index.js';
export { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
export { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
export {
  discoverOAuthServerInfo,
  exchangeAuthorization,
  refreshAuthorization,
  registerClient,
  startAuthorization,
} from '@modelcontextprotocol/sdk/client/auth.js';
export { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
export { ElicitRequestSchema, ErrorCode, McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
