import { ServerNotifications, ServerRequests } from '../../protocol/registry.js';
import * as z from 'zod';
import { DynamicToolSpecSchema } from '../../protocol/v2/items-tools.js';
import type { DynamicToolCallOutputContentItem, DynamicToolSpec } from '../../protocol/v2/items-tools.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { askSubscribers } from '../clients/user-requests.js';
import type { ToolOutput } from './tool-call.js';
import type { ToolContext, ToolHandler } from './tool-context.js';

/*
 * Client-provided tools (`thread/start.dynamicTools`, experimental): offered to the model as the client described
 * them, and run by the client through the `item/tool/call` server request, each call a `dynamicToolCall` item
 * (observed from the reference 0.169.0). A client that answers badly, or goes away, gives the model a tool error.
 */

type DynamicItem = Extract<ThreadItem, { type: 'dynamicToolCall' }>;

/** The reference's answer to the model when the client's answer is not a tool result. */
const INVALID_RESPONSE = 'dynamic tool response was invalid';

/** The tools a rollout's `session_meta` recorded (`dynamic_tools`), when they are well-formed. */
export function persistedDynamicTools(meta: Readonly<Record<string, unknown>>): DynamicToolSpec[] | null {
  const parsed = z.array(DynamicToolSpecSchema).safeParse(meta['dynamic_tools']);
  return parsed.success ? parsed.data : null;
}

/**
 * Why the reference refuses these tools at thread/start (-32600, worded as it words them), or null when they are
 * fine: a name the Responses API would reject, a name given twice, a deferred tool outside a namespace (only a
 * namespace can be found with tool_search).
 */
export function dynamicToolsProblem(tools: readonly DynamicToolSpec[] | null | undefined): string | null {
  const seen = new Set<string>();
  for (const spec of tools ?? []) {
    const functions = spec.type === 'function' ? [spec] : spec.tools;
    for (const tool of functions) {
      if (!MODEL_NAME.test(tool.name)) return `dynamic tool name must match ${MODEL_NAME.source} to match Responses API: ${tool.name}`;
      if (spec.type === 'function' && tool.deferLoading === true) return `deferred dynamic tool must include a namespace: ${tool.name}`;
      const key = spec.type === 'function' ? tool.name : `${spec.name}/${tool.name}`;
      if (seen.has(key)) return `duplicate dynamic tool name: ${tool.name}`;
      seen.add(key);
    }
  }
  return null;
}

const MODEL_NAME = /^[a-zA-Z0-9_-]+$/;

/** The client's namespaces holding tools it deferred (`deferLoading`), with those tools as the model gets them. */
export function deferredDynamicNamespaces(
  thread: LoadedThread,
): { namespace: string; description: string; tools: { name: string; description: string; spec: Record<string, unknown> }[] }[] {
  return thread.dynamicTools.flatMap((spec) => {
    if (spec.type !== 'namespace') return [];
    const deferred = spec.tools.filter((tool) => tool.deferLoading === true);
    if (deferred.length === 0) return [];
    return [
      {
        namespace: spec.name,
        description: spec.description,
        tools: deferred.map((tool) => ({ name: tool.name, description: tool.description, spec: functionSpec(tool) })),
      },
    ];
  });
}

/** One handler per offered function or namespace; a namespace's deferred tools are not listed but stay callable. */
export function dynamicToolHandlers(thread: LoadedThread): ToolHandler[] {
  return thread.dynamicTools.map((spec) => {
    if (spec.type === 'function') {
      return {
        name: spec.name,
        spec: () => functionSpec(spec),
        handle: (call, context) => runDynamicCall(null, spec.name, call, context),
        // Hooks know a client's top-level tool by its own name [observed].
        hookToolName: () => spec.name,
      };
    }
    const listed = spec.tools.filter((tool) => tool.deferLoading !== true);
    return {
      name: spec.name,
      spec: () =>
        listed.length === 0
          ? null
          : { type: 'namespace', name: spec.name, description: spec.description, tools: listed.map(functionSpec) },
      async handle(call, context) {
        if (!spec.tools.some((tool) => tool.name === call.name)) return `unsupported call: ${spec.name}${call.name}`;
        return runDynamicCall(spec.name, call.name, call, context);
      },
    };
  });
}

function functionSpec(tool: { name: string; description: string; inputSchema: unknown }): Record<string, unknown> {
  const schema =
    typeof tool.inputSchema === 'object' && tool.inputSchema !== null ? (tool.inputSchema as Record<string, unknown>) : {};
  const { $schema: _dialect, ...parameters } = schema;
  return { type: 'function', name: tool.name, description: tool.description, strict: false, parameters };
}

async function runDynamicCall(
  namespace: string | null,
  tool: string,
  call: { readonly callId: string; readonly payload: string },
  context: ToolContext,
): Promise<ToolOutput> {
  const { thread, turnId } = context;
  let args: unknown;
  try {
    args = call.payload.trim() === '' ? {} : JSON.parse(call.payload);
  } catch (error) {
    return `failed to parse function arguments: ${error instanceof Error ? error.message : String(error)}`;
  }
  const startedAtMs = Date.now();
  const item: DynamicItem = {
    type: 'dynamicToolCall',
    id: call.callId,
    namespace,
    tool,
    arguments: args,
    status: 'inProgress',
    contentItems: null,
    success: null,
    durationMs: null,
    startedAtMs,
    completedAtMs: null,
  };
  thread.emit(ServerNotifications.itemStarted, { item, threadId: thread.id, turnId, startedAtMs });
  const outcome = await askSubscribers(
    thread,
    ServerRequests.dynamicToolCall,
    { threadId: thread.id, turnId, callId: call.callId, namespace, tool, arguments: args },
    context.signal,
    { announceResolved: false },
  );
  if (outcome.kind === 'aborted') throw context.signal.reason;
  const answered = outcome.kind === 'answered' ? outcome.result : null;
  const completedAtMs = Date.now();
  const done: DynamicItem = {
    ...item,
    status: answered?.success === true ? 'completed' : 'failed',
    contentItems: answered === null ? null : answered.contentItems,
    success: answered?.success ?? false,
    durationMs: completedAtMs - startedAtMs,
    completedAtMs,
  };
  thread.emit(ServerNotifications.itemCompleted, { item: done, threadId: thread.id, turnId, completedAtMs });
  context.recordItem(done);
  if (answered === null) {
    context.log.warn({ tool, reason: outcome.kind === 'unanswered' ? outcome.reason : '' }, 'dynamic tool call unanswered');
    return INVALID_RESPONSE;
  }
  return modelOutput(answered.contentItems);
}

/** One text item is plain text; anything else, Responses content items. */
function modelOutput(items: readonly DynamicToolCallOutputContentItem[]): ToolOutput {
  const [only] = items;
  if (items.length === 1 && only?.type === 'inputText') return only.text;
  return items.map((part) => {
    switch (part.type) {
      case 'inputText':
        return { type: 'input_text', text: part.text };
      case 'inputImage':
        return { type: 'input_image', image_url: part.imageUrl };
      case 'inputAudio':
        return { type: 'input_text', text: `audio content: ${part.audioUrl}` };
    }
  });
}
