import { lazySchema } from '../../../util/lazy-schema.js';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as z from 'zod';
import type { ThreadItem } from '../../../protocol/v2/items.js';
import type { CommandAction, CommandExecutionSource, CommandExecutionStatus } from '../../../protocol/v2/items-tools.js';
import { shlexJoin } from '../../../tools/policy/shlex.js';

/**
 * The core dialect of a `commandExecution` item, as the reference 0.169.0 writes it into a rollout's
 * `item_completed` (probed with a `!` shell command):
 * `{"type":"CommandExecution","id","command":["/bin/bash","-lc","echo hi"],"cwd":"file:///tmp/x",
 *   "parsed_cmd":[{"type":"unknown","cmd":"echo hi"}],"source":"user_shell","status":"completed",
 *   "aggregated_output":"hi\n","exit_code":0,"duration":{"secs":0,"nanos":49025164}}`.
 * The command is an argv (the wire shows it shell-quoted), the cwd a file URL, the duration a Rust `Duration`.
 */

const CoreParsedCommandSchema = lazySchema(() => z.discriminatedUnion('type', [
  z.object({ type: z.literal('read'), cmd: z.string(), name: z.string(), path: z.string() }),
  z.object({ type: z.literal('list_files'), cmd: z.string(), path: z.string().nullish() }),
  z.object({ type: z.literal('search'), cmd: z.string(), query: z.string().nullish(), path: z.string().nullish() }),
  z.object({ type: z.literal('unknown'), cmd: z.string() }),
]));

const CORE_SOURCES = {
  agent: 'agent',
  userShell: 'user_shell',
  unifiedExecStartup: 'unified_exec_startup',
  unifiedExecInteraction: 'unified_exec_interaction',
} as const satisfies Record<CommandExecutionSource, string>;

const CORE_STATUSES = {
  inProgress: 'in_progress',
  completed: 'completed',
  failed: 'failed',
  declined: 'declined',
} as const satisfies Record<CommandExecutionStatus, string>;

export const CoreCommandExecutionSchema = lazySchema(() => z.object({
  type: z.literal('CommandExecution'),
  id: z.string(),
  command: z.array(z.string()),
  cwd: z.string(),
  process_id: z.string().nullish(),
  parsed_cmd: z.array(CoreParsedCommandSchema),
  source: z.enum(Object.values(CORE_SOURCES) as [string, ...string[]]),
  status: z.enum(Object.values(CORE_STATUSES) as [string, ...string[]]),
  aggregated_output: z.string().nullish(),
  exit_code: z.number().int().nullish(),
  duration: z.object({ secs: z.number().int().min(0), nanos: z.number().int().min(0) }).nullish(),
}));
export type CoreCommandExecution = z.input<typeof CoreCommandExecutionSchema>;

type CommandItem = Extract<ThreadItem, { type: 'commandExecution' }>;

/**
 * The core item for a command item. `argv` is the command as run (the wire item only has it shell-quoted).
 */
export function coreCommandExecution(item: CommandItem, argv: readonly string[]): CoreCommandExecution {
  return {
    type: 'CommandExecution',
    id: item.id,
    command: [...argv],
    cwd: pathToFileURL(item.cwd).href,
    ...(item.processId === null ? {} : { process_id: item.processId }),
    parsed_cmd: item.commandActions.map(coreParsedCommand),
    source: CORE_SOURCES[item.source ?? 'agent'],
    status: CORE_STATUSES[item.status],
    ...(item.aggregatedOutput === null ? {} : { aggregated_output: item.aggregatedOutput }),
    ...(item.exitCode === null ? {} : { exit_code: item.exitCode }),
    ...(item.durationMs === null
      ? {}
      : { duration: { secs: Math.floor(item.durationMs / 1000), nanos: (item.durationMs % 1000) * 1_000_000 } }),
  };
}

/** The wire item for a persisted core command item, with the times `item_completed` carried beside it. */
export function commandItemFromCore(
  core: z.output<typeof CoreCommandExecutionSchema>,
  times: { readonly startedAtMs: number | null; readonly completedAtMs: number | null },
): CommandItem {
  const source = (Object.keys(CORE_SOURCES) as CommandExecutionSource[]).find((key) => CORE_SOURCES[key] === core.source);
  const status = (Object.keys(CORE_STATUSES) as CommandExecutionStatus[]).find((key) => CORE_STATUSES[key] === core.status);
  return {
    type: 'commandExecution',
    id: core.id,
    pluginId: null,
    scriptPath: null,
    command: shlexJoin(core.command),
    cwd: core.cwd.startsWith('file:') ? fileURLToPath(core.cwd) : core.cwd,
    processId: core.process_id ?? null,
    source: source ?? 'agent',
    status: status ?? 'completed',
    commandActions: core.parsed_cmd.map(commandActionFromCore),
    aggregatedOutput: core.aggregated_output ?? null,
    exitCode: core.exit_code ?? null,
    durationMs: core.duration == null ? null : core.duration.secs * 1000 + Math.round(core.duration.nanos / 1_000_000),
    startedAtMs: times.startedAtMs,
    completedAtMs: times.completedAtMs,
  };
}

function coreParsedCommand(action: CommandAction): z.input<typeof CoreParsedCommandSchema> {
  switch (action.type) {
    case 'read':
      return { type: 'read', cmd: action.command, name: action.name, path: action.path };
    case 'listFiles':
      return { type: 'list_files', cmd: action.command, path: action.path };
    case 'search':
      return { type: 'search', cmd: action.command, query: action.query, path: action.path };
    case 'unknown':
      return { type: 'unknown', cmd: action.command };
  }
}

function commandActionFromCore(parsed: z.output<typeof CoreParsedCommandSchema>): CommandAction {
  switch (parsed.type) {
    case 'read':
      return { type: 'read', command: parsed.cmd, name: parsed.name, path: parsed.path };
    case 'list_files':
      return { type: 'listFiles', command: parsed.cmd, path: parsed.path ?? null };
    case 'search':
      return { type: 'search', command: parsed.cmd, query: parsed.query ?? null, path: parsed.path ?? null };
    case 'unknown':
      return { type: 'unknown', command: parsed.cmd };
  }
}
