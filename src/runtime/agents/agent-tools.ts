import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { CollabAgentTool } from '../../protocol/v2/items-agents.js';
import type { UserInput } from '../../protocol/v2/user-input.js';
import {
  AGENT_NAMESPACE,
  CLOSE_AGENT_TOOL_NAME,
  RESUME_AGENT_TOOL_NAME,
  SEND_INPUT_TOOL_NAME,
  SPAWN_AGENT_TOOL_NAME,
  WAIT_AGENT_TOOL_NAME,
  WAIT_TIMEOUT_DEFAULT_MS,
  WAIT_TIMEOUT_MAX_MS,
  WAIT_TIMEOUT_MIN_MS,
  agentNamespaceSpec,
} from '../../tools/agents/agent-tool-specs.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { modelFacts } from '../models/model-facts.js';
import { parseArguments } from '../turn-tools/parse-arguments.js';
import { argumentsError } from '../turn-tools/tool-call.js';
import type { ToolContext, ToolHandler, ToolOutput } from '../turn-tools/tool-context.js';
import { type AgentStatus, collabState, statusForModel } from './agent-status.js';
import { overrideModels, spawnOverrideRefusal } from './spawn-overrides.js';
import { findRole, ROLE_UNAVAILABLE, roleChoices, roleLayer } from './agent-roles.js';
import { AgentToolError, type SpawnRole, type SubAgents } from './sub-agents.js';

const InputItemSchema = lazySchema(() => z.looseObject({
  type: z.string().optional(),
  text: z.string().optional(),
  image_url: z.string().optional(),
  audio_url: z.string().optional(),
  path: z.string().optional(),
  name: z.string().optional(),
}));
const SpawnArgumentsSchema = lazySchema(() => z.object({
  message: z.string().nullish(),
  items: z.array(InputItemSchema).nullish(),
  model: z.string().nullish(),
  reasoning_effort: z.string().nullish(),
  fork_context: z.boolean().nullish(),
  agent_type: z.string().nullish(),
}));
const SendArgumentsSchema = lazySchema(() => z.object({
  target: z.string(),
  message: z.string().nullish(),
  items: z.array(InputItemSchema).nullish(),
  interrupt: z.boolean().nullish(),
}));
const WaitArgumentsSchema = lazySchema(() => z.object({ targets: z.array(z.string()), timeout_ms: z.number().nullish() }));
const CloseArgumentsSchema = lazySchema(() => z.object({ target: z.string() }));
const ResumeArgumentsSchema = lazySchema(() => z.object({ id: z.string() }));

type CollabItem = Extract<ThreadItem, { type: 'collabAgentToolCall' }>;
type CollabFields = Pick<CollabItem, 'receiverThreadIds' | 'prompt' | 'model' | 'reasoningEffort' | 'agentsStates'>;

/**
 * The `multi_agent_v1` namespace: one handler for its five tools. Each call is shown to clients as a
 * `collabAgentToolCall` item (started, then completed with the state of the agents it touched) and answers the model
 * with the facts the reference 0.169.0 reports, as JSON (observed): spawn → `{agent_id, nickname}`, send_input →
 * `{submission_id}`, wait_agent → `{status: {<id>: <status>}, timed_out}`, close_agent → `{previous_status}`.
 */
export function agentTools(agents: SubAgents, thread: LoadedThread): ToolHandler {
  return {
    name: AGENT_NAMESPACE,
    spec: () => agentNamespaceSpec(overrideModels(), roleChoices(agents.roles(thread))),
    async handle(call, context) {
      try {
        switch (call.name) {
          case SPAWN_AGENT_TOOL_NAME:
            return await spawnAgent(agents, call.callId, call.payload, context);
          case SEND_INPUT_TOOL_NAME:
            return await sendInput(agents, call.callId, call.payload, context);
          case WAIT_AGENT_TOOL_NAME:
            return await waitAgent(agents, call.callId, call.payload, context);
          case CLOSE_AGENT_TOOL_NAME:
            return await closeAgent(agents, call.callId, call.payload, context);
          case RESUME_AGENT_TOOL_NAME:
            return await resumeAgent(agents, call.callId, call.payload, context);
          default:
            return `unsupported call: ${AGENT_NAMESPACE}${call.name}`;
        }
      } catch (error) {
        if (error instanceof AgentToolError) return error.message;
        throw error;
      }
    },
  };
}

/**
 * The user input a `message` or `items` argument stands for, refused as the reference 0.169.0 refuses it (one of the
 * two, a message that is not blank, items that are not empty); items of kinds the tools do not know are left out.
 */
function inputOf(message: string | null | undefined, items: readonly z.infer<typeof InputItemSchema>[] | null | undefined): UserInput[] {
  if (message != null && items != null) throw new AgentToolError('Provide either message or items, but not both');
  if (message != null) {
    if (message.trim() === '') throw new AgentToolError("Empty message can't be sent to an agent");
    return [{ type: 'text', text: message, text_elements: [] }];
  }
  if (items == null) throw new AgentToolError('Provide one of: message or items');
  const input = items.flatMap((item) => {
    const part = userInputOf(item);
    return part === null ? [] : [part];
  });
  if (input.length === 0) throw new AgentToolError("Items can't be empty");
  return input;
}

/** One input part of the tools' `items` (snake_case kinds, as the reference's schema names them) as user input. */
function userInputOf(item: z.infer<typeof InputItemSchema>): UserInput | null {
  const { text, image_url: imageUrl, audio_url: audioUrl, path, name } = item;
  switch (item.type ?? 'text') {
    case 'text':
      return text === undefined ? null : { type: 'text', text, text_elements: [] };
    case 'image':
      return imageUrl === undefined ? null : { type: 'image', url: imageUrl, detail: null };
    case 'local_image':
      return path === undefined ? null : { type: 'localImage', path, detail: null };
    case 'audio':
      return audioUrl === undefined ? null : { type: 'audio', url: audioUrl };
    case 'local_audio':
      return path === undefined ? null : { type: 'localAudio', path };
    case 'skill':
      return path === undefined || name === undefined ? null : { type: 'skill', name, path };
    case 'mention':
      return path === undefined || name === undefined ? null : { type: 'mention', name, path };
    default:
      return null;
  }
}

/** The input as a collab item's `prompt` shows it, one line per part (the reference 0.169.0's rendering). */
function promptOf(input: readonly UserInput[]): string {
  return input
    .map((part) => {
      switch (part.type) {
        case 'text':
          return part.text;
        case 'image':
          return '[image]';
        case 'localImage':
          return `[local_image:${part.path}]`;
        case 'audio':
          return '[audio]';
        case 'localAudio':
          return `[local_audio:${part.path}]`;
        case 'skill':
          return `[skill:$${part.name}](${part.path})`;
        case 'mention':
          return `[mention:$${part.name}](${part.path})`;
      }
    })
    .join('\n');
}

function effortOf(thread: LoadedThread): string | null {
  return thread.settings.reasoningEffort ?? modelFacts(thread.settings.model).defaultReasoningEffort ?? 'medium';
}

/**
 * Sends `item/started` for a collab call now and returns what completes it: `item/completed` with the final fields,
 * recorded in the turn and the rollout.
 */
function startCollabItem(
  context: ToolContext,
  id: string,
  tool: CollabAgentTool,
  fields: CollabFields,
): (ending: Partial<CollabFields> & Pick<CollabItem, 'status'>) => void {
  const { thread, turnId } = context;
  const startedAtMs = Date.now();
  const item: CollabItem = {
    type: 'collabAgentToolCall',
    id,
    tool,
    status: 'inProgress',
    senderThreadId: thread.id,
    ...fields,
    startedAtMs,
    completedAtMs: null,
  };
  thread.emit(ServerNotifications.itemStarted, { item, threadId: thread.id, turnId, startedAtMs });
  return (ending) => {
    const completedAtMs = Date.now();
    const done: CollabItem = { ...item, ...ending, completedAtMs };
    thread.emit(ServerNotifications.itemCompleted, { item: done, threadId: thread.id, turnId, completedAtMs });
    context.recordItem(done);
  };
}

/**
 * Runs `work` inside a collab item; a refusal completes the item `failed` (with the agents' states `failedStates`
 * gives) and reaches the model as text.
 */
async function withItem<T>(
  complete: ReturnType<typeof startCollabItem>,
  work: () => Promise<T>,
  failedStates: () => CollabItem['agentsStates'] = () => ({}),
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    complete({ status: 'failed', agentsStates: failedStates() });
    throw error;
  }
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Refuses an agent id that is not a thread id at all, before any item is shown (observed). */
function checkAgentId(id: string): void {
  if (!UUID.test(id)) throw new AgentToolError(`invalid agent id ${id}: not a UUID`);
}

async function spawnAgent(agents: SubAgents, callId: string, payload: string, context: ToolContext): Promise<ToolOutput> {
  const parsed = parseArguments(payload, SpawnArgumentsSchema);
  if (!parsed.ok) return argumentsError(parsed.error);
  const args = parsed.value;
  const input = inputOf(args.message, args.items);
  const parent = context.thread;
  const complete = startCollabItem(context, callId, 'spawnAgent', {
    receiverThreadIds: [],
    prompt: promptOf(input),
    model: args.model ?? '',
    reasoningEffort: args.reasoning_effort ?? effortOf(parent),
    agentsStates: {},
  });
  const overrides = {
    model: args.model ?? undefined,
    reasoningEffort: args.reasoning_effort ?? undefined,
    forkContext: args.fork_context ?? undefined,
  };
  // Observed: an override or a role refused here leaves the started item without a completion.
  const refusal = spawnOverrideRefusal(parent.settings.model, overrides);
  if (refusal !== null) return refusal;
  const role = spawnRole(agents, parent, args.agent_type, args.fork_context === true);
  if (typeof role === 'string') return role;
  return withItem(complete, async () => {
    const child = agents.spawn(parent, input, { ...overrides, role }, context);
    complete({
      status: 'completed',
      receiverThreadIds: [child.id],
      model: child.settings.model,
      reasoningEffort: effortOf(child),
      agentsStates: { [child.id]: { status: 'pendingInit', message: null } },
    });
    return JSON.stringify({ agent_id: child.id, nickname: child.subAgent?.nickname ?? null });
  });
}

/** The reference 0.169.0's refusal of a role for a forked child, which keeps its parent's. */
const FORKED_ROLE_REFUSAL =
  'Full-history forked agents inherit the parent agent type; omit agent_type, or spawn without a full-history fork.';

/**
 * The role `agent_type` asks for (none for a blank one, observed), or the refusal the model reads: a role for a
 * forked child, an unknown role, a role whose settings cannot be read (the reference's texts).
 */
function spawnRole(
  agents: SubAgents,
  parent: LoadedThread,
  requested: string | null | undefined,
  forked: boolean,
): SpawnRole | undefined | string {
  const name = requested?.trim() ?? '';
  if (name === '') return undefined;
  if (forked) return FORKED_ROLE_REFUSAL;
  const role = findRole(agents.roles(parent), name);
  if (role === undefined) return `unknown agent_type '${name}'`;
  try {
    return { name, layer: roleLayer(role), nicknameCandidates: role.nicknameCandidates };
  } catch {
    return ROLE_UNAVAILABLE;
  }
}

async function sendInput(agents: SubAgents, callId: string, payload: string, context: ToolContext): Promise<ToolOutput> {
  const parsed = parseArguments(payload, SendArgumentsSchema);
  if (!parsed.ok) return argumentsError(parsed.error);
  const { target, message, items, interrupt } = parsed.value;
  checkAgentId(target);
  const input = inputOf(message, items);
  const complete = startCollabItem(context, callId, 'sendInput', {
    receiverThreadIds: [target],
    prompt: promptOf(input),
    model: null,
    reasoningEffort: null,
    agentsStates: {},
  });
  return withItem(complete, async () => {
    const before = agents.status(target);
    const submissionId = await agents.send(target, input, interrupt === true, context.turnId);
    complete({ status: 'completed', agentsStates: { [target]: collabState(before) } });
    return JSON.stringify({ submission_id: submissionId });
  }, () => ({ [target]: collabState(agents.status(target)) }));
}

async function waitAgent(agents: SubAgents, callId: string, payload: string, context: ToolContext): Promise<ToolOutput> {
  const parsed = parseArguments(payload, WaitArgumentsSchema);
  if (!parsed.ok) return argumentsError(parsed.error);
  const { targets, timeout_ms: requested } = parsed.value;
  if (targets.length === 0) return 'agent ids must be non-empty';
  targets.forEach(checkAgentId);
  const timeoutMs = Math.min(Math.max(requested ?? WAIT_TIMEOUT_DEFAULT_MS, WAIT_TIMEOUT_MIN_MS), WAIT_TIMEOUT_MAX_MS);
  const complete = startCollabItem(context, callId, 'wait', {
    receiverThreadIds: [...targets],
    prompt: null,
    model: null,
    reasoningEffort: null,
    agentsStates: {},
  });
  const finals = await agents.wait(targets, timeoutMs, context.signal);
  const statuses: [string, AgentStatus][] = [...(finals ?? new Map<string, AgentStatus>())];
  // Observed: the completed item names the agents the wait reports (all targets when it timed out), and is
  // `failed` when one of them does not exist (or was closed).
  complete({
    status: statuses.some(([, status]) => status.kind === 'notFound') ? 'failed' : 'completed',
    ...(finals === null ? {} : { receiverThreadIds: statuses.map(([id]) => id) }),
    agentsStates: Object.fromEntries(statuses.map(([id, status]) => [id, collabState(status)])),
  });
  return JSON.stringify({
    status: Object.fromEntries(statuses.map(([id, status]) => [id, statusForModel(status)])),
    timed_out: finals === null,
  });
}

/** close_agent and resume_agent: one agent acted on, its resulting state shown, a status fact for the model. */
async function actOnAgent(
  context: ToolContext,
  callId: string,
  tool: CollabAgentTool,
  id: string,
  act: () => Promise<{ readonly state: AgentStatus; readonly output: Record<string, unknown> }>,
): Promise<ToolOutput> {
  checkAgentId(id);
  const complete = startCollabItem(context, callId, tool, {
    receiverThreadIds: [id],
    prompt: null,
    model: null,
    reasoningEffort: null,
    agentsStates: {},
  });
  return withItem(complete, async () => {
    const { state, output } = await act();
    complete({ status: 'completed', agentsStates: { [id]: collabState(state) } });
    return JSON.stringify(output);
  }, () => ({ [id]: { status: 'notFound', message: null } }));
}

async function closeAgent(agents: SubAgents, callId: string, payload: string, context: ToolContext): Promise<ToolOutput> {
  const parsed = parseArguments(payload, CloseArgumentsSchema);
  if (!parsed.ok) return argumentsError(parsed.error);
  const { target } = parsed.value;
  return actOnAgent(context, callId, 'closeAgent', target, async () => {
    const previous = await agents.close(target);
    return { state: previous, output: { previous_status: statusForModel(previous) } };
  });
}

async function resumeAgent(agents: SubAgents, callId: string, payload: string, context: ToolContext): Promise<ToolOutput> {
  const parsed = parseArguments(payload, ResumeArgumentsSchema);
  if (!parsed.ok) return argumentsError(parsed.error);
  const { id } = parsed.value;
  return actOnAgent(context, callId, 'resumeAgent', id, async () => {
    const status = await agents.resume(context.thread, id);
    return { state: status, output: { status: statusForModel(status) } };
  });
}
