import { rolloutPath } from '../../persistence/layout.js';
import type { RolloutContent } from '../../persistence/rollout-reader.js';
import { formatLineTimestamp } from '../../persistence/rollout-schema.js';
import type { RolloutItem, RolloutLine, SessionMeta } from '../../persistence/rollout-schema.js';
import { RolloutWriter } from '../../persistence/rollout-writer.js';
import { appendThreadName } from '../../persistence/session-index.js';
import type { ThreadSummary } from '../../persistence/thread-index.js';
import { uuidv7 } from '../../util/ids.js';
import { COMPATIBLE_CODEX_VERSION } from '../../util/version.js';
import { defaultBaseInstructions } from '../prompts/base-instructions.js';
import type { LoadedThread, LoadedThreadInit } from './loaded-thread.js';
import { sessionMeta } from '../rollout/rollout-records.js';
import { turnsFromRollout } from '../rollout/rollout-turns.js';
import { historyFromRollout, settingsFromRollout, tokenUsageFromRollout } from '../rollout/thread-from-rollout.js';
import {
  forkLines,
  forkRefusals,
  lastUsageTurnId,
  previewOfLines,
  rolloutItemOf,
} from './fork-rollout.js';
import type { ForkedThread, ThreadForkRequest } from './fork-rollout.js';
import type { ThreadSettings } from './thread-settings.js';

/** What building a fork needs from the thread manager. */
export interface ForkHost {
  readonly codexHome: string;
  /** config.toml and the server cwd, which resolve the fork's settings. */
  readonly settingsContext: Parameters<typeof settingsFromRollout>[1];
  loaded(id: string): LoadedThread | undefined;
  summary(id: string): Promise<ThreadSummary | undefined>;
  /** A thread's rollout as it is now (flushed first when loaded), or undefined when it has none. */
  rolloutOf(id: string): Promise<RolloutContent | undefined>;
  /** Throws for overrides naming an unusable provider (thread/fork fails as thread/start does). */
  checkProvider(settings: ThreadSettings): void;
  /** Keeps the new thread loaded. */
  register(init: Omit<LoadedThreadInit, 'everyone'>): LoadedThread;
}

/**
 * thread/fork: a new thread whose history is `sourceId`'s (through `lastTurnId`, or before `beforeTurnId`). The
 * source may be loaded (its rollout is flushed, then read; a turn still running is copied as interrupted) or only
 * stored, and is not loaded by this. The fork's rollout (its own session_meta with `forked_from_id`, then the
 * copied lines) is written now, as the reference writes a fork at once; an ephemeral fork writes nothing. The
 * source's name carries over [observed]. The caller indexes and subscribes the fork.
 * @throws ThreadRequestError (see forkRefusals), checked in the reference's order: no rollout or archived
 *   source, both turn bounds, ephemeral without `excludeTurns`, unknown or running turn; ThreadSettingsError
 *   or ProviderConfigError for bad overrides.
 */
export async function buildFork(
  host: ForkHost,
  sourceId: string,
  request: ThreadForkRequest,
  originator: string,
): Promise<ForkedThread> {
  const source = host.loaded(sourceId);
  const summary = source === undefined ? await host.summary(sourceId) : undefined;
  if (summary?.archived === true) throw forkRefusals.archived(sourceId);
  const content = await host.rolloutOf(sourceId);
  if (content === undefined) throw forkRefusals.noRollout(sourceId);
  if (request.lastTurnId != null && request.beforeTurnId != null) throw forkRefusals.beforeAndLastTurn();
  const paginated = content.meta.history_mode === 'paginated';
  if (request.ephemeral === true && request.excludeTurns !== true && paginated) {
    throw forkRefusals.ephemeralNeedsExcludeTurns();
  }
  const createdAtMs = Date.now();
  const lines = forkLines(content.lines, request, source?.activeTurn?.turnId ?? null, createdAtMs);
  const settings = settingsFromRollout({ ...content, lines }, host.settingsContext, request);
  host.checkProvider(settings);

  const id = uuidv7(createdAtMs);
  const ephemeral = request.ephemeral === true;
  const baseInstructions =
    request.baseInstructions ??
    content.meta.base_instructions?.text ??
    content.meta.instructions ??
    settings.baseInstructions ??
    defaultBaseInstructions(settings.model);
  const meta: SessionMeta = {
    ...sessionMeta({
      threadId: id,
      createdAtMs,
      settings,
      originator: originator,
      baseInstructions,
      forkedFromId: sourceId,
    }),
    // The copied lines are in the source's dialect, which is what history_mode tells readers.
    history_mode: content.meta.history_mode,
  };
  const metaLine: RolloutLine = { timestamp: formatLineTimestamp(createdAtMs), ordinal: 0, type: 'session_meta', payload: meta };
  const forkContent: RolloutContent = { path: '', meta, lines: [metaLine, ...lines], tornTail: false, validBytes: 0 };
  const path = ephemeral ? null : rolloutPath(host.codexHome, id, new Date(createdAtMs));
  const writer = path === null ? null : RolloutWriter.create({ path, sessionMeta: meta });
  const name = source?.name ?? summary?.name ?? null;
  if (writer !== null) {
    const items = lines.map(rolloutItemOf).filter((item): item is RolloutItem => item !== null);
    await (items.length > 0 ? writer.appendBatch(items) : writer.materialize());
    if (name !== null) await appendThreadName(host.codexHome, id, name);
  }
  const thread = host.register({
    id,
    createdAtMs,
    updatedAtMs: createdAtMs,
    ephemeral,
    originator: originator,
    cliVersion: COMPATIBLE_CODEX_VERSION,
    forkedFromId: sourceId,
    baseInstructions,
    settings,
    rolloutPath: path,
    writer,
    name,
    preview: previewOfLines(lines),
    history: historyFromRollout(forkContent),
    turns: turnsFromRollout(forkContent.lines),
    tokenUsage: tokenUsageFromRollout(forkContent),
  });
  return { thread, paginated, tokenUsageTurnId: lastUsageTurnId(lines) };
}
