import { HttpModelClient } from '../model/client.js';
import type { ModelClient } from '../model/client.js';
import type { ResponseItem } from '../model/events.js';
import { resolveProvider } from '../model/provider.js';
import type { Environment } from '../model/provider.js';
import { rolloutPath } from '../persistence/layout.js';
import { readRollout } from '../persistence/rollout-reader.js';
import type { RolloutContent } from '../persistence/rollout-reader.js';
import { RolloutWriter } from '../persistence/rollout-writer.js';
import { ThreadIndex, summarizeThread } from '../persistence/thread-index.js';
import type { ThreadSummary } from '../persistence/thread-index.js';
import { ServerNotifications } from '../protocol/registry.js';
import type { SandboxPolicy } from '../protocol/v2/policies.js';
import type { ThreadTokenUsage } from '../protocol/v2/thread-notifications.js';
import { uuidv7 } from '../util/ids.js';
import type { Logger } from '../util/logger.js';
import { COMPATIBLE_CODEX_VERSION } from '../util/version.js';
import type { ClientChannel } from './client-channel.js';
import { DEFAULT_BASE_INSTRUCTIONS } from './instructions.js';
import { LoadedThread } from './loaded-thread.js';
import { sessionMeta } from './rollout-records.js';
import { turnsFromRollout } from './rollout-turns.js';
import { resolveThreadSettings, sandboxPolicyFor } from './thread-settings.js';
import type { SessionOverrides, ThreadSettings } from './thread-settings.js';
import type { TurnDependencies } from './turn-runner.js';

export interface ThreadManagerOptions {
  readonly codexHome: string;
  /** config.toml with the command line's `-c` overrides applied (unvalidated table). */
  readonly configTable: Readonly<Record<string, unknown>>;
  readonly env: Environment;
  readonly log: Logger;
  /** Where threads run when no `cwd` is given: the server's working directory. */
  readonly serverCwd: string;
}

/**
 * The reference reports this context window for models its catalogue does not know (probed: 258400, i.e.
 * 95 % of 272000). config.toml `model_context_window` replaces it.
 */
const DEFAULT_MODEL_CONTEXT_WINDOW = 258_400;

/** Who is creating or resuming a thread. */
export interface ThreadCaller {
  readonly channel: ClientChannel;
  /** `clientInfo.name` of the connection: the thread's originator. */
  readonly originator: string;
  readonly userAgent: string;
}

/**
 * The threads of this server: the ones loaded in memory (with their subscribers and running turns) and the
 * index of everything persisted under CODEX_HOME (for thread/list and loading on demand).
 */
export class ThreadManager {
  readonly index: ThreadIndex;
  readonly #options: ThreadManagerOptions;
  readonly #loaded = new Map<string, LoadedThread>();
  /** In-flight loads, so two resumes of one thread load it once. */
  readonly #loading = new Map<string, Promise<LoadedThread>>();

  constructor(options: ThreadManagerOptions) {
    this.#options = options;
    this.index = new ThreadIndex(options.codexHome, {
      fallbackModelProvider: this.defaultModelProvider,
      onSkip: (path, error) => options.log.warn({ path, err: error }, 'skipping unreadable rollout'),
    });
  }

  get codexHome(): string {
    return this.#options.codexHome;
  }

  /** The provider a thread gets without params: config.toml's, else `openai`. */
  get defaultModelProvider(): string {
    return resolveThreadSettings(this.#options.configTable, {}, this.#options.serverCwd).modelProvider;
  }

  /** Ids of loaded threads, in load order. */
  loadedThreadIds(): string[] {
    return [...this.#loaded.keys()];
  }

  /** A loaded thread, or undefined. `id` must be canonical (see parseThreadId). */
  get(id: string): LoadedThread | undefined {
    return this.#loaded.get(id);
  }

  /**
   * A new thread, loaded and subscribed by its creator. Nothing is written until its first turn, as the
   * reference does; an ephemeral thread never writes.
   * @throws ThreadSettingsError for a bad `config` override; ProviderConfigError for an unusable provider
   *   (checked now, so a bad one fails thread/start as in the reference rather than the first turn).
   */
  createThread(params: SessionOverrides & { ephemeral?: boolean | null | undefined }, caller: ThreadCaller): LoadedThread {
    const settings = resolveThreadSettings(this.#options.configTable, params, this.#options.serverCwd);
    this.modelClientFor(settings);
    const id = uuidv7();
    const createdAtMs = Date.now();
    const ephemeral = params.ephemeral === true;
    const baseInstructions = settings.baseInstructions ?? DEFAULT_BASE_INSTRUCTIONS;
    const path = ephemeral ? null : rolloutPath(this.codexHome, id, new Date(createdAtMs));
    const writer =
      path === null
        ? null
        : RolloutWriter.create({
            path,
            sessionMeta: sessionMeta({
              threadId: id,
              createdAtMs,
              settings,
              originator: caller.originator,
              baseInstructions,
              forkedFromId: null,
            }),
          });
    const thread = new LoadedThread({
      id,
      createdAtMs,
      updatedAtMs: createdAtMs,
      ephemeral,
      originator: caller.originator,
      cliVersion: COMPATIBLE_CODEX_VERSION,
      forkedFromId: null,
      baseInstructions,
      settings,
      rolloutPath: path,
      writer,
      name: null,
      preview: '',
      history: [],
      turns: [],
      tokenUsage: null,
    });
    this.#loaded.set(id, thread);
    this.subscribe(thread, caller.channel);
    return thread;
  }

  /**
   * The loaded thread with this id, loading it from its rollout when it is only on disk; undefined when no
   * live rollout has this id. Resume overrides apply only when the thread is loaded by this call.
   * @throws RolloutFormatError when the rollout cannot be read.
   */
  async load(id: string, overrides: SessionOverrides = {}): Promise<LoadedThread | undefined> {
    const loaded = this.#loaded.get(id);
    if (loaded !== undefined) return loaded;
    const summary = await this.index.get(id);
    if (summary === undefined || summary.archived) return undefined;
    let loading = this.#loading.get(id);
    if (loading === undefined) {
      loading = this.#loadFromDisk(summary, overrides).finally(() => this.#loading.delete(id));
      this.#loading.set(id, loading);
    }
    return loading;
  }

  async #loadFromDisk(summary: ThreadSummary, overrides: SessionOverrides): Promise<LoadedThread> {
    const content = await readRollout(summary.path);
    const writer = await RolloutWriter.resume(summary.path);
    const settings = settingsFromRollout(content, this.#options, overrides);
    const thread = new LoadedThread({
      id: summary.threadId,
      createdAtMs: summary.createdAtMs,
      updatedAtMs: summary.updatedAtMs,
      ephemeral: false,
      originator: summary.originator,
      cliVersion: summary.cliVersion,
      forkedFromId: summary.forkedFromId,
      baseInstructions: content.meta.base_instructions?.text ?? content.meta.instructions ?? DEFAULT_BASE_INSTRUCTIONS,
      settings,
      rolloutPath: summary.path,
      writer,
      name: summary.name,
      preview: summary.preview,
      history: historyFromRollout(content),
      turns: turnsFromRollout(content.lines),
      tokenUsage: tokenUsageFromRollout(content),
    });
    this.#loaded.set(thread.id, thread);
    return thread;
  }

  /** Makes `channel` a subscriber of `thread` until it unsubscribes or disconnects. */
  subscribe(thread: LoadedThread, channel: ClientChannel): void {
    if (!thread.subscribe(channel)) return;
    channel.onClose(() => thread.unsubscribe(channel.connectionId));
  }

  /** What a turn of `thread` started by `caller` runs with. */
  turnDependencies(thread: LoadedThread, caller: Omit<ThreadCaller, 'channel'>): TurnDependencies {
    return {
      modelClient: this.modelClientFor(thread.settings),
      identity: { originator: caller.originator, userAgent: caller.userAgent },
      env: this.#options.env,
      log: this.#options.log.child({ threadId: thread.id }),
      onPersisted: (persisted) => this.#indexThread(persisted),
      modelContextWindow: thread.settings.config.model_context_window ?? DEFAULT_MODEL_CONTEXT_WINDOW,
    };
  }

  /**
   * The model client for a thread's settings. Resolved per turn, so provider changes (turn/start
   * `modelProvider` is not a turn override, but config reloads will be) take effect on the next turn.
   * @throws ProviderConfigError when the provider is unknown or its key's variable is missing.
   */
  modelClientFor(settings: ThreadSettings): ModelClient {
    const config = { ...settings.config, model_provider: settings.modelProvider, model: settings.model };
    return new HttpModelClient({ provider: resolveProvider(config, this.#options.env) });
  }

  /** Keeps thread/list's index in step with a thread whose rollout just grew. */
  #indexThread(thread: LoadedThread): void {
    if (thread.rolloutPath === null || thread.writer === null) return;
    const existing = this.index.update(thread.id, {
      updatedAtMs: thread.updatedAtMs,
      preview: thread.preview,
      model: thread.settings.model,
      name: thread.name,
    });
    if (existing) return;
    this.index.upsert(
      summarizeThread({
        path: thread.rolloutPath,
        meta: sessionMeta({
          threadId: thread.id,
          createdAtMs: thread.createdAtMs,
          settings: thread.settings,
          originator: thread.originator,
          baseInstructions: thread.baseInstructions,
          forkedFromId: thread.forkedFromId,
        }),
        archived: false,
        preview: thread.preview,
        model: thread.settings.model,
        updatedAtMs: thread.updatedAtMs,
        name: thread.name,
      }),
    );
  }

  /**
   * Drops a thread from memory (after archive, or when idle without subscribers): closes its rollout and
   * tells its subscribers it is `notLoaded`.
   */
  async unload(thread: LoadedThread, options: { announceClosed: boolean }): Promise<void> {
    if (this.#loaded.get(thread.id) !== thread) return;
    this.#loaded.delete(thread.id);
    thread.activeTurn?.abort.abort(new Error('thread unloaded'));
    await thread.activeTurn?.done;
    await thread.writer?.close().catch((error: unknown) => {
      this.#options.log.error({ err: error, threadId: thread.id }, 'closing rollout failed');
    });
    thread.setStatus({ type: 'notLoaded' });
    if (options.announceClosed) thread.emit(ServerNotifications.threadClosed, { threadId: thread.id });
  }

  /** Ends every running turn and closes every rollout (server shutdown). */
  async closeAll(): Promise<void> {
    const threads = [...this.#loaded.values()];
    for (const thread of threads) thread.activeTurn?.abort.abort(new Error('server shutting down'));
    await Promise.all(threads.map((thread) => thread.activeTurn?.done));
    await Promise.all(threads.map((thread) => thread.writer?.close().catch(() => {})));
  }
}

/** The conversation a resumed thread continues: every response item, as sent to the model. */
function historyFromRollout(content: RolloutContent): ResponseItem[] {
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
function tokenUsageFromRollout(content: RolloutContent): ThreadTokenUsage | null {
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
function settingsFromRollout(
  content: RolloutContent,
  options: ThreadManagerOptions,
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
    options.configTable,
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
