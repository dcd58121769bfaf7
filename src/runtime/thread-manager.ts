import { supportsRemoteCompaction } from './compaction/remote-compaction.js';
import { AuthManager } from '../auth/auth-manager.js';
import { GatewayCredentials } from '../auth/gateway/gateway-credentials.js';
import { HttpModelClient } from '../model/client.js';
import { isBuiltInProvider, resolveProvider } from '../model/provider.js';
import type { Environment } from '../model/provider.js';
import { rolloutPath } from '../persistence/layout.js';
import { readThreadHeader, readThreadRollout } from '../persistence/history-chain.js';
import type { RolloutContent } from '../persistence/rollout-reader.js';
import { RolloutWriter } from '../persistence/rollout-writer.js';
import { ThreadIndex } from '../persistence/thread-index.js';
import type { ThreadSummary } from '../persistence/thread-index.js';
import { ServerNotifications } from '../protocol/registry.js';
import type { CommandJail } from '../tools/sandbox/command-jail.js';
import { uuidv7 } from '../util/ids.js';
import type { Logger } from '../util/logger.js';
import { COMPATIBLE_CODEX_VERSION } from '../util/version.js';
import { attestationHook } from './attestation.js';
import type { Broadcaster } from './broadcast.js';
import type { ClientChannel } from './client-channel.js';
import { IdleUnloader, unloadDelayFromConfig } from './idle-unloader.js';
import { ThreadCatalogue, loadedThreadSummary } from './thread-catalogue.js';
import { instructionSources } from './context/opening-context.js';
import { contextLimits } from './models/context-limits.js';
import { defaultBaseInstructions } from './prompts/base-instructions.js';
import { LoadedThread } from './loaded-thread.js';
import type { LoadedThreadInit } from './loaded-thread.js';
import { sessionMeta } from './rollout-records.js';
import { turnsFromRollout } from './rollout-turns.js';
import { shareAgentMessageText } from './shared-text.js';
import { historyFromRollout, settingsFromRollout, tokenUsageFromRollout } from './thread-from-rollout.js';
import { buildFork } from './fork-builder.js';
import { planRevert, revertRefusals, writeRevertedRollout } from './thread-revert.js';
import type { ForkedThread, ThreadForkRequest } from './thread-fork.js';
import { GoalStore } from './goals/goal-store.js';
import { goalContinuationContext } from './goals/goal-continuation.js';
import { goalCharger } from './goals/goal-usage.js';
import { ReadStateStore } from './read-state.js';
import { resolveThreadSettings } from './thread-settings.js';
import type { SessionOverrides, ThreadSettings } from './thread-settings.js';
import { detectBubblewrap } from '../tools/sandbox/detect-bubblewrap.js';
import type { SandboxSupport } from '../tools/sandbox/detect-bubblewrap.js';
import { configuredHooks, type HookConfig } from './hooks/configured-hooks.js';
import { McpHub } from './mcp/mcp-hub.js';
import { persistedDynamicTools, setDynamicTools } from './tools/dynamic-tool.js';
import type { DynamicToolSpec } from '../protocol/v2/items-tools.js';
import { threadTools } from './tools/thread-tools.js';
import { finishRunningTurns } from './turn-drain.js';
import { TurnQueue } from './turn-queue.js';
import type { TurnDependencies } from './turn-dependencies.js';
import { startTurn } from './turn-runner.js';
import { subAgentHost } from './agents/sub-agent-host.js';
import { subAgentLinkOf, type SubAgentLink } from './agents/sub-agent-link.js';
import { SubAgents } from './agents/sub-agents.js';

export interface ThreadManagerOptions {
  readonly codexHome: string;
  /**
   * config.toml with the command line's `-c` overrides applied (unvalidated table). Read at every use, not
   * once: config/value/write and config/batchWrite replace `table`, and new threads take the new values.
   */
  readonly config: HookConfig;
  readonly env: Environment;
  readonly log: Logger;
  /** Where threads run when no `cwd` is given: the server's working directory. */
  readonly serverCwd: string;
  /** Every initialized connection: the audience of thread-list notifications and unloads. */
  readonly broadcaster: Broadcaster;
  /**
   * Whether commands can be sandboxed here (bubblewrap found and able to create namespaces); detected once, at
   * startup, by main.ts. Default: detected on first use.
   */
  readonly sandbox?: Promise<SandboxSupport>;
  /**
   * How long a loaded thread without subscribers and turns stays loaded. Default: config.toml's
   * `thread_unload_delay_secs`, else 30 minutes (the reference's values).
   */
  readonly unloadDelayMs?: number;
  /** The budget of `attestation/generate` (default ATTESTATION_TIMEOUT_MS, the reference's 100 ms). */
  readonly attestationTimeoutMs?: number;
  /** The Codex login model requests authenticate with. Default: auth.json in `codexHome` only. */
  readonly auth?: AuthManager;
  /** The fetch model requests go through (the custom CA one, see net/outbound-fetch.ts). Default: global fetch. */
  readonly fetch?: typeof fetch;
  /** A tenant's jail for every command its threads run (tools/sandbox/command-jail.ts); none by default. */
  readonly commandJail?: CommandJail;
  /**
   * The gateway sign-ins of this CODEX_HOME, shared with `account/gatewayOAuth/*`. Default: a store of its own in
   * `codexHome`.
   */
  readonly gatewayCredentials?: GatewayCredentials;
}

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
  /** The server's Codex login (shared with the account handlers). */
  readonly auth: AuthManager;
  /** The gateway tokens model requests to a provider with `gateway_oauth` carry (shared with the account handlers). */
  readonly gatewayCredentials: GatewayCredentials;
  /** Read receipts of persisted threads (thread/read, thread/list, thread/readState/update). */
  readonly readStates: ReadStateStore;
  /** Each thread's goal (thread/goal/* and the goal tools). */
  readonly goals: GoalStore;
  /** Submissions waiting to become turns (thread/queue/add). */
  readonly queue: TurnQueue;
  /** The MCP servers of the loaded threads. */
  readonly mcp: McpHub;
  readonly #options: ThreadManagerOptions;
  readonly #loaded = new Map<string, LoadedThread>();
  /** In-flight loads, so two resumes of one thread load it once. */
  readonly #loading = new Map<string, Promise<LoadedThread>>();
  /** Whose identity a thread's turns carried last (a sub-agent's turns carry its parent's). */
  readonly #lastCallers = new Map<string, Omit<ThreadCaller, 'channel'>>();
  /** Threads spawned by the agents of this server's threads (the multi-agent tools). */
  readonly subAgents: SubAgents = new SubAgents(subAgentHost(this));

  constructor(options: ThreadManagerOptions) {
    this.#options = options;
    this.auth = options.auth ?? new AuthManager({ codexHome: options.codexHome, log: options.log });
    this.gatewayCredentials =
      options.gatewayCredentials ?? new GatewayCredentials({ codexHome: options.codexHome, log: options.log });
    this.readStates = new ReadStateStore(options.codexHome, (threadId, readState) =>
      this.#loaded.get(threadId)?.emitToExperimental(ServerNotifications.threadReadStateChanged, { threadId, readState }),
    );
    this.goals = new GoalStore(options.codexHome);
    this.mcp = new McpHub({
      env: options.env,
      log: options.log,
      codexHome: options.codexHome,
      ...(options.commandJail === undefined
        ? {}
        : { jail: { jail: options.commandJail, support: Promise.resolve().then(() => this.sandboxSupport) } }),
    });
    this.queue = new TurnQueue({
      broadcaster: options.broadcaster,
      isLoaded: (thread) => this.#loaded.get(thread.id) === thread,
      dependencies: (thread, caller) => this.turnDependencies(thread, caller),
      log: options.log,
    });
    this.index = new ThreadIndex(options.codexHome, {
      readHeader: (path) => readThreadHeader(options.codexHome, path),
      fallbackModelProvider: this.defaultModelProvider,
      onSkip: (path, error) => options.log.warn({ path, err: error }, 'skipping unreadable rollout'),
    });
  }

  get codexHome(): string {
    return this.#options.codexHome;
  }

  #sandbox: Promise<SandboxSupport> | undefined;

  /** The jail of this server instance's commands, if it serves a tenant. */
  get commandJail(): CommandJail | undefined {
    return this.#options.commandJail;
  }

  /** What the sandbox can do on this machine (see ThreadManagerOptions.sandbox). */
  get sandboxSupport(): Promise<SandboxSupport> {
    this.#sandbox ??= this.#options.sandbox ?? detectBubblewrap();
    return this.#sandbox;
  }

  /** The provider a thread gets without params: config.toml's, else `openai`. */
  get defaultModelProvider(): string {
    return resolveThreadSettings(this.#options.config.table, {}, this.#options.serverCwd).modelProvider;
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
  createThread(
    params: SessionOverrides & {
      ephemeral?: boolean | null | undefined;
      threadSource?: string | null | undefined;
      dynamicTools?: readonly DynamicToolSpec[] | null | undefined;
      subAgent?: SubAgentLink | null | undefined;
      /** Settings taken as they are (a sub-agent's, from its parent) instead of resolved from config and params. */
      settings?: ThreadSettings;
    },
    caller: Omit<ThreadCaller, 'channel'> & { readonly channel: ClientChannel | null },
  ): LoadedThread {
    const settings = params.settings ?? resolveThreadSettings(this.#options.config.table, params, this.#options.serverCwd);
    this.modelClientFor(settings);
    const id = uuidv7();
    const createdAtMs = Date.now();
    const ephemeral = params.ephemeral === true;
    const baseInstructions = settings.baseInstructions ?? defaultBaseInstructions(settings.model);
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
              dynamicTools: params.dynamicTools,
              subAgent: params.subAgent,
            }),
          });
    const thread = this.#register({
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
      threadSource: params.threadSource ?? null,
      subAgent: params.subAgent ?? null,
    });
    setDynamicTools(thread, params.dynamicTools);
    if (caller.channel !== null) this.subscribe(thread, caller.channel);
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
    const content = await readThreadRollout(this.codexHome, summary.path);
    const writer = await RolloutWriter.resume(summary.path);
    const settings = settingsFromRollout(content, this.#options, overrides);
    const history = historyFromRollout(content);
    const thread = this.#register({
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
      subAgent: subAgentLinkOf(content.meta.source),
    });
    setDynamicTools(thread, persistedDynamicTools(content.meta));
    return thread;
  }

  /** A new loaded thread, kept in memory from now on; its status reaches every connection. */
  #register(init: Omit<LoadedThreadInit, 'everyone'>): LoadedThread {
    const thread = new LoadedThread({ ...init, everyone: this.#options.broadcaster });
    this.#loaded.set(thread.id, thread);
    this.mcp.attach(thread);
    return thread;
  }

  /** The AGENTS.md files the thread's instructions come from, for the session responses. */
  instructionSources(thread: LoadedThread): Promise<string[]> {
    const log = this.#options.log;
    return instructionSources(thread.settings, {
      codexHome: this.codexHome,
      env: this.#options.env,
      warn: (message, path, error) => log.warn({ err: error, path }, message),
    });
  }

  /** Makes `channel` a subscriber of `thread` until it unsubscribes or disconnects. */
  subscribe(thread: LoadedThread, channel: ClientChannel): void {
    if (!thread.subscribe(channel)) return;
    channel.onClose(() => this.unsubscribe(thread, channel.connectionId));
  }

  /** The identity of whoever ran a turn of `threadId` last, if any did. */
  lastCaller(threadId: string): Omit<ThreadCaller, 'channel'> | undefined {
    return this.#lastCallers.get(threadId);
  }

  /** What a turn of `thread` started by `caller` runs with. */
  turnDependencies(thread: LoadedThread, caller: Omit<ThreadCaller, 'channel'>): TurnDependencies {
    this.#lastCallers.set(thread.id, { originator: caller.originator, userAgent: caller.userAgent });
    const modelClient = this.modelClientFor(thread.settings);
    const log = this.#options.log.child({ threadId: thread.id });
    return {
      modelClient,
      requestHeaders: attestationHook(thread, modelClient.provider, this.auth, log, this.#options.attestationTimeoutMs),
      identity: { originator: caller.originator, userAgent: caller.userAgent },
      env: this.#options.env,
      codexHome: this.codexHome,
      log,
      onPersisted: (persisted) => this.#indexThread(persisted),
      ...contextLimits(thread.settings.model, thread.settings.config),
      remoteCompaction: supportsRemoteCompaction(modelClient.provider),
      startResponse: (sampling, turnId) => goalCharger(this.goals, sampling, turnId),
      tools: threadTools(thread, {
        sandbox: this.sandboxSupport,
        jail: this.commandJail,
        goals: this.goals,
        agents: this.subAgents,
      }),
      hooks: {
        load: async () => (await configuredHooks(this.codexHome, this.#options.config)).hooks,
        ...(this.commandJail === undefined ? {} : { jail: { jail: this.commandJail, support: this.sandboxSupport } }),
      },
      // Ephemeral threads have no durable read receipt [observed: `thread read state unavailable`]; nor do
      // sub-agents, which the user reads through their parent [observed: no thread/readState/changed for them].
      onTurnEnded: async (ended, turnId) => {
        if (!ended.ephemeral && ended.subAgent === null) await this.readStates.turnEnded(ended.id, turnId);
      },
      onTurnFinished: (finished) => {
        if (this.queue.startNext(finished) !== null) return;
        // An active goal keeps the thread working after a turn that completed [observed on the reference].
        if (finished.turns.at(-1)?.status === 'completed') void this.continueGoal(finished, caller);
      },
    };
  }

  /**
   * Starts a turn of its own on an idle loaded thread whose goal is active, as the reference does after a completed
   * turn and when a goal is set or resumed [observed]: no user message, the goal's continuation context instead.
   * `caller` is whose identity its model requests carry (the client that set the goal or ran the last turn).
   */
  async continueGoal(thread: LoadedThread, caller: Omit<ThreadCaller, 'channel'>): Promise<void> {
    const goal = await this.goals.get(thread.id);
    if (goal?.status !== 'active' || thread.activeTurn !== null || this.#loaded.get(thread.id) !== thread) return;
    let deps: TurnDependencies;
    try {
      deps = this.turnDependencies(thread, caller);
    } catch (error) {
      this.#options.log.error({ err: error, threadId: thread.id }, 'cannot continue the goal');
      return;
    }
    const context = goalContinuationContext(thread, goal);
    startTurn(thread, { input: [], clientUserMessageId: null, context }, deps, (task) => task());
  }

  /**
   * The model client for a thread's settings. Resolved per turn, so provider changes (turn/start
   * `modelProvider` is not a turn override, but config reloads will be) take effect on the next turn.
   * @throws ProviderConfigError when the provider is unknown or its key's variable is missing.
   */
  modelClientFor(settings: ThreadSettings): HttpModelClient {
    const config = { ...settings.config, model_provider: settings.modelProvider, model: settings.model };
    const provider = resolveProvider(config, this.#options.env);
    const gatewayOAuth = isBuiltInProvider(provider.id) ? undefined : config.model_providers?.[provider.id]?.gateway_oauth;
    return new HttpModelClient({
      provider,
      openaiAuth: this.auth,
      ...(gatewayOAuth === undefined ? {} : { gatewayToken: this.gatewayCredentials.tokenSource(provider.id, gatewayOAuth) }),
      log: this.#options.log,
      env: this.#options.env,
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
    });
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
    this.index.upsert(loadedThreadSummary(thread, thread.rolloutPath));
  }

  /**
   * Drops a thread from memory (after archive, or when idle without subscribers): closes its rollout and tells
   * every connection it is `notLoaded` (the reference broadcasts both notifications; probed).
   */
  async unload(thread: LoadedThread, options: { announceClosed: boolean }): Promise<void> {
    if (this.#loaded.get(thread.id) !== thread) return;
    this.#loaded.delete(thread.id);
    thread.activeTurn?.abort.abort(new Error('thread unloaded'));
    await thread.activeTurn?.done;
    await thread.runUnloadTasks();
    await thread.writer?.close().catch((error: unknown) => {
      this.#options.log.error({ err: error, threadId: thread.id }, 'closing rollout failed');
    });
    thread.status = { type: 'notLoaded' };
    const broadcaster = this.#options.broadcaster;
    broadcaster.broadcast(ServerNotifications.threadStatusChanged, { threadId: thread.id, status: thread.status });
    if (options.announceClosed) broadcaster.broadcast(ServerNotifications.threadClosed, { threadId: thread.id });
  }

  /** Ids of the loaded threads with a turn running now. */
  runningTurnThreadIds(): string[] {
    return [...this.#loaded.values()].filter((thread) => thread.activeTurn !== null).map((thread) => thread.id);
  }

  /** Lets running turns finish until `deadline`, then interrupts them (see turn-drain.ts); idle unloads stop. */
  async finishTurns(deadline: Promise<void>): Promise<{ interrupted: number }> {
    this.#idleUnloader?.close();
    return finishRunningTurns(this.#loaded.values(), deadline);
  }

  /** Ends every running turn at once and closes every rollout (the last step of shutdown). */
  async closeAll(): Promise<void> {
    this.#idleUnloader?.close();
    const threads = [...this.#loaded.values()];
    for (const thread of threads) thread.activeTurn?.abort.abort(new Error('server shutting down'));
    await Promise.all(threads.flatMap((thread) => (thread.activeTurn ? [thread.activeTurn.done] : [])));
    await Promise.all(threads.map((thread) => thread.runUnloadTasks()));
    await Promise.all(threads.flatMap((thread) => (thread.writer ? [thread.writer.close().catch(() => {})] : [])));
  }

  // thread/unsubscribe, thread/name/set, thread/archive, thread/unarchive, and the idle unload.

  #idleUnloader: IdleUnloader | undefined;
  readonly #catalogue = new ThreadCatalogue({
    codexHome: () => this.codexHome,
    index: () => this.index,
    loaded: (id) => this.#loaded.get(id),
    materialize: async (thread) => {
      if (thread.writer === null) return;
      await thread.writer.materialize();
      this.#indexThread(thread);
    },
    unload: async (thread) => {
      this.#idleUnloader?.forget(thread.id);
      await this.unload(thread, { announceClosed: false });
    },
    forgetReadState: (id) => this.readStates.forget(id),
  });

  /** Every initialized connection (thread-list notifications go to all of them, subscribed or not). */
  get broadcaster(): Broadcaster {
    return this.#options.broadcaster;
  }

  /**
   * Removes a subscriber; false when it was not one. Once the last one has left, the thread is unloaded after
   * the unload delay without subscribers and turns (`thread/status/changed notLoaded`, then `thread/closed`).
   */
  unsubscribe(thread: LoadedThread, connectionId: number): boolean {
    if (!thread.unsubscribe(connectionId)) return false;
    if (this.#loaded.get(thread.id) === thread) this.#idle().watch(thread);
    return true;
  }

  /** thread/name/set (see ThreadCatalogue.setThreadName). */
  setThreadName(id: string, name: string): Promise<void> {
    return this.#catalogue.setThreadName(id, name);
  }

  /** thread/archive (see ThreadCatalogue.archive). */
  archive(id: string): Promise<void> {
    return this.#catalogue.archive(id);
  }

  /** thread/unarchive (see ThreadCatalogue.unarchive). */
  unarchive(id: string): Promise<ThreadSummary> {
    return this.#catalogue.unarchive(id);
  }

  /** thread/delete (see ThreadCatalogue.delete). */
  delete(id: string): Promise<void> {
    return this.#catalogue.delete(id);
  }

  #idle(): IdleUnloader {
    this.#idleUnloader ??= new IdleUnloader({
      delayMs: this.#options.unloadDelayMs ?? unloadDelayFromConfig(this.#options.config.table),
      isLoaded: (thread) => this.#loaded.get(thread.id) === thread,
      unload: (thread) => this.unload(thread, { announceClosed: true }),
      onError: (error, thread) =>
        this.#options.log.error({ err: error, threadId: thread.id }, 'unloading an idle thread failed'),
    });
    return this.#idleUnloader;
  }

  /**
   * thread/revert: replaces a loaded thread's history with the part before `beforeTurnId` (see thread-revert.ts)
   * and returns the thread as reloaded from its new file. As the reference does [observed], the thread is unloaded
   * (a running turn ends `interrupted`; every connection hears `notLoaded`) and loaded again (`idle`), and keeps
   * its subscribers.
   * @throws ThreadRequestError `thread not found: <id>` for a thread that is not loaded, `turn not found: <id>`,
   *   and the reference's refusals of an ephemeral thread and of one with no rollout yet.
   */
  async revert(id: string, beforeTurnId: string, caller: ThreadCaller): Promise<LoadedThread> {
    const thread = this.#loaded.get(id);
    if (thread === undefined) throw revertRefusals.threadNotFound(id);
    if (thread.ephemeral || thread.writer === null || thread.rolloutPath === null) throw revertRefusals.ephemeral();
    // A thread whose first turn has not been written yet has nothing to revert [observed wording].
    if ((await this.index.get(id)) === undefined) throw revertRefusals.noRollout(id);
    if (!thread.turns.some((turn) => turn.id === beforeTurnId)) throw revertRefusals.turnNotFound(beforeTurnId);
    await thread.writer.flush();
    const plan = await planRevert(this.codexHome, id, thread.rolloutPath, beforeTurnId);
    const subscribers = thread.subscriberChannels();
    this.#idleUnloader?.forget(id);
    await this.unload(thread, { announceClosed: false });
    const nowMs = Date.now();
    const path = await writeRevertedRollout(this.codexHome, plan, nowMs);
    this.index.update(id, { path, updatedAtMs: nowMs, preview: plan.preview });
    const reloaded = await this.load(id);
    if (reloaded === undefined) throw new Error(`reverted thread ${id} could not be loaded again`);
    this.#options.broadcaster.broadcast(ServerNotifications.threadStatusChanged, { threadId: id, status: reloaded.status });
    for (const channel of [...subscribers, caller.channel]) this.subscribe(reloaded, channel);
    return reloaded;
  }

  // thread/fork, and what thread/list and thread/turns/list need.

  /** The server's working directory: what a relative `cwd` filter of thread/list is resolved against. */
  get serverCwd(): string {
    return this.#options.serverCwd;
  }

  /** thread/fork (see fork-builder.ts), the fork loaded, indexed and subscribed by `caller`. */
  async forkThread(sourceId: string, request: ThreadForkRequest, caller: ThreadCaller): Promise<ForkedThread> {
    const forked = await buildFork(
      {
        codexHome: this.codexHome,
        settingsContext: this.#options,
        loaded: (id) => this.#loaded.get(id),
        summary: (id) => this.index.get(id),
        rolloutOf: (id) => this.#rolloutOf(id),
        checkProvider: (settings) => void this.modelClientFor(settings),
        register: (init) => this.#register(init),
      },
      sourceId,
      request,
      caller.originator,
    );
    this.#indexThread(forked.thread);
    this.subscribe(forked.thread, caller.channel);
    return forked;
  }

  /**
   * A thread's rollout as it is now (archived ones included), or undefined when it has none: not on disk at
   * all, ephemeral, or loaded but not yet written. A loaded thread's queued lines are flushed first.
   */
  async #rolloutOf(id: string): Promise<RolloutContent | undefined> {
    const loaded = this.#loaded.get(id);
    if (loaded !== undefined) await loaded.writer?.flush();
    const path = loaded !== undefined ? loaded.rolloutPath : (await this.index.get(id))?.path;
    if (path === null || path === undefined) return undefined;
    try {
      return await readThreadRollout(this.codexHome, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
