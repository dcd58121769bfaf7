import { isPlainTable } from '../../config/schema.js';

/*
 * `[mcp_servers.<name>]` as the reference reads it: a stdio server (`command`, `args`, `env`, `env_vars`, `cwd`)
 * or a streamable HTTP one (`url`, `bearer_token_env_var`, `http_headers`, `env_http_headers`), plus the switches
 * every server has. Read from the thread's effective config, so `-c mcp_servers.x.…` and thread/start `config`
 * apply as they do to any other key.
 */

/** The reference's defaults (seconds) when a server sets no timeout of its own. */
export const DEFAULT_STARTUP_TIMEOUT_SEC = 10;
export const DEFAULT_TOOL_TIMEOUT_SEC = 60;

interface CommonServerConfig {
  readonly name: string;
  readonly enabled: boolean;
  /** A required server that fails to start fails the thread's start-up report (`failed`), as any other does. */
  readonly required: boolean;
  readonly startupTimeoutMs: number;
  readonly toolTimeoutMs: number;
  /** When set, only these tools are offered. */
  readonly enabledTools: readonly string[] | null;
  readonly disabledTools: readonly string[];
}

export interface StdioServerConfig extends CommonServerConfig {
  readonly transport: 'stdio';
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Names of variables passed through from the server's own environment. */
  readonly envVars: readonly string[];
  readonly cwd: string | null;
}

export interface HttpServerConfig extends CommonServerConfig {
  readonly transport: 'http';
  readonly url: string;
  readonly bearerTokenEnvVar: string | null;
  readonly httpHeaders: Readonly<Record<string, string>>;
  /** Header name → environment variable holding its value. */
  readonly envHttpHeaders: Readonly<Record<string, string>>;
}

export type McpServerConfig = StdioServerConfig | HttpServerConfig;

/** A configured server that cannot be used, and why (reported as a failed start-up). */
export interface InvalidServerConfig {
  readonly name: string;
  readonly error: string;
}

export interface McpServerConfigs {
  readonly servers: readonly McpServerConfig[];
  readonly invalid: readonly InvalidServerConfig[];
}

/** The servers of `config.mcp_servers`, in the order the table lists them. */
export function mcpServerConfigs(config: Readonly<Record<string, unknown>>): McpServerConfigs {
  const table = config['mcp_servers'];
  const servers: McpServerConfig[] = [];
  const invalid: InvalidServerConfig[] = [];
  if (!isPlainTable(table)) return { servers, invalid };
  for (const [name, entry] of Object.entries(table)) {
    try {
      servers.push(parseServer(name, entry));
    } catch (error) {
      invalid.push({ name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { servers, invalid };
}

function parseServer(name: string, entry: unknown): McpServerConfig {
  if (!isPlainTable(entry)) throw new Error(`mcp_servers.${name} must be a table`);
  const common: CommonServerConfig = {
    name,
    enabled: optionalBoolean(entry, 'enabled') ?? true,
    required: optionalBoolean(entry, 'required') ?? false,
    startupTimeoutMs: seconds(entry, 'startup_timeout_sec', optionalNumber(entry, 'startup_timeout_ms'), DEFAULT_STARTUP_TIMEOUT_SEC),
    toolTimeoutMs: seconds(entry, 'tool_timeout_sec', undefined, DEFAULT_TOOL_TIMEOUT_SEC),
    enabledTools: optionalStrings(entry, 'enabled_tools') ?? null,
    disabledTools: optionalStrings(entry, 'disabled_tools') ?? [],
  };
  const command = optionalString(entry, 'command');
  const url = optionalString(entry, 'url');
  if (command !== undefined && url !== undefined) {
    throw new Error(`mcp_servers.${name}: set either \`command\` or \`url\`, not both`);
  }
  if (command !== undefined) {
    return {
      ...common,
      transport: 'stdio',
      command,
      args: optionalStrings(entry, 'args') ?? [],
      env: optionalStringMap(entry, 'env') ?? {},
      envVars: optionalStrings(entry, 'env_vars') ?? [],
      cwd: optionalString(entry, 'cwd') ?? null,
    };
  }
  if (url !== undefined) {
    return {
      ...common,
      transport: 'http',
      url,
      bearerTokenEnvVar: optionalString(entry, 'bearer_token_env_var') ?? null,
      httpHeaders: optionalStringMap(entry, 'http_headers') ?? {},
      envHttpHeaders: optionalStringMap(entry, 'env_http_headers') ?? {},
    };
  }
  throw new Error(`mcp_servers.${name}: missing \`command\` (stdio) or \`url\` (streamable HTTP)`);
}

function seconds(entry: Record<string, unknown>, key: string, legacyMs: number | undefined, fallback: number): number {
  const value = optionalNumber(entry, key);
  if (value !== undefined) return Math.round(value * 1000);
  return legacyMs ?? fallback * 1000;
}

function optionalString(entry: Record<string, unknown>, key: string): string | undefined {
  const value = entry[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`${key}: expected a string`);
  return value;
}

function optionalBoolean(entry: Record<string, unknown>, key: string): boolean | undefined {
  const value = entry[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new Error(`${key}: expected a boolean`);
  return value;
}

function optionalNumber(entry: Record<string, unknown>, key: string): number | undefined {
  const value = entry[key];
  if (value === undefined) return undefined;
  const number = typeof value === 'bigint' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) {
    throw new Error(`${key}: expected a non-negative number`);
  }
  return number;
}

function optionalStrings(entry: Record<string, unknown>, key: string): string[] | undefined {
  const value = entry[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Error(`${key}: expected a list of strings`);
  }
  return value as string[];
}

function optionalStringMap(entry: Record<string, unknown>, key: string): Record<string, string> | undefined {
  const value = entry[key];
  if (value === undefined) return undefined;
  if (!isPlainTable(value) || !Object.values(value).every((item) => typeof item === 'string')) {
    throw new Error(`${key}: expected a table of strings`);
  }
  return value as Record<string, string>;
}

/** Whether the server offers `tool` under its `enabled_tools` / `disabled_tools`. */
export function toolAllowed(server: McpServerConfig, tool: string): boolean {
  if (server.enabledTools !== null && !server.enabledTools.includes(tool)) return false;
  return !server.disabledTools.includes(tool);
}
