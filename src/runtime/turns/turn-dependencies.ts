import type { ModelClient, RequestHeadersHook } from '../../model/client.js';
import type { ResponseItem, TokenUsage } from '../../model/events.js';
import type { RequestIdentity } from '../../model/request.js';
import type { UserInput } from '../../protocol/v2/user-input.js';
import type { Logger } from '../../util/logger.js';
import type { HookDependencies } from '../hooks/turn-hooks.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import type { ToolHandler } from '../turn-tools/tool-context.js';

/*
 * The contract between a turn and the server around it: what turn-runner.ts is given to run one, so the thread
 * manager and the queue that build it need not know how the agent loop works.
 */

/** What a turn needs from the server around it. */
export interface TurnDependencies {
  /** The model client for the thread's current settings (provider, retries). */
  readonly modelClient: ModelClient;
  /** Headers decided just before each model request is sent (attestation). */
  readonly requestHeaders?: RequestHeadersHook;
  /** Identity headers of the model requests: the client that started the turn. */
  readonly identity: Omit<RequestIdentity, 'threadId'>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where AGENTS.md, skills and the installation id are found. */
  readonly codexHome: string;
  readonly log: Logger;
  /** Told when a persisted thread's rollout changed (the thread index keeps its summary current). */
  readonly onPersisted: (thread: LoadedThread) => void;
  /** Context window reported in token usage (config `model_context_window`, else the catalogue default). */
  readonly modelContextWindow: number | null;
  /** The conversation size (tokens) at which the turn compacts it first; null: never on its own. */
  readonly autoCompactTokenLimit: number | null;
  /** Whether the model server compacts the conversation (OpenAI's own provider) instead of a summary request. */
  readonly remoteCompaction: boolean;
  /**
   * Told when a turn has completed and is durable, before the thread goes idle (the read receipt changes there:
   * the reference sends `thread/readState/changed` before `thread/status/changed`; failed turns change nothing).
   */
  readonly onTurnEnded: (thread: LoadedThread, turnId: string) => Promise<void>;
  /** Told when the turn is over and the thread has no active turn any more (a queued submission may start). */
  readonly onTurnFinished: (thread: LoadedThread) => void;
  /**
   * Told before each model request; the function it returns is told the response's token usage once its tool
   * calls are answered (a goal being pursued when the request went out is charged with it).
   */
  readonly startResponse?: (
    thread: LoadedThread,
    turnId: string,
  ) => Promise<(usage: TokenUsage | null) => Promise<void>>;
  /** The tools offered to the model, and their implementations. */
  readonly tools: readonly ToolHandler[];
  /** The configured hooks the turn runs at its events; none when absent. */
  readonly hooks?: HookDependencies;
}

export interface StartTurnInput {
  /** The user's message; empty for a turn the server starts by itself. */
  readonly input: readonly UserInput[];
  readonly clientUserMessageId: string | null;
  /** A compaction turn (thread/compact/start): it compacts the conversation instead of taking input. */
  readonly compaction?: boolean;
  /** The root thread's turn this one works for: a sub-agent's turns carry their parent's (observed). */
  readonly rootTurnId?: string;
  /** For a sub-agent's turn: its parent's turn, when that is not the root turn (a sub-agent of a sub-agent). */
  readonly parentTurnId?: string;
  /** Items the model reads before the user's message (a goal continuation's context). */
  readonly context?: readonly ResponseItem[];
}
