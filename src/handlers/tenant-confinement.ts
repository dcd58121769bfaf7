import { isAbsolute, resolve } from 'node:path';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { landsInside } from '../tools/sandbox/command-jail.js';
import type { HandlerContext, HandlerTable, RequestHandler } from './context.js';

/*
 * A tenant (beyond the reference; `--tenant-claim`) gets its own handler table, built over its own CODEX_HOME
 * subtree and with its workspace as the server cwd. That already separates its threads, notifications, read
 * receipts and auth. This wrapper closes what remains open in the handlers themselves: fs/*, command/exec and process/spawn
 * reach only the tenant's workspace (and threads and turns cannot move their cwd out of it), the shared config.toml cannot be written, and a thread cannot bring its own
 * model provider (which could name any of the server's environment variables as its key and send it anywhere).
 */

/** Methods that would change what every tenant shares. */
const REFUSED_METHODS: readonly string[] = [
  ClientRequests.configValueWrite.method,
  ClientRequests.configBatchWrite.method,
];

/** Param names holding a path, per fs/* method. */
const PATH_PARAMS: ReadonlyMap<string, readonly string[]> = new Map([
  [ClientRequests.fsReadFile.method, ['path']],
  [ClientRequests.fsWriteFile.method, ['path']],
  [ClientRequests.fsCreateDirectory.method, ['path']],
  [ClientRequests.fsGetMetadata.method, ['path']],
  [ClientRequests.fsReadDirectory.method, ['path']],
  [ClientRequests.fsRemove.method, ['path']],
  [ClientRequests.fsCopy.method, ['sourcePath', 'destinationPath']],
  [ClientRequests.fsWatch.method, ['path']],
]);

/** Methods with a `cwd` param: where the agent's or a standalone command runs. */
const CWD_METHODS: readonly string[] = [
  ClientRequests.commandExec.method,
  ClientRequests.processSpawn.method,
  ClientRequests.threadStart.method,
  ClientRequests.threadResume.method,
  ClientRequests.threadFork.method,
  ClientRequests.turnStart.method,
  // Reads project files (.codex/config.toml) from the cwd.
  ClientRequests.configRead.method,
];

/** Methods with a `cwds` list: projects whose files (skills, hooks) they read. */
const CWDS_METHODS: readonly string[] = [ClientRequests.skillsList.method, ClientRequests.hooksList.method];

/** Thread methods whose `config` overrides could pick a provider. */
const THREAD_CONFIG_METHODS: readonly string[] = [
  ClientRequests.threadStart.method,
  ClientRequests.threadResume.method,
  ClientRequests.threadFork.method,
];

/** Config keys a tenant may not override: they choose where model requests go and with which key. */
const PROVIDER_KEYS = /^(model_providers?|profiles?|openai_base_url|chatgpt_base_url)(\.|$)/;

/**
 * Fields that make an MCP server a process the server starts: a tenant may not bring its own (it would run a
 * program of its choosing outside the tools' approvals); the operator's servers are started for it, jailed.
 */
const STDIO_SERVER_FIELDS = new Set(['command', 'args', 'env', 'env_vars', 'cwd']);

/** The override `key` (a dotted path) with `value`, when it configures a stdio MCP server: the offending path. */
function stdioServerOverride(key: string, value: unknown): string | null {
  const path = key.split('.');
  if (path[0] !== 'mcp_servers') return null;
  // `mcp_servers`, `mcp_servers.<name>` or `mcp_servers.<name>.<field>`: look for the field at its depth.
  const walk = (node: unknown, depth: number, at: string): string | null => {
    if (depth >= 2) return STDIO_SERVER_FIELDS.has(at.split('.')[2] ?? '') ? at : null;
    if (typeof node !== 'object' || node === null) return null;
    for (const [name, child] of Object.entries(node)) {
      const found = walk(child, depth + 1, `${at}.${name}`);
      if (found !== null) return found;
    }
    return null;
  };
  return walk(value, path.length - 1, key);
}

/** Refuses `path` unless it lands inside `root` (already canonical). Relative paths are left to the handler. */
function checkPath(path: unknown, root: string): void {
  if (typeof path !== 'string' || !isAbsolute(path)) return;
  if (!landsInside(path, [root])) {
    throw RpcErrors.badRequest(`path \`${path}\` is outside this tenant's workspace`);
  }
}

function wrap(
  handler: RequestHandler,
  check: (params: Record<string, unknown>) => void,
): RequestHandler {
  return {
    definition: handler.definition,
    handle: (params: unknown, context: HandlerContext) => {
      check((params ?? {}) as Record<string, unknown>);
      return handler.handle(params as never, context);
    },
  };
}

/**
 * The handler table of a tenant whose workspace is `workspaceRoot` (canonical, existing): every handler of
 * `table`, with the checks above in front of the ones that need them.
 */
export function confineToTenant(table: HandlerTable, workspaceRoot: string): HandlerTable {
  const confined = new Map(table);
  for (const method of REFUSED_METHODS) {
    const handler = table.get(method);
    if (!handler) continue;
    confined.set(
      method,
      wrap(handler, () => {
        throw RpcErrors.badRequest(`${method} is not available to tenants: the server's configuration is shared`);
      }),
    );
  }
  for (const [method, keys] of PATH_PARAMS) {
    const handler = table.get(method);
    if (!handler) continue;
    confined.set(
      method,
      wrap(handler, (params) => {
        for (const key of keys) checkPath(params[key], workspaceRoot);
      }),
    );
  }
  for (const method of CWD_METHODS) {
    const handler = confined.get(method);
    if (!handler) continue;
    confined.set(
      method,
      wrap(handler, (params) => {
        // A relative cwd resolves against the server cwd, which is the tenant's workspace.
        if (typeof params['cwd'] === 'string') checkPath(resolve(workspaceRoot, params['cwd']), workspaceRoot);
      }),
    );
  }
  for (const method of CWDS_METHODS) {
    const handler = confined.get(method);
    if (!handler) continue;
    confined.set(
      method,
      wrap(handler, (params) => {
        const cwds = Array.isArray(params['cwds']) ? (params['cwds'] as unknown[]) : [];
        for (const cwd of cwds) if (typeof cwd === 'string') checkPath(resolve(workspaceRoot, cwd), workspaceRoot);
      }),
    );
  }
  for (const method of THREAD_CONFIG_METHODS) {
    const handler = confined.get(method);
    if (!handler) continue;
    confined.set(
      method,
      wrap(handler, (params) => {
        const overrides = params['config'];
        if (typeof overrides !== 'object' || overrides === null) return;
        const refused = Object.keys(overrides).find((key) => PROVIDER_KEYS.test(key));
        if (refused !== undefined) {
          throw RpcErrors.badRequest(`config override \`${refused}\` is not available to tenants`);
        }
        for (const [key, value] of Object.entries(overrides)) {
          const stdio = stdioServerOverride(key, value);
          if (stdio !== null) throw RpcErrors.badRequest(`config override \`${stdio}\` is not available to tenants`);
        }
      }),
    );
  }
  return confined;
}
