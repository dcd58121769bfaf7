import { utimes } from 'node:fs/promises';
import { rolloutPath } from '../../../src/persistence/layout.js';
import { RolloutWriter } from '../../../src/persistence/rollout-writer.js';
import type { RolloutItem, SessionMeta, SessionSource } from '../../../src/persistence/rollout-schema.js';

/** Typed builders for synthetic rollouts (persistence tests only). */

/** A deterministic, well-formed thread id for test thread `n` (not ordered like `n`). */
export function testThreadId(n: number): string {
  const scrambled = ((n * 2654435761) >>> 0).toString(16).padStart(8, '0');
  return `${scrambled}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function sessionMeta(id: string, overrides: Partial<SessionMeta> = {}): SessionMeta {
  return {
    id,
    session_id: id,
    timestamp: '2026-11-22T08:00:00.000Z',
    cwd: '/work/project',
    originator: 'test_client',
    cli_version: '0.169.0',
    source: 'vscode',
    model_provider: 'mock',
    history_mode: 'paginated',
    ...overrides,
  };
}

/** The response_item a user message becomes in 0.169.0 (content kind `user.text`). */
export function userMessage(text: string, turnId = 'turn-1'): RolloutItem {
  return {
    type: 'response_item',
    payload: {
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text }],
      internal_chat_message_metadata_passthrough: { turn_id: turnId, content_item_kinds: ['user.text'] },
    },
    metadata: { history_sequence: 1, client_authored: false },
  };
}

export function turnContext(model = 'mock-model', cwd = '/work/project'): RolloutItem {
  return { type: 'turn_context', payload: { turn_id: 'turn-1', cwd, model, approval_policy: 'never' } };
}

export function event(type: string, fields: Record<string, unknown> = {}): RolloutItem {
  return { type: 'event_msg', payload: { type, ...fields } };
}

export interface SyntheticThread {
  readonly n: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly cwd?: string;
  readonly provider?: string;
  readonly source?: SessionSource;
  /** `null`: the rollout has no user message. */
  readonly userText?: string | null;
}

/**
 * Writes one synthetic rollout with the real writer (fake clock), then sets its mtime to `updatedAtMs`.
 * Returns the path.
 */
export async function writeSyntheticThread(codexHome: string, spec: SyntheticThread): Promise<string> {
  const id = testThreadId(spec.n);
  const created = new Date(spec.createdAtMs);
  const path = rolloutPath(codexHome, id, created);
  const writer = RolloutWriter.create({
    path,
    sessionMeta: sessionMeta(id, {
      timestamp: created.toISOString(),
      cwd: spec.cwd ?? '/work/project',
      model_provider: spec.provider ?? 'mock',
      source: spec.source ?? 'vscode',
    }),
    now: () => spec.createdAtMs,
  });
  const items: RolloutItem[] = [event('task_started', { turn_id: 'turn-1' }), turnContext('mock-model', spec.cwd)];
  const text = spec.userText === undefined ? `thread ${spec.n} says hi` : spec.userText;
  if (text !== null) items.push(userMessage(text));
  items.push(event('task_complete', { turn_id: 'turn-1' }));
  await writer.appendBatch(items);
  await writer.close();
  const updated = new Date(spec.updatedAtMs);
  await utimes(path, updated, updated);
  return path;
}
