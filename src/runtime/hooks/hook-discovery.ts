import { lazySchema } from '../../util/lazy-schema.js';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { canonicalJson } from '../../config/layers.js';
import { isPlainTable } from '../../config/schema.js';
import { HOOK_EVENT_NAMES, type HookEventName, type HookMetadata, type HookSource } from '../../protocol/v2/hooks.js';

/** One configuration layer that can declare hooks, lowest precedence first. */
export interface HookLayer {
  readonly source: HookSource;
  /** The file hooks are attributed to (config.toml, or a synthetic path for the command line). */
  readonly configPath: string;
  /** The layer's table; its `hooks` key is read. */
  readonly table: Readonly<Record<string, unknown>>;
  /** Where this layer's `hooks.json` would be, if it can have one. */
  readonly hooksJsonDir: string | null;
}

/**
 * Hooks a plugin package declares: one of its hook files, or one inline table of its manifest. Plugin hooks come
 * after every configuration layer's.
 */
export interface PluginHookSource {
  readonly pluginId: string;
  /** `<plugin id>:<file relative to the package>` or `<plugin id>:plugin.json#hooks[<i>]`: each hook key's start. */
  readonly keySource: string;
  /** The file the hooks are attributed to (the manifest, for inline tables). */
  readonly path: string;
  readonly events: HookEvents;
  /** Appended to each hook's trust hash after a `/`: a change anywhere in the package asks for trust again. */
  readonly packageHash: string;
  /** `${NAME}` placeholders the listed command has replaced (the package's root and data directories). */
  readonly variables: Readonly<Record<string, string>>;
}

/** A hooks table's matcher groups by event, in declaration order. */
export type HookEvents = ReadonlyMap<HookEventName, ReadonlyArray<z.infer<typeof MatcherGroupSchema>>>;

/** Where a run of hooks comes from, as their metadata reports it. */
interface HookOrigin {
  readonly path: string;
  readonly keySource: string;
  readonly source: HookSource;
  readonly pluginId: string | null;
  readonly hashSuffix: string;
  readonly variables: Readonly<Record<string, string>>;
}

export interface DiscoveredHooks {
  readonly hooks: HookMetadata[];
  /** What a plugin hook's command finds in its environment, by hook key; configured hooks have no entry. */
  readonly environments: HookEnvironments;
  readonly warnings: string[];
}

/** Extra environment variables of hook commands, by hook key. */
export type HookEnvironments = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** The reference's default timeout, and the shorter one for events that fire while the session ends. */
const DEFAULT_TIMEOUT_SEC = 600;
const SHUTDOWN_EVENT_TIMEOUT_SEC = 1;
const SHUTDOWN_EVENTS: ReadonlySet<HookEventName> = new Set(['sessionEnd', 'interrupt']);
/** Events that fire for no particular tool or source, so a matcher means nothing and is dropped [observed]. */
const MATCHERLESS_EVENTS: ReadonlySet<HookEventName> = new Set([
  'preModelRequest',
  'postModelRequest',
  'userPromptSubmit',
  'stop',
  'interrupt',
]);

const HandlerSchema = lazySchema(() => z.discriminatedUnion('type', [
  z.object({
    type: z.literal('command'),
    command: z.string(),
    command_windows: z.string().optional(),
    timeout: z.number().int().min(0).optional(),
    async: z.boolean().default(false),
    statusMessage: z.string().optional(),
  }),
  z.object({ type: z.literal('prompt') }).loose(),
  z.object({ type: z.literal('agent') }).loose(),
]));
const MatcherGroupSchema = lazySchema(() => z.object({ matcher: z.string().optional(), hooks: z.array(HandlerSchema).default([]) }));
const EventsSchema = lazySchema(() => z.record(z.string(), z.unknown()).transform((table, ctx) => {
  const events = new Map<HookEventName, z.infer<typeof MatcherGroupSchema>[]>();
  for (const event of HOOK_EVENT_NAMES) {
    const value = table[tomlEventKey(event)];
    if (value === undefined) continue;
    const groups = z.array(MatcherGroupSchema).safeParse(value);
    if (!groups.success) {
      ctx.addIssue({ code: 'custom', message: `${tomlEventKey(event)}: ${groups.error.issues[0]?.message ?? 'invalid'}` });
      return z.NEVER;
    }
    events.set(event, groups.data);
  }
  return events;
}));
const HooksFileSchema = lazySchema(() => z.strictObject({ description: z.string().optional(), hooks: z.record(z.string(), z.unknown()).default({}) }));

/**
 * The hooks the configuration declares, listed as the reference lists them [observed on 0.169.0]: per layer
 * (lowest precedence first) `hooks.json` beside its config.toml, then config.toml's `[hooks]` tables; events in
 * declaration order; each command handler keyed `<file>:<event>:<group>:<handler>`; then the hooks of enabled
 * plugins, keyed from their package (see appendHooks). hook-dispatch.ts runs them.
 */
export async function discoverHooks(
  layers: readonly HookLayer[],
  states: Readonly<Record<string, unknown>>,
  plugins: readonly PluginHookSource[] = [],
): Promise<DiscoveredHooks> {
  const hooks: HookMetadata[] = [];
  const environments = new Map<string, Readonly<Record<string, string>>>();
  const warnings: string[] = [];
  for (const layer of layers) {
    const sources: Array<{ path: string; events: HookEvents }> = [];
    const json = layer.hooksJsonDir === null ? null : await readHooksJson(join(layer.hooksJsonDir, 'hooks.json'), warnings);
    if (json !== null) sources.push(json);
    const toml = tomlHooks(layer, warnings);
    if (toml !== null) sources.push(toml);
    if (json !== null && toml !== null) {
      warnings.push(
        `loading hooks from both ${json.path} and ${toml.path}; prefer a single representation for this layer`,
      );
    }
    for (const { path, events } of sources) {
      const origin = { path, keySource: path, source: layer.source, pluginId: null, hashSuffix: '', variables: {} };
      appendHooks(hooks, warnings, origin, events, states);
    }
  }
  for (const plugin of plugins) {
    const origin = {
      path: plugin.path,
      keySource: plugin.keySource,
      source: 'plugin' as const,
      pluginId: plugin.pluginId,
      hashSuffix: `/${plugin.packageHash}`,
      variables: plugin.variables,
    };
    const first = hooks.length;
    appendHooks(hooks, warnings, origin, plugin.events, states);
    // The package's variables are also in the environment of its commands [observed on 0.169.0]: a script the
    // command runs finds its package and data directories without being passed them.
    for (const hook of hooks.slice(first)) environments.set(hook.key, plugin.variables);
  }
  return { hooks, environments, warnings };
}

/**
 * One entry per command handler of `events`, keyed `<key source>:<event>:<group>:<handler>`, with a hash of its
 * normalised definition that `hooks.state."<key>".trusted_hash` is compared with. Prompt and agent handlers, empty
 * commands and invalid matchers are skipped with the reference's warnings.
 */
function appendHooks(
  hooks: HookMetadata[],
  warnings: string[],
  origin: HookOrigin,
  events: HookEvents,
  states: Readonly<Record<string, unknown>>,
): void {
  const { path } = origin;
  for (const [event, groups] of events) {
    groups.forEach((group, groupIndex) => {
      const matcher = MATCHERLESS_EVENTS.has(event) ? null : (group.matcher ?? null);
      const matcherProblem = matcher === null ? null : invalidMatcher(matcher);
      if (matcherProblem !== null) {
        warnings.push(`invalid matcher ${JSON.stringify(matcher)} in ${path}: regex parse error: ${matcherProblem}`);
        return;
      }
      group.hooks.forEach((handler, handlerIndex) => {
        if (handler.type !== 'command') {
          warnings.push(`skipping ${handler.type} hook in ${path}: ${handler.type} hooks are not supported yet`);
          return;
        }
        if (handler.command.trim() === '') {
          warnings.push(`skipping empty hook command in ${path}`);
          return;
        }
        const defaultTimeout = SHUTDOWN_EVENTS.has(event) ? SHUTDOWN_EVENT_TIMEOUT_SEC : DEFAULT_TIMEOUT_SEC;
        const timeoutSec = Math.max(1, handler.timeout ?? defaultTimeout);
        const statusMessage = handler.statusMessage ?? null;
        const key = `${origin.keySource}:${snakeEvent(event)}:${groupIndex}:${handlerIndex}`;
        const state = states[key];
        // The hash covers the command as written, before the package's placeholders are filled in.
        const currentHash =
          hookHash(event, matcher, {
            type: 'command',
            command: handler.command,
            timeout: timeoutSec,
            async: handler.async,
            ...(statusMessage === null ? {} : { statusMessage }),
          }) + origin.hashSuffix;
        const trustedHash = isPlainTable(state) && typeof state['trusted_hash'] === 'string' ? state['trusted_hash'] : null;
        hooks.push({
          key,
          eventName: event,
          handlerType: 'command',
          command: fillPlaceholders(handler.command, origin.variables),
          async: handler.async,
          matcher,
          timeoutSec,
          statusMessage,
          additionalContextLimit: null,
          sourcePath: path,
          source: origin.source,
          pluginId: origin.pluginId,
          environmentId: null,
          displayOrder: hooks.length,
          enabled: !(isPlainTable(state) && state['enabled'] === false),
          isManaged: false,
          currentHash,
          trustStatus: trustedHash === null ? 'untrusted' : trustedHash === currentHash ? 'trusted' : 'modified',
        });
      });
    });
  }
}

/** `${NAME}` → its value, for each variable; `$NAME` without braces is left alone [observed]. */
function fillPlaceholders(command: string, variables: Readonly<Record<string, string>>): string {
  return Object.entries(variables).reduce((text, [name, value]) => text.replaceAll(`\${${name}}`, value), command);
}

/**
 * A hooks file's content (`{"description"?, "hooks": {<Event>: [groups]}}`) as events, or the reason it is not
 * one.
 */
export function parseHooksFile(value: unknown): { events: HookEvents } | { problem: string } {
  const file = HooksFileSchema.safeParse(value);
  const events = file.success ? EventsSchema.safeParse(file.data.hooks) : null;
  if (file.success && events?.success) return { events: events.data };
  return { problem: (file.success ? events?.error : file.error)?.issues[0]?.message ?? 'invalid hooks file' };
}

async function readHooksJson(
  path: string,
  warnings: string[],
): Promise<{ path: string; events: HookEvents } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if (code !== 'ENOENT') warnings.push(`failed to read hooks config ${path}: ${String(error)}`);
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    warnings.push(`failed to parse hooks config ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  const file = parseHooksFile(parsed);
  if ('problem' in file) {
    warnings.push(`failed to parse hooks config ${path}: ${file.problem}`);
    return null;
  }
  return file.events.size === 0 ? null : { path, events: file.events };
}

function tomlHooks(
  layer: HookLayer,
  warnings: string[],
): { path: string; events: HookEvents } | null {
  const table = layer.table['hooks'];
  if (table === undefined) return null;
  const events = EventsSchema.safeParse(table);
  if (!events.success) {
    warnings.push(`failed to parse TOML hooks in ${layer.configPath}: ${events.error.issues[0]?.message ?? 'invalid'}`);
    return null;
  }
  return events.data.size === 0 ? null : { path: layer.configPath, events: events.data };
}

/** `*` matches everything; anything else is a regular expression. */
function invalidMatcher(matcher: string): string | null {
  if (matcher === '*' || matcher === '') return null;
  try {
    new RegExp(matcher);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** `preToolUse` → `PreToolUse`, the event's key in config.toml and hooks.json. */
export function tomlEventKey(event: HookEventName): string {
  return event.charAt(0).toUpperCase() + event.slice(1);
}

/** `preToolUse` → `pre_tool_use`, the event's label in hook keys and hashes. */
export function snakeEvent(event: HookEventName): string {
  return event.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * The reference's trust identity [verified against its answers]: `sha256:` + SHA-256 of the compact, key-sorted
 * JSON of `{event_name, matcher?, hooks: [normalised handler]}`, so an edit to the command, matcher, timeout or
 * message changes it and a moved or reformatted hook does not.
 */
function hookHash(event: HookEventName, matcher: string | null, handler: Record<string, unknown>): string {
  const identity: Record<string, unknown> = { event_name: snakeEvent(event), hooks: [handler] };
  if (matcher !== null) identity['matcher'] = matcher;
  return `sha256:${createHash('sha256').update(canonicalJson(identity)).digest('hex')}`;
}
