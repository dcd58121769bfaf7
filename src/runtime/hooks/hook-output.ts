import type { HookEventName, HookOutputEntry, HookRunStatus } from '../../protocol/v2/hooks.js';
import type { HookCommandResult } from './hook-command.js';

/** What one hook run asked for, read from its exit status and output. */
export interface HookVerdict {
  readonly status: HookRunStatus;
  readonly entries: HookOutputEntry[];
  /** Text for the model (`additionalContext`, or a prompt hook's plain stdout), each one developer message. */
  readonly contexts: string[];
  /** The hook blocked what the event was about (a tool call; a stop, which continues the turn): its reason. */
  readonly blockReason: string | null;
  /** The hook said `"continue": false`: the turn stops; its `stopReason`, if any. */
  readonly stopped: boolean;
  /** A permissionRequest hook approved the request (`decision.behavior: "allow"`). */
  readonly allowed: boolean;
  /** A preToolUse hook's replacement for the tool's input (`permissionDecision: "allow"` with `updatedInput`). */
  readonly updatedInput: Record<string, unknown> | null;
}

/** How each event reads its hook's output, as the reference reads it [from its source, checked on 0.169.0]. */
interface EventRules {
  /** `hookEventName` as hooks see it, and in the reference's messages. */
  readonly label: string;
  /** The words of `hook returned invalid <words> JSON output`. */
  readonly invalidJsonWords: string;
  /** Whether `additionalContext` reaches the model. */
  readonly context: boolean;
  /** Whether plain (non-JSON) stdout is context for the model. */
  readonly plainTextIsContext: boolean;
  /** Whether plain stdout that is not JSON is an error (the stop hook must answer JSON). */
  readonly plainTextIsError: boolean;
  /** Whether `decision: "block"` and exit status 2 block; and the missing-reason noun for exit status 2. */
  readonly blocks: false | { readonly exitTwoNoun: string };
  /** Whether the output may carry `hookSpecificOutput` (the stop hook's may not: its output is then invalid). */
  readonly specificOutput: boolean;
}

const RULES: Partial<Record<HookEventName, EventRules>> = {
  sessionStart: rules('SessionStart', 'session start', { context: true, plainTextIsContext: true }),
  userPromptSubmit: rules('UserPromptSubmit', 'user prompt submit', {
    context: true,
    plainTextIsContext: true,
    blocks: { exitTwoNoun: 'a blocking reason' },
  }),
  preToolUse: rules('PreToolUse', 'pre-tool-use', { context: true, blocks: { exitTwoNoun: 'a blocking reason' } }),
  permissionRequest: rules('PermissionRequest', 'permission request', { blocks: { exitTwoNoun: 'a blocking reason' } }),
  postToolUse: rules('PostToolUse', 'post-tool-use', { context: true, blocks: { exitTwoNoun: 'a blocking reason' } }),
  preCompact: rules('PreCompact', 'pre compact', {}),
  postCompact: rules('PostCompact', 'post compact', {}),
  stop: rules('Stop', 'stop hook', {
    plainTextIsError: true,
    blocks: { exitTwoNoun: 'a continuation prompt' },
    specificOutput: false,
  }),
};

function rules(label: string, invalidJsonWords: string, options: Partial<Omit<EventRules, 'label' | 'invalidJsonWords'>>): EventRules {
  return {
    label,
    invalidJsonWords,
    context: options.context ?? false,
    plainTextIsContext: options.plainTextIsContext ?? false,
    plainTextIsError: options.plainTextIsError ?? false,
    blocks: options.blocks ?? false,
    specificOutput: options.specificOutput ?? true,
  };
}

/** The name an event has in a hook's input (`hook_event_name`). */
export function hookEventLabel(event: HookEventName): string {
  return RULES[event]?.label ?? event.charAt(0).toUpperCase() + event.slice(1);
}

/**
 * Reads a finished hook: exit status 0 with empty output is a plain success; with JSON output, its fields
 * (`systemMessage`, `continue`/`stopReason`, `decision`/`reason`, `hookSpecificOutput.additionalContext`, and for
 * preToolUse `permissionDecision: "deny"`); exit status 2 blocks with stderr as the reason; anything else failed.
 */
export function readHookOutput(event: HookEventName, result: HookCommandResult): HookVerdict {
  const rule = RULES[event] ?? rules(hookEventLabel(event), event, {});
  const verdict = { status: 'completed' as HookRunStatus, entries: [] as HookOutputEntry[], contexts: [] as string[] };
  const fail = (text: string): HookVerdict => ({
    status: 'failed',
    entries: [...verdict.entries, { kind: 'error', text }],
    contexts: [],
    blockReason: null,
    stopped: false,
    allowed: false,
    updatedInput: null,
  });
  const done = (extra: Partial<HookVerdict> = {}): HookVerdict => ({
    ...verdict,
    blockReason: null,
    stopped: false,
    allowed: false,
    updatedInput: null,
    ...extra,
  });
  if (result.error !== null) return fail(result.error);
  if (result.exitCode === null) return fail('hook exited without a status code');
  if (result.exitCode === 2 && rule.blocks !== false) {
    const reason = result.stderr.trim();
    if (reason === '') return fail(`${rule.label} hook exited with code 2 but did not write ${rule.blocks.exitTwoNoun} to stderr`);
    return done({ status: 'blocked', entries: [{ kind: 'feedback', text: reason }], blockReason: reason });
  }
  if (result.exitCode !== 0) return fail(`hook exited with code ${result.exitCode}`);

  const stdout = result.stdout.trim();
  if (stdout === '') return done();
  const json = parseObject(stdout);
  if (json === null) {
    if (rule.plainTextIsError || /^[[{]/.test(stdout)) return fail(`hook returned invalid ${rule.invalidJsonWords} JSON output`);
    if (rule.plainTextIsContext) {
      verdict.entries.push({ kind: 'context', text: stdout });
      verdict.contexts.push(stdout);
    }
    return done();
  }

  // [observed on 0.169.0: a stop hook answering with hookSpecificOutput failed]
  if (!rule.specificOutput && json['hookSpecificOutput'] !== undefined) {
    return fail(`hook returned invalid ${rule.invalidJsonWords} JSON output`);
  }
  const systemMessage = stringField(json, 'systemMessage');
  if (systemMessage !== null) verdict.entries.push({ kind: 'warning', text: systemMessage });
  const specific = isObject(json['hookSpecificOutput']) ? json['hookSpecificOutput'] : {};
  const context = stringField(specific, 'additionalContext');
  if (context !== null && rule.context) {
    verdict.entries.push({ kind: 'context', text: context });
    verdict.contexts.push(context);
  }
  if (json['continue'] === false) {
    // A tool call cannot be stopped before it runs: the reference reports the answer as a failure [observed].
    if (event === 'preToolUse') return fail(`${rule.label} hook returned unsupported continue:false`);
    const stopReason = stringField(json, 'stopReason');
    if (stopReason !== null) verdict.entries.push({ kind: 'stop', text: stopReason });
    return done({ status: 'stopped', stopped: true });
  }
  if (rule.blocks === false) return done();
  if (event === 'permissionRequest') return permissionDecision(specific, verdict.entries, done);
  // preToolUse speaks Claude Code's newer form too: a `permissionDecision` of deny, with its reason.
  const denied = event === 'preToolUse' && specific['permissionDecision'] === 'deny';
  if (json['decision'] !== 'block' && !denied) {
    const rewrite = specific['permissionDecision'] === 'allow' && isObject(specific['updatedInput']);
    return done(rewrite && event === 'preToolUse' ? { updatedInput: specific['updatedInput'] as Record<string, unknown> } : {});
  }
  const reason = (denied ? stringField(specific, 'permissionDecisionReason') : stringField(json, 'reason'))?.trim() ?? '';
  if (reason === '') return fail(`${rule.label} hook returned decision:block without a non-empty reason`);
  verdict.entries.push({ kind: 'feedback', text: reason });
  return done({ status: 'blocked', blockReason: reason });
}

/** What a hook run in the background (`"async": true`) hands on once it has finished. */
export interface BackgroundHookOutput {
  /** Text for the model, each one developer message. */
  readonly contexts: string[];
  /** `systemMessage`s, each one `warning` notification. */
  readonly warnings: string[];
}

/**
 * Reads a finished background hook as the reference 0.169.0 does [observed]: only a run that exited 0 with output
 * its event accepts hands anything on — its `systemMessage` and its context (`additionalContext`, or a prompt
 * hook's plain stdout). Every decision is ignored (a block, a denial, `continue: false`): the event it would have
 * decided on has passed. A failure, a timeout, a non-zero exit (2 included) and output the event does not accept
 * (invalid JSON; a stop hook's `hookSpecificOutput`) hand on nothing and are reported nowhere.
 */
export function readBackgroundHookOutput(event: HookEventName, result: HookCommandResult): BackgroundHookOutput | null {
  if (result.error !== null || result.exitCode !== 0) return null;
  const rule = RULES[event] ?? rules(hookEventLabel(event), event, {});
  const stdout = result.stdout.trim();
  if (stdout === '') return null;
  const json = parseObject(stdout);
  if (json === null) {
    if (rule.plainTextIsError || /^[[{]/.test(stdout) || !rule.plainTextIsContext) return null;
    return { contexts: [stdout], warnings: [] };
  }
  if (!rule.specificOutput && json['hookSpecificOutput'] !== undefined) return null;
  const systemMessage = stringField(json, 'systemMessage');
  const specific = isObject(json['hookSpecificOutput']) ? json['hookSpecificOutput'] : {};
  const context = rule.context ? stringField(specific, 'additionalContext') : null;
  const output = { contexts: context === null ? [] : [context], warnings: systemMessage === null ? [] : [systemMessage] };
  return output.contexts.length + output.warnings.length === 0 ? null : output;
}

/** A permissionRequest hook's `hookSpecificOutput.decision`: allow, deny (with its message), or no say. */
function permissionDecision(
  specific: Record<string, unknown>,
  entries: HookOutputEntry[],
  done: (extra?: Partial<HookVerdict>) => HookVerdict,
): HookVerdict {
  const decision = isObject(specific['decision']) ? specific['decision'] : {};
  if (decision['behavior'] === 'allow') return done({ allowed: true });
  if (decision['behavior'] !== 'deny') return done();
  const reason = stringField(decision, 'message')?.trim() || 'denied by a PermissionRequest hook';
  entries.push({ kind: 'feedback', text: reason });
  return done({ status: 'blocked', blockReason: reason });
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(object: Record<string, unknown>, key: string): string | null {
  const value = object[key];
  return typeof value === 'string' ? value : null;
}
