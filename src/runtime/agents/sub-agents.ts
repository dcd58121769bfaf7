import { isPlainTable } from '../../config/schema.js';
import type { ResponseItem } from '../../model/events.js';
import type { UserInput } from '../../protocol/v2/user-input.js';
import { withMessageId } from '../context/item-ids.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { type AgentStatus, isFinal, statusAfterTurn, statusForModel } from './agent-status.js';
import { type AgentRole, configuredRoles, ROLE_UNAVAILABLE } from './agent-roles.js';
import { forkedHistory } from './forked-history.js';
import { pickNickname } from './nicknames.js';
import type { SubAgentLink } from './sub-agent-link.js';

/**
 * The reference 0.169.0's defaults: children of a root thread only, at most six open at once per parent (config.toml's
 * `[agents] max_threads` changes the latter; observed).
 */
export const MAX_AGENT_DEPTH = 1;
export const MAX_OPEN_AGENTS = 6;

/**
 * How deep sub-agents may go under a root thread: `[agents] max_depth` when it is a positive integer (observed: with
 * 2, a child of the root gets the multi-agent tools and its own children do not).
 */
export function maxAgentDepth(config: Readonly<Record<string, unknown>>): number {
  return positiveAgentsSetting(config, 'max_depth') ?? MAX_AGENT_DEPTH;
}

/** Whether a thread may spawn sub-agents: it is above the depth limit its configuration sets. */
export function mayHaveChildren(thread: Pick<LoadedThread, 'subAgent' | 'settings'>): boolean {
  return (thread.subAgent?.depth ?? 0) < maxAgentDepth(thread.settings.config);
}

/** The turns a child's turn works for: its parent's, and the root thread's that one works for. */
export interface ChildTurnIds {
  readonly rootTurnId: string;
  readonly parentTurnId: string;
}

function childTurnIds(parent: LoadedThread, parentTurnId: string): ChildTurnIds {
  const record = parent.turns.find((turn) => turn.id === parentTurnId);
  return { rootTurnId: record?.rootTurnId ?? parentTurnId, parentTurnId };
}

function positiveAgentsSetting(config: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const agents = config['agents'];
  const value = isPlainTable(agents) ? agents[key] : undefined;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** How many agents of one parent may be open at once: `[agents] max_threads` when it is a positive integer. */
export function maxOpenAgents(config: Readonly<Record<string, unknown>>): number {
  return positiveAgentsSetting(config, 'max_threads') ?? MAX_OPEN_AGENTS;
}

/** A spawn request's overrides of the parent's settings. */
export interface SpawnOverrides {
  readonly model?: string | undefined;
  readonly reasoningEffort?: string | undefined;
  /** `fork_context: true`: the child starts with the parent's conversation (forked-history.ts). */
  readonly forkContext?: boolean | undefined;
  /** `agent_type`: the role the child is spawned in, and the config layer its settings get (role-settings.ts). */
  readonly role?: SpawnRole | undefined;
}

/** A role as a spawn applies it. */
export interface SpawnRole {
  readonly name: string;
  readonly layer: Readonly<Record<string, unknown>>;
  /** The names the role's agents go by instead of the usual ones. */
  readonly nicknameCandidates: readonly string[] | null;
}

/** What sub-agents need from the server that holds the threads (the thread manager implements it). */
export interface SubAgentHost {
  /** Where configured agent roles are found (agent-roles.ts). */
  readonly codexHome: string;
  /**
   * A new thread for a sub-agent of `parent`, with its settings and the overrides, heard by the parent's
   * subscribers; started with `forkedHistory` of the parent's conversation when given.
   */
  createChild(
    parent: LoadedThread,
    link: SubAgentLink,
    overrides: SpawnOverrides,
    forkedHistory: readonly ResponseItem[] | null,
  ): LoadedThread;
  /**
   * Starts a turn of `child` on `input`, working for its parent's turn `turn.parentTurnId` (which works for the root
   * thread's turn `turn.rootTurnId`, the same turn for a child of the root); `finished` is told once it is
   * over. Returns the turn id.
   */
  startTurn(
    child: LoadedThread,
    input: readonly UserInput[],
    turn: ChildTurnIds,
    finished: (child: LoadedThread) => void,
  ): string;
  /** The loaded thread with this id, if it is loaded. */
  loaded(id: string): LoadedThread | undefined;
  /** The loaded thread with this id, loading it from its rollout when needed. */
  load(id: string): Promise<LoadedThread | undefined>;
  /** Drops a thread from memory (its rollout stays). */
  unload(thread: LoadedThread): Promise<void>;
  /**
   * Adds `item` to `thread`'s conversation and rollout: its running turn takes it at its next model request, an idle
   * thread's next turn finds it in the history.
   */
  addToConversation(thread: LoadedThread, item: ResponseItem): void;
}

/** One sub-agent the server knows of in this run. */
interface Agent {
  readonly id: string;
  readonly parentId: string;
  readonly nickname: string;
  status: AgentStatus;
  closed: boolean;
  /** Woken whenever the status changes (wait_agent). */
  readonly listeners: Set<() => void>;
}

/** A refusal the model reads as the tool's output. */
export class AgentToolError extends Error {}

/**
 * The sub-agents of every thread: spawning them as threads of their own, following their status from their turns,
 * and the operations the multi-agent tools perform on them. A finished child tells its parent's running turn with a
 * `<subagent_notification>` message unless a wait_agent call is already waiting for it (observed on the reference).
 */
export class SubAgents {
  readonly #host: SubAgentHost;
  readonly #agents = new Map<string, Agent>();

  constructor(host: SubAgentHost) {
    this.#host = host;
  }

  /** The agent roles configured for `thread` (agent-roles.ts), read anew each time: the files may change. */
  roles(thread: LoadedThread): Map<string, AgentRole> {
    return configuredRoles(thread.settings.config, this.#host.codexHome);
  }

  /** Whether `thread` may spawn sub-agents (under the depth limit). */
  maySpawn(thread: LoadedThread): boolean {
    return mayHaveChildren(thread);
  }

  /** The status of an agent; notFound for a closed agent or an id this server never spawned or resumed (observed). */
  status(id: string): AgentStatus {
    const agent = this.#agents.get(id);
    return agent === undefined || agent.closed ? { kind: 'notFound' } : agent.status;
  }

  /**
   * Spawns a child of `parent` on `input` and returns it (status `pendingInit`; its turn starts right after).
   * Interrupting the parent's turn (`signal`) interrupts the child's.
   */
  spawn(
    parent: LoadedThread,
    input: readonly UserInput[],
    overrides: SpawnOverrides,
    turn: { readonly turnId: string; readonly signal: AbortSignal },
  ): LoadedThread {
    const open = [...this.#agents.values()].filter((agent) => agent.parentId === parent.id && !agent.closed);
    if (open.length >= maxOpenAgents(parent.settings.config)) {
      // Observed: the refusal does not name the limit, whether it is the default or configured.
      throw new AgentToolError('collab spawn failed: agent thread limit reached');
    }
    const link: SubAgentLink = {
      parentThreadId: parent.id,
      depth: (parent.subAgent?.depth ?? 0) + 1,
      nickname: pickNickname(new Set(open.map((agent) => agent.nickname)), overrides.role?.nicknameCandidates ?? null),
      role: overrides.role?.name ?? null,
      rootThreadId: parent.subAgent?.rootThreadId ?? parent.id,
    };
    let child: LoadedThread;
    try {
      child = this.#host.createChild(parent, link, overrides, overrides.forkContext === true ? forkedHistory(parent.history) : null);
    } catch (error) {
      // The role's settings changed under us and no longer apply: the model is told, as for an unreadable role.
      if (error instanceof Error && error.message === ROLE_UNAVAILABLE) throw new AgentToolError(ROLE_UNAVAILABLE);
      throw error;
    }
    const agent: Agent = {
      id: child.id,
      parentId: parent.id,
      nickname: link.nickname,
      status: { kind: 'pendingInit' },
      closed: false,
      listeners: new Set(),
    };
    this.#agents.set(child.id, agent);
    try {
      this.#run(agent, child, input, childTurnIds(parent, turn.turnId));
    } catch (error) {
      // The child exists but cannot run (its model settings are unusable): it is reported, not left pending.
      const message = error instanceof Error ? error.message : String(error);
      this.#setStatus(agent, { kind: 'errored', message });
      throw new AgentToolError(`collab spawn failed: ${message}`);
    }
    turn.signal.addEventListener('abort', () => child.activeTurn?.abort.abort(new Error('parent interrupted')), { once: true });
    return child;
  }

  /**
   * Gives an agent more input: a new turn when it is idle, else joins its running turn (after stopping it when
   * `interrupt`). Returns the id of the turn that takes the input.
   */
  async send(id: string, input: readonly UserInput[], interrupt: boolean, parentTurnId: string): Promise<string> {
    const agent = this.#open(id);
    const child = await this.#host.load(id);
    if (child === undefined) throw new AgentToolError(`agent with id ${id} not found`);
    let active = child.activeTurn;
    if (active !== null && interrupt) {
      active.abort.abort(new Error('interrupted by send_input'));
      await active.done;
      active = child.activeTurn;
    }
    if (active !== null) {
      active.pendingSteers.push({ input, clientUserMessageId: null });
      return active.turnId;
    }
    const parent = this.#host.loaded(agent.parentId);
    return this.#run(agent, child, input, parent === undefined ? { rootTurnId: parentTurnId, parentTurnId } : childTurnIds(parent, parentTurnId));
  }

  /**
   * Waits until one of `ids` is final or `timeoutMs` passes. Returns the final statuses at that moment (every
   * target that is final, in the order given), or null on timeout.
   */
  async wait(ids: readonly string[], timeoutMs: number, signal: AbortSignal): Promise<Map<string, AgentStatus> | null> {
    const finals = () => new Map(ids.map((id) => [id, this.status(id)] as const).filter(([, status]) => isFinal(status)));
    const now = finals();
    if (now.size > 0) return now;
    const agents = ids.flatMap((id) => this.#agents.get(id) ?? []);
    return new Promise((resolve) => {
      const done = (result: Map<string, AgentStatus> | null) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        for (const agent of agents) agent.listeners.delete(check);
        resolve(result);
      };
      const check = () => {
        const found = finals();
        if (found.size > 0) done(found);
      };
      const aborted = () => done(null);
      const timer = setTimeout(() => done(null), timeoutMs);
      signal.addEventListener('abort', aborted, { once: true });
      for (const agent of agents) agent.listeners.add(check);
    });
  }

  /** Shuts an agent down (its running turn is interrupted, its thread unloaded); returns its status before. */
  async close(id: string): Promise<AgentStatus> {
    const agent = this.#open(id);
    const previous = agent.status;
    agent.closed = true;
    const child = await this.#host.load(id);
    if (child !== undefined) await this.#host.unload(child);
    this.#setStatus(agent, { kind: 'shutdown' });
    return previous;
  }

  /** Reopens a closed agent of `parent` from its rollout; it is `pendingInit` again until it gets input (observed). */
  async resume(parent: LoadedThread, id: string): Promise<AgentStatus> {
    const child = await this.#host.load(id);
    if (child === undefined || child.subAgent?.parentThreadId !== parent.id) {
      throw new AgentToolError(`agent with id ${id} not found`);
    }
    const known = this.#agents.get(id);
    const status: AgentStatus = { kind: 'pendingInit' };
    if (known !== undefined) {
      known.closed = false;
      this.#setStatus(known, status);
    } else {
      this.#agents.set(id, {
        id,
        parentId: parent.id,
        nickname: child.subAgent.nickname,
        status,
        closed: false,
        listeners: new Set(),
      });
    }
    return status;
  }

  #open(id: string): Agent {
    const agent = this.#agents.get(id);
    if (agent === undefined || agent.closed) throw new AgentToolError(`agent with id ${id} not found`);
    return agent;
  }

  #run(agent: Agent, child: LoadedThread, input: readonly UserInput[], turn: ChildTurnIds): string {
    const turnId = this.#host.startTurn(child, input, turn, (ended) => this.#turnEnded(agent, ended));
    this.#setStatus(agent, { kind: 'running' });
    return turnId;
  }

  #turnEnded(agent: Agent, child: LoadedThread): void {
    if (agent.closed) return;
    const waited = agent.listeners.size > 0;
    const status = statusAfterTurn(child);
    this.#setStatus(agent, status);
    // A wait_agent call that reports the result makes the notification redundant.
    if (!waited) this.#notifyParent(agent, status);
  }

  #setStatus(agent: Agent, status: AgentStatus): void {
    agent.status = status;
    for (const listener of [...agent.listeners]) listener();
  }

  /**
   * Tells the parent that a child finished: its running turn reads it at its next request; an idle parent is not
   * woken but its next turn reads it (observed from the reference 0.169.0).
   */
  #notifyParent(agent: Agent, status: AgentStatus): void {
    const parent = this.#host.loaded(agent.parentId);
    if (parent !== undefined) this.#host.addToConversation(parent, subAgentNotification(agent.id, status));
  }
}

/** The user message that tells a parent a child finished (its wording observed from the reference 0.169.0). */
function subAgentNotification(id: string, status: AgentStatus): ResponseItem {
  const body = JSON.stringify({ agent_path: id, status: statusForModel(status) });
  return withMessageId({
    type: 'message',
    role: 'user',
    content: [{ type: 'input_text', text: `<subagent_notification>\n${body}\n</subagent_notification>` }],
  });
}
