import { sseReply, textTurnFrames, type RecordedRequest, type ScriptedReply, type SseReply } from './fake-model-server.js';
import { isNotification } from './rpc-client.js';
import type { RpcTestClient, ServerMessage } from './rpc-client.js';

/**
 * A fake model scripting a parent that delegates: it spawns two children (A and B), waits for both, sends A more
 * input, waits for A again, closes B and answers. Each request is answered from what it carries: the parent's by
 * how many tool outputs it has seen, a child's by its task. The same script runs against this server and the
 * reference, so their item sequences can be compared.
 */

export const PARENT_PROMPT = 'PARENT GO';
const NAMESPACE = 'multi_agent_v1';

export function namespacedCall(name: string, args: unknown, callId: string): SseReply {
  const item = { type: 'function_call', id: `fc_${callId}`, call_id: callId, name, namespace: NAMESPACE, arguments: JSON.stringify(args) };
  return sseReply([
    { type: 'response.created', response: { id: `resp_${callId}` } },
    { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress' } },
    { type: 'response.output_item.done', output_index: 0, item: { ...item, status: 'completed' } },
    { type: 'response.completed', response: { id: `resp_${callId}`, usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 } } },
  ]);
}

/** `reply`, its first frame held until `until` settles. */
function held(reply: SseReply, until: Promise<void>): SseReply {
  return { ...reply, hold: { count: 0, until } };
}

function text(answer: string, id: string): SseReply {
  return sseReply(textTurnFrames([answer], { responseId: `resp_${id}`, itemId: `msg_${id}` }));
}

/**
 * A parent (prompted with PARENT_PROMPT) that spawns `spawns` in turn, one spawn_agent call per request, then answers;
 * every child answers at once. `outputs` collects the parent's tool outputs, in order.
 */
export function spawningParentScript(spawns: readonly Record<string, unknown>[]): { replies: ScriptedReply[]; outputs: string[] } {
  const outputs: string[] = [];
  const decide = (request: RecordedRequest): SseReply => {
    const input = (request.body as { input: Array<Record<string, unknown>> }).input;
    if (!JSON.stringify(input).includes(PARENT_PROMPT)) return text('child done', 'child');
    const seen = input.filter((item) => item.type === 'function_call_output').map((item) => String(item.output));
    if (seen.length > outputs.length) outputs.push(seen.at(-1) as string);
    const spawn = spawns[seen.length];
    return spawn === undefined ? text('parent done', 'parent') : namespacedCall('spawn_agent', spawn, `call_spawn_${seen.length}`);
  };
  return { replies: Array.from({ length: 20 }, () => ({ kind: 'dynamic' as const, reply: decide })), outputs };
}

/** The script's replies, what it saw (the outputs of the parent's tool calls, in order), and B's release. */
export interface DelegationScript {
  readonly replies: ScriptedReply[];
  readonly toolOutputs: string[];
  /**
   * Lets child B answer. Held until the parent's first wait has completed, so that wait deterministically reports
   * A alone (on both servers) and A is idle when it gets more input.
   */
  readonly releaseB: () => void;
  /**
   * Lets the parent close B. Held until B's turn has completed, so that close_agent deterministically reports B
   * completed however slowly B's answer is processed.
   */
  readonly bFinished: () => void;
}

export function delegationScript(): DelegationScript {
  const toolOutputs: string[] = [];
  let releaseB: () => void = () => {};
  const bReleased = new Promise<void>((resolve) => {
    releaseB = resolve;
  });
  let bFinished: () => void = () => {};
  const bDone = new Promise<void>((resolve) => {
    bFinished = resolve;
  });
  const decide = (request: RecordedRequest): SseReply => {
    const input = (request.body as { input: Array<Record<string, unknown>> }).input;
    const all = JSON.stringify(input);
    if (all.includes(PARENT_PROMPT)) {
      const outputs = input.filter((item) => item.type === 'function_call_output').map((item) => String(item.output));
      if (outputs.length > toolOutputs.length) toolOutputs.push(outputs.at(-1) as string);
      const ids = outputs.slice(0, 2).map((output) => (JSON.parse(output) as { agent_id: string }).agent_id);
      switch (outputs.length) {
        case 0:
          return namespacedCall('spawn_agent', { message: 'CHILD A task' }, 'call_spawn_a');
        case 1:
          return namespacedCall('spawn_agent', { message: 'CHILD B task' }, 'call_spawn_b');
        case 2:
          return namespacedCall('wait_agent', { targets: ids, timeout_ms: 10_000 }, 'call_wait_both');
        case 3:
          return namespacedCall('send_input', { target: ids[0], message: 'CHILD A more' }, 'call_send_a');
        case 4:
          return namespacedCall('wait_agent', { targets: [ids[0]], timeout_ms: 10_000 }, 'call_wait_a');
        case 5:
          return held(namespacedCall('close_agent', { target: ids[1] }, 'call_close_b'), bDone);
        default:
          return text('parent done', 'parent');
      }
    }
    if (all.includes('CHILD A more')) return text('A second result', 'a2');
    if (all.includes('CHILD A task')) return text('A result', 'a');
    if (all.includes('CHILD B task')) {
      return sseReply(textTurnFrames(['B result'], { responseId: 'resp_b', itemId: 'msg_b' }), { hold: { count: 0, until: bReleased } });
    }
    return text('unexpected request', 'unexpected');
  };
  return { replies: Array.from({ length: 20 }, () => ({ kind: 'dynamic' as const, reply: decide })), toolOutputs, releaseB, bFinished };
}

/**
 * Starts the parent's turn on a new thread of `client`, releases child B once the first wait has completed, lets
 * the parent close B once B's turn has completed, and waits for the parent's turn to complete; returns the parent's
 * thread id.
 */
export async function runDelegation(client: RpcTestClient, cwd: string, script: DelegationScript): Promise<string> {
  const threadId = (await client.call('thread/start', { cwd })).thread.id;
  await client.request('turn/start', { threadId, input: [{ type: 'text', text: PARENT_PROMPT }] });
  await client.notification(
    'item/completed',
    ({ item }) => item.type === 'collabAgentToolCall' && item.tool === 'wait',
    30_000,
  );
  script.releaseB();
  const spawnB = await client.notification(
    'item/completed',
    ({ item }) => item.type === 'collabAgentToolCall' && item.tool === 'spawnAgent' && item.prompt === 'CHILD B task',
    30_000,
  );
  const { item: spawned } = spawnB.params;
  const childB = spawned.type === 'collabAgentToolCall' ? spawned.receiverThreadIds[0] : undefined;
  await client.notification('turn/completed', (params) => params.threadId === childB, 30_000);
  script.bFinished();
  await client.notification('turn/completed', (params) => params.threadId === threadId, 30_000);
  return threadId;
}

/**
 * The parent's collab items as lines (`item/completed:wait completed {A:completed "A result"}`), with the
 * children's ids replaced by A and B (by spawn order).
 */
export function collabLines(messages: readonly ServerMessage[], parentId: string): string[] {
  const names = new Map<string, string>();
  const lines: string[] = [];
  for (const message of messages) {
    if (!isNotification(message, 'item/started') && !isNotification(message, 'item/completed')) continue;
    const { threadId, item } = message.params;
    if (threadId !== parentId || item.type !== 'collabAgentToolCall') continue;
    for (const id of item.receiverThreadIds) if (!names.has(id)) names.set(id, names.size === 0 ? 'A' : 'B');
    const states = Object.entries(item.agentsStates)
      .map(([id, state]) => `${names.get(id) ?? '?'}:${state?.status}${state?.message === null ? '' : ` ${JSON.stringify(state?.message)}`}`)

      .sort();
    const receivers = item.receiverThreadIds.map((id) => names.get(id) ?? '?').join(',');
    lines.push(`${message.method}:${item.tool} ${item.status} to[${receivers}] prompt=${JSON.stringify(item.prompt)} {${states.join(', ')}}`);
  }
  return lines;
}

/** The parent's tool outputs with the children's ids and turn ids replaced by placeholders. */
export function normalizedOutputs(outputs: readonly string[]): string[] {
  const ids = outputs.slice(0, 2).map((output) => (JSON.parse(output) as { agent_id: string }).agent_id);
  return outputs.map((output) => {
    let text = output;
    ids.forEach((id, index) => {
      text = text.replaceAll(id, index === 0 ? '<A>' : '<B>');
    });
    return text
      .replace(/"nickname":"[^"]+"/, '"nickname":"<name>"')
      .replace(/"submission_id":"[^"]+"/, '"submission_id":"<turn>"')
      .replace(/\{"status":\{("<B>":[^}]*\}),("<A>":[^}]*\})\}/, '{"status":{$2,$1}');
  });
}

/**
 * The notifications about one child thread as lines (method, item type, status), without ids, timing or deltas:
 * how a parent's subscriber sees the child live. `warning` is left out: the reference warns of every thread of a
 * model it has no metadata for, which this server does for no thread (not a sub-agent matter).
 */
export function childLines(messages: readonly ServerMessage[], childId: string): string[] {
  return messages.flatMap((message) => {
    const params = message.params as
      | { threadId?: string; item?: { type: string }; status?: { type: string }; turn?: { id: string; status: string; rootTurnId: string } }
      | undefined;
    const method = message.method;
    if (typeof method !== 'string' || params?.threadId !== childId) return [];
    if (method.endsWith('/delta') || method === 'warning') return [];
    if (params.item !== undefined) return [`${method}:${params.item.type}`];
    if (method === 'thread/status/changed') return [`status:${params.status?.type}`];
    // A child's turns work for a turn of its parent: their root is another thread's turn.
    const root = params.turn === undefined ? '' : ` root:${params.turn.rootTurnId === params.turn.id ? 'own' : 'other'}`;
    if (method === 'turn/completed') return [`turn/completed:${params.turn?.status}${root}`];
    return [`${method}${root}`];
  });
}
