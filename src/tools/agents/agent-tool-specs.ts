/**
 * The multi-agent tools, offered as one `namespace` tool: start a sub-agent, message it, wait for it, close it and
 * bring it back. Namespace, tool names, order and parameter schemas as the reference 0.169.0 sends them (captured
 * from its model request); the descriptions are ours.
 */

import { functionToolSpec } from '../function-tool-spec.js';

export const AGENT_NAMESPACE = 'multi_agent_v1';
export const SPAWN_AGENT_TOOL_NAME = 'spawn_agent';
export const SEND_INPUT_TOOL_NAME = 'send_input';
export const WAIT_AGENT_TOOL_NAME = 'wait_agent';
export const RESUME_AGENT_TOOL_NAME = 'resume_agent';
export const CLOSE_AGENT_TOOL_NAME = 'close_agent';

/** wait_agent's timeout when none is given, and the bounds a given one is clamped to (milliseconds). */
export const WAIT_TIMEOUT_DEFAULT_MS = 30_000;
export const WAIT_TIMEOUT_MIN_MS = 10_000;
export const WAIT_TIMEOUT_MAX_MS = 3_600_000;

/** Structured input parts, for spawn_agent and send_input (the alternative to a plain `message`). */
function inputItemsProperty(): Record<string, unknown> {
  const text = (description: string) => ({ type: 'string', description });
  return {
    type: 'array',
    description: 'Input parts for the agent, for anything a plain message cannot carry (images, skills, mentions of app:// connectors).',
    items: {
      type: 'object',
      properties: {
        audio_url: text('For an audio part: its data URL.'),
        image_url: text('For an image part: its URL.'),
        name: text('For a skill or mention part: the name shown for it.'),
        path: text(
          'For local_image, local_audio and skill parts: the file path. For a mention: the target, such as ' +
            'app://<connector-id> or plugin://<plugin-name>@<marketplace-name>.',
        ),
        text: text('For a text part: the text.'),
        type: text('The kind of part: text, image, local_image, audio, local_audio, skill or mention.'),
      },
      additionalProperties: false,
    },
  };
}

function closeAgentSpec(): Record<string, unknown> {
  return functionToolSpec(
    CLOSE_AGENT_TOOL_NAME,
    'Shut down a sub-agent (and any agents it started) once you no longer need it, and get back the status it had ' +
      'before it was closed. A finished agent stays open, and counts against the limit on concurrent agents, until ' +
      'you close it, so close agents promptly.',
    { target: { type: 'string', description: 'The id of the agent to close, as spawn_agent returned it.' } },
    ['target'],
  );
}

function resumeAgentSpec(): Record<string, unknown> {
  return functionToolSpec(
    RESUME_AGENT_TOOL_NAME,
    'Reopen an agent you closed earlier, with its conversation intact, so that send_input and wait_agent work on it again.',
    { id: { type: 'string', description: 'The id of the agent to reopen.' } },
    ['id'],
  );
}

function sendInputSpec(): Record<string, unknown> {
  return functionToolSpec(
    SEND_INPUT_TOOL_NAME,
    'Send a follow-up message to an agent you started. By default the message waits until the agent finishes what ' +
      'it is doing; with interrupt=true it stops the current work and takes the message at once. When a new task ' +
      'builds on what an agent already learned, message that agent rather than starting a new one.',
    {
      interrupt: {
        type: 'boolean',
        description: 'true: stop the agent’s current work and handle this message now. false or absent: queue it.',
      },
      items: inputItemsProperty(),
      message: { type: 'string', description: 'The message as plain text. Give either message or items.' },
      target: { type: 'string', description: 'The id of the agent to message, as spawn_agent returned it.' },
    },
    ['target'],
  );
}

const SPAWN_GUIDANCE = `Start a sub-agent on a well-scoped task. It runs on its own thread, in parallel with you, and you get back its id (and a nickname to mention it by). It uses your model and reasoning effort unless you override them; override only when the user asks for a particular model.

Only delegate when the user, an AGENTS.md file or a skill explicitly asks for sub-agents, delegation or parallel agent work. A request for depth, thoroughness or research is not, by itself, permission to spawn.

How to delegate well:
- Plan first. Work out which step is on your critical path and do that one yourself; hand out side tasks that can progress in parallel without blocking your next step.
- Give each agent a concrete, self-contained task with a clear deliverable. Do not give two agents the same work, and do not redo an agent's work yourself.
- For code changes, give each agent its own set of files to edit, tell it to edit them directly, and ask it to list the files it changed in its final answer.
- Keep working while agents run. Call wait_agent only when your next step truly needs an agent's result, not out of habit; you are notified when an agent finishes.
- Independent questions can go to several agents at once, in the same round.
- When an agent reports back, review its result before building on it.`;

/** A model spawn_agent may name in `model`, with what it offers (from the server's model catalogue). */
export interface OverrideModel {
  readonly slug: string;
  readonly description: string;
  readonly reasoningEfforts: readonly string[];
  readonly defaultReasoningEffort: string | null;
  readonly serviceTiers: readonly string[];
}

/** The guidance, then the models the agent may ask for, one a line. */
function spawnDescription(models: readonly OverrideModel[]): string {
  if (models.length === 0) return SPAWN_GUIDANCE;
  const lines = models.map((model) => {
    const efforts = model.reasoningEfforts.map((effort) => (effort === model.defaultReasoningEffort ? `${effort} (default)` : effort));
    const tiers = model.serviceTiers.length === 0 ? '' : ` Service tiers: ${model.serviceTiers.join(', ')}.`;
    return `- \`${model.slug}\`: ${model.description} Reasoning efforts: ${efforts.join(', ')}.${tiers}`;
  });
  return `${SPAWN_GUIDANCE}\n\nModels you may name in \`model\` (only when asked for; by default the agent runs on yours):\n${lines.join('\n')}`;
}

/** A role spawn_agent's `agent_type` may name, with the model and effort its settings fix (null: not fixed). */
export interface RoleChoice {
  readonly name: string;
  readonly description: string;
  readonly model: string | null;
  readonly reasoningEffort: string | null;
}

/** What a role fixes, told so that the agent does not ask for a model or effort the role will not take. */
function fixedSettings(role: RoleChoice): string {
  const fixed = [
    ...(role.model === null ? [] : [`model \`${role.model}\``]),
    ...(role.reasoningEffort === null ? [] : [`reasoning effort \`${role.reasoningEffort}\``]),
  ];
  if (fixed.length === 0) return '';
  return `\nAlways runs with ${fixed.join(' and ')}; a \`model\` or \`reasoning_effort\` you pass does not change that.`;
}

/** `agent_type`'s description: what leaving it out means, then each role under its name. */
function agentTypeDescription(roles: readonly RoleChoice[]): string {
  const listed = roles.map((role) => `### ${role.name}\n${role.description}${fixedSettings(role)}`);
  return (
    'The kind of agent to start. Without it the agent is a `default` one. An agent started with fork_context=true ' +
    `keeps your own kind: do not give it one.\nKinds you can start:\n${listed.join('\n')}`
  );
}

function spawnAgentSpec(models: readonly OverrideModel[], roles: readonly RoleChoice[] | null): Record<string, unknown> {
  return functionToolSpec(
    SPAWN_AGENT_TOOL_NAME,
    spawnDescription(models),
    {
      // Offered only when roles are configured, as the reference offers it (observed).
      ...(roles === null ? {} : { agent_type: { type: 'string', description: agentTypeDescription(roles) } }),
      fork_context: {
        type: 'boolean',
        description: 'true: the agent starts with a copy of this conversation. false or absent: it starts with only its task.',
      },
      items: inputItemsProperty(),
      message: { type: 'string', description: 'The task for the new agent, as plain text. Give either message or items.' },
      model: { type: 'string', description: 'A different model for the agent. Leave it out unless one was asked for.' },
      reasoning_effort: {
        type: 'string',
        description: 'A different reasoning effort for the agent. Leave it out to use yours.',
      },
    },
    null,
  );
}

function waitAgentSpec(): Record<string, unknown> {
  return functionToolSpec(
    WAIT_AGENT_TOOL_NAME,
    'Wait until one of the given agents has finished (completed, failed, interrupted or shut down), and get their ' +
      'statuses, with the final message of those that completed. On timeout the status map is empty and timed_out ' +
      'is true. You are also sent a notification when an agent finishes, so there is no need to poll.',
    {
      targets: {
        type: 'array',
        description: 'The ids of the agents to wait for; the wait ends as soon as any one of them has finished.',
        items: { type: 'string' },
      },
      timeout_ms: {
        type: 'number',
        description: `How long to wait, in milliseconds: ${WAIT_TIMEOUT_DEFAULT_MS} when absent, at least ${WAIT_TIMEOUT_MIN_MS}, at most ${WAIT_TIMEOUT_MAX_MS}. Prefer waits of minutes over frequent short ones.`,
      },
    },
    ['targets'],
  );
}

/**
 * The `multi_agent_v1` namespace tool, its tools in the reference's (alphabetical) order; spawn_agent's description
 * lists `overrideModels`, as the reference lists the models a spawn may ask for, and its `agent_type` parameter the
 * `roles` (none: no such parameter).
 */
export function agentNamespaceSpec(
  overrideModels: readonly OverrideModel[] = [],
  roles: readonly RoleChoice[] | null = null,
): Record<string, unknown> {
  return {
    type: 'namespace',
    name: AGENT_NAMESPACE,
    description: 'Start sub-agents that work in parallel with you, and manage them.',
    tools: [closeAgentSpec(), resumeAgentSpec(), sendInputSpec(), spawnAgentSpec(overrideModels, roles), waitAgentSpec()],
  };
}
