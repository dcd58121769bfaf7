import { AuthManager } from '../../auth/auth-manager.js';
import { GatewayCredentials } from '../../auth/gateway/gateway-credentials.js';
import type { HttpModelClient } from '../../model/client.js';
import type { Environment } from '../../model/provider.js';
import { readThreadHeader, readThreadRollout } from '../../persistence/history-chain.js';
import type { RolloutContent } from '../../persistence/rollout-reader.js';
import { ThreadIndex } from '../../persistence/thread-index.js';
import type { ThreadSummary } from '../../persistence/thread-index.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { CommandJail } from '../../tools/sandbox/command-jail.js';
import { detectBubblewrap } from '../../tools/sandbox/detect-bubblewrap.js';
import type { SandboxSupport } from '../../tools/sandbox/detect-bubblewrap.js';
import type { Logger } from '../../util/logger.js';
import { subAgentHost } from '../agents/sub-agent-host.js';
import { SubAgents } from '../agents/sub-agents.js';
import type { Broadcaster } from '../clients/broadcast.js';
import type { ClientChannel } from '../clients/client-channel.js';
import { instructionSources } from '../context/opening-context.js';
import { GoalStore } from '../goals/goal-store.js';
import type { HookConfig } from '../hooks/configured-hooks.js';
import { McpHub } from '../mcp/mcp-hub.js';
import { ThreadTools } from '../turn-tools/thread-tools.js';
import type { TurnDependencies } from '../turns/turn-dependencies.js';
import { TurnDependencyBuilder } from '../turns/turn-dependency-builder.js';
import { TurnQueue } from '../turns/turn-queue.js';
import type { ForkedThread, ThreadForkRequest } from './fork-rollout.js';
import { appendToRollout } from '../rollout/rollout-append.js';
import { responseItem } from '../rollout/rollout-records.js';
import { buildFork } from './fork-thread.js';
import { unloadDelayFromConfig } from './idle-unloader.js';
import type { LoadedThread } from './loaded-thread.js';
import { LoadedThreads } from './loaded-threads.js';
import { ReadStateStore } from './read-state.js';
import { revertThread } from './revert-thread.js';
import type { CallerIdentity, ThreadCaller } from './thread-caller.js';
import { ThreadCatalogue, loadedThreadSummary } from './thread-catalogue.js';
import { ThreadControl } from './thread-control.js';
import { newThreadInit, storedThreadInit, type NewThreadParams } from './thread-creation.js';
import { resolveThreadSettings } from './thread-settings.js';
import type { SessionOverrides, ThreadSettings } from './thread-settings.js';

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
   * Whether commands can be sandboxed here (bubblewrap found and able to create namespaces): main.ts's shared
   * probe, run once for every instance, when first asked or shortly after start-up. Default: detected on first use.
   */
  readonly sandbox?: () => Promise<SandboxSupport>;
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
  /** Told whenever a turn of any of these threads has ended (after the thread left it). */
  readonly onTurnFinished?: () => void;
}

/**
 * The threads of this server: the ones loaded in memory (with their subscribers and running turns) and the
 * index of everything persisted under CODEX_HOME (for thread/list and loading on demand). It puts the concerns
 * together and is what handlers hold: which threads are loaded and their unloading (loaded-threads.ts), how a thread
 * is created or read back (thread-creation.ts), what clients do to a thread's turns and settings (`control`,
 * thread-control.ts), what a turn runs with (turns/turn-dependency-builder.ts), the catalogue of stored threads
 * (thread-catalogue.ts), forks (fork-thread.ts) and reverts (revert-thread.ts).
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
  /** Threads spawned by the agents of this server's threads (the multi-agent tools). */
  readonly subAgents: SubAgents = new SubAgents(subAgentHost(this));
  /** The tools of the loaded threads, and each one's tool state (its terminal sessions, …). */
  readonly tools: ThreadTools;
  /** Starting, steering and interrupting turns, compacting, changing settings: what clients do to a loaded thread. */
  readonly control: ThreadControl;
  readonly #turnDependencies: TurnDependencyBuilder;
  readonly #options: ThreadManagerOptions;
  readonly #loaded: LoadedThreads;

  constructor(options: ThreadManagerOptions) {
    this.#options = options;
    this.#loaded = new LoadedThreads({
      broadcaster: options.broadcaster,
      log: options.log,
      unloadDelayMs: () => options.unloadDelayMs ?? unloadDelayFromConfig(options.config.table),
      onRegister: (thread) => this.mcp.attach(thread),
    });
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
      isLoaded: (thread) => this.#loaded.isLoaded(thread),
      dependencies: (thread, caller) => this.turnDependencies(thread, caller),
      log: options.log,
    });
    this.index = new ThreadIndex(options.codexHome, {
      readHeader: (path) => readThreadHeader(options.codexHome, path),
      fallbackModelProvider: this.defaultModelProvider,
      onSkip: (path, error) => options.log.warn({ path, err: error }, 'skipping unreadable rollout'),
    });
    const sandbox = () => this.sandboxSupport;
    this.tools = new ThreadTools({ sandbox, jail: options.commandJail, goals: this.goals, agents: this.subAgents });
    this.#turnDependencies = new TurnDependencyBuilder({
      codexHome: options.codexHome,
      config: options.config,
      env: options.env,
      log: options.log,
      fetch: options.fetch,
      attestationTimeoutMs: options.attestationTimeoutMs,
      auth: this.auth,
      gatewayCredentials: this.gatewayCredentials,
      sandbox,
      jail: options.commandJail,
      goals: this.goals,
      readStates: this.readStates,
      tools: this.tools,
      onPersisted: (persisted) => this.#indexThread(persisted),
      onTurnFinished: (finished, caller) => {
        options.onTurnFinished?.();
        if (this.queue.startNext(finished) !== null) return;
        // An active goal keeps the thread working after a turn that completed [observed on the reference].
        if (finished.turns.at(-1)?.status === 'completed') void this.control.continueGoal(finished, caller);
      },
    });
    this.control = new ThreadControl({
      dependencies: (thread, caller) => this.turnDependencies(thread, caller),
      checkProvider: (settings) => void this.modelClientFor(settings),
      subscribe: (thread, channel) => this.subscribe(thread, channel),
      loadedThread: (threadId) => this.#loaded.get(threadId),
      isLoaded: (thread) => this.#loaded.isLoaded(thread),
      commandJail: options.commandJail,
      sandboxSupport: sandbox,
      goals: this.goals,
      log: options.log,
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
    this.#sandbox ??= this.#options.sandbox?.() ?? detectBubblewrap();
    return this.#sandbox;
  }

  /** The provider a thread gets without params: config.toml's, else `openai`. */
  get defaultModelProvider(): string {
    return resolveThreadSettings(this.#options.config.table, {}, this.#options.serverCwd).modelProvider;
  }

  /** Ids of loaded threads, in load order. */
  loadedThreadIds(): string[] {
    return this.#loaded.ids();
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
    params: SessionOverrides &
      NewThreadParams & {
        /** Settings taken as they are (a sub-agent's, from its parent) instead of resolved from config and params. */
        settings?: ThreadSettings;
      },
    caller: CallerIdentity & { readonly channel: ClientChannel | null },
  ): LoadedThread {
    const settings = params.settings ?? resolveThreadSettings(this.#options.config.table, params, this.#options.serverCwd);
    this.modelClientFor(settings);
    const thread = this.#loaded.register(newThreadInit(this.codexHome, params, settings, caller.originator));
    for (const item of params.forkedFrom?.history ?? []) appendToRollout(thread, this.#options.log, responseItem(item));
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
    return this.#loaded.loadOnce(id, async () =>
      this.#loaded.register(await storedThreadInit(this.codexHome, summary, this.#options, overrides)),
    );
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
    this.#loaded.subscribe(thread, channel);
  }

  /** The identity of whoever ran a turn of `threadId` last, if any did. */
  lastCaller(threadId: string): CallerIdentity | undefined {
    return this.#turnDependencies.lastCaller(threadId);
  }

  /**
   * What a turn of `thread` started by `caller` runs with (see turns/turn-dependency-builder.ts).
   * @throws ProviderConfigError when the thread's settings cannot make a model client.
   */
  turnDependencies(thread: LoadedThread, caller: CallerIdentity): TurnDependencies {
    return this.#turnDependencies.build(thread, caller);
  }

  /**
   * The model client for a thread's settings, resolved per turn.
   * @throws ProviderConfigError when the provider is unknown or its key's variable is missing.
   */
  modelClientFor(settings: ThreadSettings): HttpModelClient {
    return this.#turnDependencies.modelClientFor(settings);
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

  /** Drops a thread from memory, closing its rollout (see LoadedThreads.unload). */
  unload(thread: LoadedThread, options: { announceClosed: boolean }): Promise<void> {
    return this.#loaded.unload(thread, options);
  }

  /** Ids of the loaded threads with a turn running now. */
  runningTurnThreadIds(): string[] {
    return this.#loaded.runningTurnThreadIds();
  }

  /** Lets running turns finish until `deadline`, then interrupts them; idle unloads stop. */
  finishTurns(deadline: Promise<void>): Promise<{ interrupted: number }> {
    return this.#loaded.finishTurns(deadline);
  }

  /** Ends every running turn at once and closes every rollout (the last step of shutdown). */
  closeAll(): Promise<void> {
    return this.#loaded.closeAll();
  }

  // thread/unsubscribe, thread/name/set, thread/archive, thread/unarchive, thread/delete.

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
      this.#loaded.forgetIdle(thread.id);
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
    return this.#loaded.unsubscribe(thread, connectionId);
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

  /** thread/revert (see revert-thread.ts). */
  revert(id: string, beforeTurnId: string, caller: ThreadCaller): Promise<LoadedThread> {
    const host = { codexHome: this.codexHome, index: this.index, loaded: this.#loaded, broadcaster: this.broadcaster };
    return revertThread({ ...host, load: (threadId) => this.load(threadId) }, id, beforeTurnId, caller.channel);
  }

  // thread/fork, and what thread/list and thread/turns/list need.

  /** The server's working directory: what a relative `cwd` filter of thread/list is resolved against. */
  get serverCwd(): string {
    return this.#options.serverCwd;
  }

  /** thread/fork (see fork-thread.ts), the fork loaded, indexed and subscribed by `caller`. */
  async forkThread(sourceId: string, request: ThreadForkRequest, caller: ThreadCaller): Promise<ForkedThread> {
    const forked = await buildFork(
      {
        codexHome: this.codexHome,
        settingsContext: this.#options,
        loaded: (id) => this.#loaded.get(id),
        summary: (id) => this.index.get(id),
        rolloutOf: (id) => this.#rolloutOf(id),
        checkProvider: (settings) => void this.modelClientFor(settings),
        register: (init) => this.#loaded.register(init),
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
