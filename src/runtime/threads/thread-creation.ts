import { rolloutPath } from '../../persistence/layout.js';
import { readThreadRollout } from '../../persistence/history-chain.js';
import { RolloutWriter } from '../../persistence/rollout-writer.js';
import type { ThreadSummary } from '../../persistence/thread-index.js';
import type { ResponseItem } from '../../model/events.js';
import type { DynamicToolSpec } from '../../protocol/v2/items-tools.js';
import { uuidv7 } from '../../util/ids.js';
import { COMPATIBLE_CODEX_VERSION } from '../../util/version.js';
import { subAgentLinkOf, type SubAgentLink } from '../agents/sub-agent-link.js';
import { defaultBaseInstructions } from '../prompts/base-instructions.js';
import { sessionMeta } from '../rollout/rollout-records.js';
import { turnsFromRollout } from '../rollout/rollout-turns.js';
import { shareAgentMessageText } from '../rollout/shared-text.js';
import { historyFromRollout, settingsFromRollout, tokenUsageFromRollout } from '../rollout/thread-from-rollout.js';
import { persistedDynamicTools } from '../turn-tools/dynamic-tool.js';
import type { LoadedThreadInit } from './loaded-thread.js';
import type { SessionOverrides, ThreadSettings } from './thread-settings.js';

/*
 * What a loaded thread starts from, in the two ways a thread comes into memory: created new (thread/start, a
 * sub-agent's spawn) or read back from its rollout (thread/resume, a load on demand). The thread manager registers
 * the result; keeping the construction here keeps the manager about which threads are loaded.
 */

/** A thread about to be loaded, without the audience the manager gives it. */
export type ThreadInit = Omit<LoadedThreadInit, 'everyone'>;

/** What thread/start (or a sub-agent's spawn) asks of a new thread besides its settings. */
export interface NewThreadParams {
  readonly ephemeral?: boolean | null | undefined;
  readonly threadSource?: string | null | undefined;
  readonly dynamicTools?: readonly DynamicToolSpec[] | null | undefined;
  readonly subAgent?: SubAgentLink | null | undefined;
  /** A sub-agent that starts with part of its parent's conversation (forkedHistory); the manager records it first. */
  readonly forkedFrom?: { readonly threadId: string; readonly history: readonly ResponseItem[] } | undefined;
}

/**
 * A new thread with `settings`, its rollout writer ready to create the file at the first turn (nothing is written
 * before, as the reference does; an ephemeral thread never writes).
 */
export function newThreadInit(
  codexHome: string,
  params: NewThreadParams,
  settings: ThreadSettings,
  originator: string,
): ThreadInit {
  const id = uuidv7();
  const createdAtMs = Date.now();
  const ephemeral = params.ephemeral === true;
  const baseInstructions = settings.baseInstructions ?? defaultBaseInstructions(settings.model);
  const path = ephemeral ? null : rolloutPath(codexHome, id, new Date(createdAtMs));
  const writer =
    path === null
      ? null
      : RolloutWriter.create({
          path,
          sessionMeta: sessionMeta({
            threadId: id,
            createdAtMs,
            settings,
            originator,
            baseInstructions,
            forkedFromId: params.forkedFrom?.threadId ?? null,
            dynamicTools: params.dynamicTools,
            subAgent: params.subAgent,
          }),
        });
  return {
    id,
    createdAtMs,
    updatedAtMs: createdAtMs,
    ephemeral,
    originator,
    cliVersion: COMPATIBLE_CODEX_VERSION,
    forkedFromId: params.forkedFrom?.threadId ?? null,
    baseInstructions,
    settings,
    rolloutPath: path,
    writer,
    name: null,
    preview: '',
    history: [...(params.forkedFrom?.history ?? [])],
    turns: [],
    tokenUsage: null,
    threadSource: params.threadSource ?? null,
    subAgent: params.subAgent ?? null,
    dynamicTools: params.dynamicTools ?? null,
  };
}

/**
 * A stored thread as its rollout has it (history, turns, settings with the resume `overrides` applied), its writer
 * reopened to append.
 * @throws RolloutFormatError when the rollout cannot be read.
 */
export async function storedThreadInit(
  codexHome: string,
  summary: ThreadSummary,
  settingsContext: Parameters<typeof settingsFromRollout>[1],
  overrides: SessionOverrides,
): Promise<ThreadInit> {
  const content = await readThreadRollout(codexHome, summary.path);
  const writer = await RolloutWriter.resume(summary.path);
  const settings = settingsFromRollout(content, settingsContext, overrides);
  const history = historyFromRollout(content);
  return {
    id: summary.threadId,
    createdAtMs: summary.createdAtMs,
    updatedAtMs: summary.updatedAtMs,
    ephemeral: false,
    originator: summary.originator,
    cliVersion: summary.cliVersion,
    forkedFromId: summary.forkedFromId,
    baseInstructions: content.meta.base_instructions?.text ?? content.meta.instructions ?? defaultBaseInstructions(settings.model),
    settings,
    rolloutPath: summary.path,
    writer,
    name: summary.name,
    preview: summary.preview,
    history,
    turns: shareAgentMessageText(history, turnsFromRollout(content.lines)),
    tokenUsage: tokenUsageFromRollout(content),
    subAgent: subAgentLinkOf(content.meta.source, content.meta.session_id),
    dynamicTools: persistedDynamicTools(content.meta),
  };
}
