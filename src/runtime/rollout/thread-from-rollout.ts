import type { ResponseItem } from '../../model/events.js';
import type { RolloutContent } from '../../persistence/rollout-reader.js';
import type { SandboxPolicy } from '../../protocol/v2/policies.js';
import type { ThreadTokenUsage } from '../../protocol/v2/thread-notifications.js';
import { resolveThreadSettings, sandboxPolicyFor } from '../threads/thread-settings.js';
import type { SessionOverrides, ThreadSettings } from '../threads/thread-settings.js';

/**
 * A stored thread's state rebuilt from its rollout (resume, fork): the model history, the token usage, the
 * settings it last ran with. Turns are rebuilt by rollout-turns.ts.
 */

/** The conversation a resumed thread continues: every response item, as sent to the model. */
export function historyFromRollout(content: RolloutContent): ResponseItem[] {
  let history: ResponseItem[] = [];
  for (const line of content.lines) {
    if (line.type === 'response_item') {
      const { internal_chat_message_metadata_passthrough: _omitted, ...item } = line.payload;
      history.push(item as ResponseItem);
    } else if (line.type === 'compacted' && line.payload.replacement_history) {
      history = line.payload.replacement_history.map((item) => ({ ...item }) as ResponseItem);
    }
  }
  return history;
}

/** The thread's token usage as of its last `token_count` event. */
export function tokenUsageFromRollout(content: RolloutContent): ThreadTokenUsage | null {
  for (let i = content.lines.length - 1; i >= 0; i--) {
    const line = content.lines[i];
    if (line?.type !== 'event_msg' || line.payload.type !== 'token_count') continue;
    const info = line.payload['info'] as Record<string, unknown> | null | undefined;
    if (!info) continue;
    const total = wireUsage(info['total_token_usage']);
    const last = wireUsage(info['last_token_usage']);
    if (total === null || last === null) continue;
    const window = info['model_context_window'];
    return { total, last, modelContextWindow: typeof window === 'number' ? window : null };
  }
  return null;
}

function wireUsage(value: unknown): ThreadTokenUsage['total'] | null {
  if (typeof value !== 'object' || value === null) return null;
  const usage = value as Record<string, unknown>;
  const number = (key: string) => (typeof usage[key] === 'number' ? (usage[key] as number) : 0);
  return {
    totalTokens: number('total_tokens'),
    inputTokens: number('input_tokens'),
    cachedInputTokens: number('cached_input_tokens'),
    cacheWriteInputTokens: number('cache_write_input_tokens'),
    outputTokens: number('output_tokens'),
    reasoningOutputTokens: number('reasoning_output_tokens'),
  };
}

/**
 * A stored thread's settings: config.toml's, then what its rollout says it last ran with (cwd, model,
 * approval and sandbox policy of the last turn_context), then the resume overrides.
 */
export function settingsFromRollout(
  content: RolloutContent,
  options: { readonly config: { readonly table: Readonly<Record<string, unknown>> }; readonly serverCwd: string },
  overrides: SessionOverrides,
): ThreadSettings {
  let lastContext: Record<string, unknown> | undefined;
  for (const line of content.lines) if (line.type === 'turn_context') lastContext = line.payload;
  const persisted: SessionOverrides = {
    cwd: typeof lastContext?.['cwd'] === 'string' ? lastContext['cwd'] : content.meta.cwd,
    ...(typeof lastContext?.['model'] === 'string' ? { model: lastContext['model'] } : {}),
    ...(content.meta.model_provider ? { modelProvider: content.meta.model_provider } : {}),
    runtimeWorkspaceRoots: content.meta.runtime_workspace_roots ?? null,
  };
  const settings = resolveThreadSettings(
    options.config.table,
    { ...persisted, ...definedOnly(overrides) },
    options.serverCwd,
  );
  const approval = lastContext?.['approval_policy'];
  const sandbox = sandboxFromRollout(lastContext?.['sandbox_policy'], settings);
  const effort = lastContext?.['effort'];
  return {
    ...settings,
    ...(overrides.approvalPolicy == null && (approval === 'untrusted' || approval === 'on-request' || approval === 'never')
      ? { approvalPolicy: approval }
      : {}),
    ...(overrides.sandbox == null && sandbox !== null ? { sandboxPolicy: sandbox, activePermissionProfile: null } : {}),
    ...(overrides.config?.['model_reasoning_effort'] === undefined && typeof effort === 'string'
      ? { reasoningEffort: effort }
      : {}),
  };
}

function sandboxFromRollout(value: unknown, settings: ThreadSettings): SandboxPolicy | null {
  if (typeof value !== 'object' || value === null) return null;
  switch ((value as { type?: unknown }).type) {
    case 'read-only':
      return sandboxPolicyFor('read-only', settings.config);
    case 'workspace-write':
      return sandboxPolicyFor('workspace-write', settings.config);
    case 'danger-full-access':
      return sandboxPolicyFor('danger-full-access', settings.config);
    default:
      return null;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
