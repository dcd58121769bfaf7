/** The MCP SDK module, loaded on first use (never statically imported: the bundle then evaluates it lazily). */
export type McpSdk = typeof import('./mcp-sdk.js');

let loading: Promise<McpSdk> | undefined;

export function loadMcpSdk(): Promise<McpSdk> {
  loading ??= import('./mcp-sdk.js');
  return loading;
}
