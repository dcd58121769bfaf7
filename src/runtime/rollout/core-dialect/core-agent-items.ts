import { lazySchema } from '../../../util/lazy-schema.js';
import * as z from 'zod';
import type { ThreadItem } from '../../../protocol/v2/items.js';
import type { CollabAgentState, CollabAgentTool } from '../../../protocol/v2/items-agents.js';
import { type AgentStatus, statusForModel } from '../../agents/agent-status.js';
import type { ItemTimes } from './core-items.js';

/*
 * The `collabAgentToolCall` item in the reference's core dialect, as 0.169.0 persists it in `item_completed`
 * (observed): `{"type":"CollabAgentToolCall","id","tool":"spawn_agent","status":"completed","sender_thread_id",
 * "receiver_thread_ids","receiver_agents":[…],"prompt"?,"model"?,"reasoning_effort"?,"agents_states":{<id>:
 * "pending_init" | {"completed":"<message>"} | …}}`. `receiver_agents` (nicknames) defaults to empty on read, so
 * it is not written here.
 */

type CollabItem = Extract<ThreadItem, { type: 'collabAgentToolCall' }>;

const CORE_TOOLS: Readonly<Record<CollabAgentTool, string>> = {
  spawnAgent: 'spawn_agent',
  sendInput: 'send_input',
  resumeAgent: 'resume_agent',
  wait: 'wait',
  closeAgent: 'close_agent',
  sendMessage: 'send_message',
  followupTask: 'followup_task',
  interruptAgent: 'interrupt_agent',
  listAgents: 'list_agents',
};
const WIRE_TOOLS = new Map(Object.entries(CORE_TOOLS).map(([wire, core]) => [core, wire as CollabAgentTool]));

const CORE_STATUS = { inProgress: 'in_progress', completed: 'completed', failed: 'failed', interrupted: 'interrupted' } as const;
const WIRE_STATUS = new Map<string, CollabItem['status']>(
  Object.entries(CORE_STATUS).map(([wire, core]) => [core, wire as CollabItem['status']]),
);

/** An agent's status in the core's serde form. */
const CoreAgentStatusSchema = lazySchema(() => z.union([
  z.enum(['pending_init', 'running', 'interrupted', 'shutdown', 'not_found']),
  z.object({ completed: z.string().nullable() }),
  z.object({ errored: z.string() }),
]));

export const CoreCollabAgentToolCallSchema = lazySchema(() => z.object({
  type: z.literal('CollabAgentToolCall'),
  id: z.string(),
  tool: z.string(),
  status: z.string(),
  sender_thread_id: z.string(),
  receiver_thread_ids: z.array(z.string()).default([]),
  prompt: z.string().nullish(),
  model: z.string().nullish(),
  reasoning_effort: z.string().nullish(),
  agents_states: z.record(z.string(), CoreAgentStatusSchema).default({}),
}));

/** A wire state in the core's form: the same serde form the model reads agent statuses in. */
function coreState(state: CollabAgentState): z.infer<typeof CoreAgentStatusSchema> {
  const status: AgentStatus =
    state.status === 'completed'
      ? { kind: 'completed', message: state.message }
      : state.status === 'errored'
        ? { kind: 'errored', message: state.message ?? '' }
        : { kind: state.status };
  return statusForModel(status) as z.infer<typeof CoreAgentStatusSchema>;
}

function wireState(state: z.infer<typeof CoreAgentStatusSchema>): CollabAgentState {
  if (typeof state === 'object') {
    return 'completed' in state ? { status: 'completed', message: state.completed } : { status: 'errored', message: state.errored };
  }
  if (state === 'pending_init') return { status: 'pendingInit', message: null };
  if (state === 'not_found') return { status: 'notFound', message: null };
  return { status: state, message: null };
}

export function coreCollabAgentToolCall(item: CollabItem): z.input<typeof CoreCollabAgentToolCallSchema> {
  return {
    type: 'CollabAgentToolCall',
    id: item.id,
    tool: CORE_TOOLS[item.tool],
    status: CORE_STATUS[item.status],
    sender_thread_id: item.senderThreadId,
    receiver_thread_ids: [...item.receiverThreadIds],
    ...(item.prompt === null ? {} : { prompt: item.prompt }),
    ...(item.model === null || item.model === '' ? {} : { model: item.model }),
    ...(item.reasoningEffort === null ? {} : { reasoning_effort: item.reasoningEffort }),
    agents_states: Object.fromEntries(Object.entries(item.agentsStates).map(([id, state]) => [id, coreState(state)])),
  };
}

/** The wire item for a persisted one; null for a tool or status this protocol does not know. */
export function collabAgentToolCallFromCore(
  core: z.infer<typeof CoreCollabAgentToolCallSchema>,
  times: ItemTimes,
): CollabItem | null {
  const tool = WIRE_TOOLS.get(core.tool);
  const status = WIRE_STATUS.get(core.status);
  if (tool === undefined || status === undefined) return null;
  return {
    type: 'collabAgentToolCall',
    id: core.id,
    tool,
    status,
    senderThreadId: core.sender_thread_id,
    receiverThreadIds: core.receiver_thread_ids,
    prompt: core.prompt ?? null,
    model: core.model ?? null,
    reasoningEffort: (core.reasoning_effort ?? null) as CollabItem['reasoningEffort'],
    agentsStates: Object.fromEntries(Object.entries(core.agents_states).map(([id, state]) => [id, wireState(state)])),
    startedAtMs: times.startedAtMs,
    completedAtMs: times.completedAtMs,
  };
}
