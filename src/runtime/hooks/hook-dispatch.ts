import type { HookEventName, HookMetadata, HookRunSummary } from '../../protocol/v2/hooks.js';
import type { HookEnvironments } from './hook-discovery.js';
import { runHookCommand, type HookCommandOptions } from './hook-command.js';
import { readHookOutput, type HookVerdict } from './hook-output.js';

/** One event to run hooks for. */
export interface HookInvocation {
  readonly event: HookEventName;
  /** The JSON document every matched hook reads on stdin. */
  readonly input: Readonly<Record<string, unknown>>;
  /** What a hook's matcher is compared with (a tool's name and aliases, a session source, a trigger). */
  readonly matcherInputs: readonly string[];
  /** The tool call the event is about: its id ends the run ids, as the reference's do. */
  readonly toolUseId?: string;
}

/** Where hooks run, and who hears about them. */
export interface HookSurroundings {
  readonly hooks: readonly HookMetadata[];
  /** Added to `env` for the hooks listed (a plugin's package and data directories). */
  readonly environments: HookEnvironments;
  readonly cwd: string;
  readonly env: HookCommandOptions['env'];
  readonly jail?: HookCommandOptions['jail'];
  readonly signal: AbortSignal;
  /** `hook/started` (status running) and `hook/completed`. */
  readonly started: (run: HookRunSummary) => void;
  readonly completed: (run: HookRunSummary) => void;
  /** Starts an `"async": true` hook in the background (background-hooks.ts); without it, such hooks do not run. */
  readonly startInBackground?: (event: HookEventName, options: Omit<HookCommandOptions, 'signal'>) => void;
}

export interface HookRunResult {
  readonly runId: string;
  readonly verdict: HookVerdict;
}

/**
 * Runs the hooks `invocation` selects — trusted, enabled command hooks of its event whose matcher accepts one of its
 * matcher inputs. The synchronous ones run all at once, each reported by `hook/started` and `hook/completed` (in
 * configured order), and what each asked for is returned; the `"async": true` ones are handed to
 * `startInBackground` first, unreported and not waited for [observed]. Untrusted and modified hooks never run
 * [observed].
 */
export async function dispatchHooks(surroundings: HookSurroundings, invocation: HookInvocation): Promise<HookRunResult[]> {
  const matched = surroundings.hooks.filter(
    (hook) =>
      hook.eventName === invocation.event &&
      hook.enabled &&
      (hook.trustStatus === 'trusted' || hook.trustStatus === 'managed') &&
      matcherAccepts(hook.matcher, invocation.matcherInputs),
  );
  if (matched.length === 0) return [];
  const input = JSON.stringify(invocation.input);
  for (const hook of matched.filter((candidate) => candidate.async)) {
    const { signal: _turnSignal, ...options } = commandOptions(surroundings, hook);
    surroundings.startInBackground?.(hook.eventName, { ...options, input });
  }
  const selected = matched.filter((hook) => !hook.async);
  if (selected.length === 0) return [];
  const runs = selected.map((hook) => {
    const running = runningSummary(hook, invocation);
    surroundings.started(running);
    return { hook, running, result: runHookCommand({ ...commandOptions(surroundings, hook), input }) };
  });
  const results: HookRunResult[] = [];
  for (const { running, result } of runs) {
    const finished = await result;
    const verdict = readHookOutput(invocation.event, finished);
    surroundings.completed({
      ...running,
      status: verdict.status,
      startedAt: Math.floor(finished.startedAtMs / 1000),
      completedAt: Math.floor(finished.completedAtMs / 1000),
      durationMs: finished.completedAtMs - finished.startedAtMs,
      entries: verdict.entries,
    });
    results.push({ runId: running.id, verdict });
  }
  return results;
}

function commandOptions(surroundings: HookSurroundings, hook: HookMetadata): Omit<HookCommandOptions, 'input'> {
  return {
    command: hook.command,
    cwd: surroundings.cwd,
    timeoutSec: hook.timeoutSec,
    env: { ...surroundings.env, ...surroundings.environments.get(hook.key) },
    jail: surroundings.jail,
    signal: surroundings.signal,
  };
}

/** A run as `hook/started` shows it; its id is `<event-in-kebab-case>:<display order>:<source path>[:<call id>]`. */
function runningSummary(hook: HookMetadata, invocation: HookInvocation): HookRunSummary {
  const base = `${kebab(hook.eventName)}:${hook.displayOrder}:${hook.sourcePath}`;
  return {
    id: invocation.toolUseId === undefined ? base : `${base}:${invocation.toolUseId}`,
    eventName: hook.eventName,
    handlerType: 'command',
    executionMode: 'sync',
    // A session's start belongs to the thread; every other event to its turn [observed].
    scope: hook.eventName === 'sessionStart' ? 'thread' : 'turn',
    sourcePath: hook.sourcePath,
    source: hook.source,
    displayOrder: hook.displayOrder,
    status: 'running',
    statusMessage: hook.statusMessage,
    startedAt: Math.floor(Date.now() / 1000),
    completedAt: null,
    durationMs: null,
    entries: [],
  };
}

/**
 * The reference's matcher rules: none, empty or `*` accepts everything; a plain name or `A|B` list compares
 * exactly; anything else is a regular expression that must match the whole input.
 */
export function matcherAccepts(matcher: string | null, inputs: readonly string[]): boolean {
  const pattern = matcher?.trim() ?? '';
  if (pattern === '' || pattern === '*') return true;
  if (/^[\w|\s-]+$/.test(pattern)) {
    const names = pattern.split('|').map((part) => part.trim());
    return inputs.some((input) => names.includes(input));
  }
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${pattern})$`);
  } catch {
    return false;
  }
  return inputs.some((input) => regex.test(input));
}

function kebab(event: HookEventName): string {
  return event.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
