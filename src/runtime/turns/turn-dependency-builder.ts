import type { AuthManager } from '../../auth/auth-manager.js';
import type { GatewayCredentials } from '../../auth/gateway/gateway-credentials.js';
import { HttpModelClient } from '../../model/client.js';
import { isBuiltInProvider, resolveProvider } from '../../model/provider.js';
import type { Environment } from '../../model/provider.js';
import type { CommandJail } from '../../tools/sandbox/command-jail.js';
import type { SandboxSupport } from '../../tools/sandbox/detect-bubblewrap.js';
import type { Logger } from '../../util/logger.js';
import { supportsRemoteCompaction } from '../compaction/remote-compaction.js';
import type { GoalStore } from '../goals/goal-store.js';
import { goalCharger } from '../goals/goal-usage.js';
import { configuredHooks, type HookConfig } from '../hooks/configured-hooks.js';
import { contextLimits } from '../models/context-limits.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import type { ReadStateStore } from '../threads/read-state.js';
import type { CallerIdentity } from '../threads/thread-caller.js';
import type { ThreadSettings } from '../threads/thread-settings.js';
import type { ThreadTools } from '../turn-tools/thread-tools.js';
import { attestationHook } from './attestation.js';
import type { TurnDependencies } from './turn-dependencies.js';

export interface TurnDependencyOptions {
  readonly codexHome: string;
  /** config.toml as it is now (read at every turn: config writes replace it). */
  readonly config: HookConfig;
  readonly env: Environment;
  readonly log: Logger;
  readonly auth: AuthManager;
  /** The gateway tokens model requests to a provider with `gateway_oauth` carry. */
  readonly gatewayCredentials: GatewayCredentials;
  /** The fetch model requests go through; global fetch when absent. */
  readonly fetch?: typeof fetch | undefined;
  /** The budget of `attestation/generate` (default: attestation.ts's). */
  readonly attestationTimeoutMs?: number | undefined;
  /** Whether commands can be sandboxed here (hooks run in a tenant's jail with it). */
  readonly sandbox: () => Promise<SandboxSupport>;
  readonly jail: CommandJail | undefined;
  readonly goals: GoalStore;
  readonly readStates: ReadStateStore;
  /** The tools of the loaded threads (and their per-thread state). */
  readonly tools: ThreadTools;
  /** Told when a persisted thread's rollout grew (the thread index follows it). */
  readonly onPersisted: (thread: LoadedThread) => void;
  /** Told when a turn is over and the thread idle, with whose identity the turn ran. */
  readonly onTurnFinished: (thread: LoadedThread, caller: CallerIdentity) => void;
}

/**
 * Builds what a turn of a thread runs with (TurnDependencies): the model client for the thread's current settings,
 * its tools, hooks, limits and the callbacks the server around it listens on. Built per turn, so a settings change
 * or a config write shows in the next turn. It also remembers whose identity each thread's turns carried last (a
 * sub-agent's turns carry its parent's).
 */
export class TurnDependencyBuilder {
  readonly #options: TurnDependencyOptions;
  readonly #lastCallers = new Map<string, CallerIdentity>();

  constructor(options: TurnDependencyOptions) {
    this.#options = options;
  }

  /** The identity of whoever ran a turn of `threadId` last, if any did. */
  lastCaller(threadId: string): CallerIdentity | undefined {
    return this.#lastCallers.get(threadId);
  }

  /**
   * What a turn of `thread` started by `caller` runs with.
   * @throws ProviderConfigError when the thread's provider is unknown or its key's variable is missing.
   */
  build(thread: LoadedThread, caller: CallerIdentity): TurnDependencies {
    const options = this.#options;
    this.#lastCallers.set(thread.id, { originator: caller.originator, userAgent: caller.userAgent });
    const modelClient = this.modelClientFor(thread.settings);
    const log = options.log.child({ threadId: thread.id });
    const jail = options.jail;
    return {
      modelClient,
      requestHeaders: attestationHook(thread, modelClient.provider, options.auth, log, options.attestationTimeoutMs),
      identity: { originator: caller.originator, userAgent: caller.userAgent },
      env: options.env,
      codexHome: options.codexHome,
      log,
      onPersisted: options.onPersisted,
      ...contextLimits(thread.settings.model, thread.settings.config),
      remoteCompaction: supportsRemoteCompaction(modelClient.provider),
      startResponse: (sampling, turnId) => goalCharger(options.goals, sampling, turnId),
      tools: options.tools.forTurn(thread),
      hooks: {
        load: () => configuredHooks(options.codexHome, options.config),
        ...(jail === undefined ? {} : { jail: { jail, support: options.sandbox() } }),
      },
      // Ephemeral threads have no durable read receipt [observed: `thread read state unavailable`]; nor do
      // sub-agents, which the user reads through their parent [observed: no thread/readState/changed for them].
      onTurnEnded: async (ended, turnId) => {
        if (!ended.ephemeral && ended.subAgent === null) await options.readStates.turnEnded(ended.id, turnId);
      },
      onTurnFinished: (finished) => options.onTurnFinished(finished, caller),
    };
  }

  /**
   * The model client for a thread's settings. Resolved per turn, so provider changes (turn/start
   * `modelProvider` is not a turn override, but config reloads will be) take effect on the next turn.
   * @throws ProviderConfigError when the provider is unknown or its key's variable is missing.
   */
  modelClientFor(settings: ThreadSettings): HttpModelClient {
    const options = this.#options;
    const config = { ...settings.config, model_provider: settings.modelProvider, model: settings.model };
    const provider = resolveProvider(config, options.env);
    const gatewayOAuth = isBuiltInProvider(provider.id) ? undefined : config.model_providers?.[provider.id]?.gateway_oauth;
    return new HttpModelClient({
      provider,
      openaiAuth: options.auth,
      bedrockAuth: options.auth,
      ...(gatewayOAuth === undefined ? {} : { gatewayToken: options.gatewayCredentials.tokenSource(provider.id, gatewayOAuth) }),
      log: options.log,
      env: options.env,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }
}
