import type { ResponseItem } from '../../model/events.js';
import type { ToolOutput } from './tool-context.js';

export type { ToolOutput };

/**
 * A tool call the model made, from its output item: a `function_call` (JSON arguments) or a `custom_tool_call`
 * (freeform input, e.g. apply_patch's patch text).
 */
export interface ToolCall {
  /** `toolSearch`: a `tool_search_call`, answered with the tools it found (`tool_search_output`). */
  readonly kind: 'function' | 'custom' | 'toolSearch';
  readonly name: string;
  /** The namespace tool the call names (`mcp__<server>`, a client's namespace), or null for a top-level tool. */
  readonly namespace: string | null;
  readonly callId: string;
  /** `arguments` (JSON text) of a function call, `input` of a custom one. */
  readonly payload: string;
}

/** The tool call an output item asks for, or null for other items. */
export function toolCallOf(item: ResponseItem): ToolCall | null {
  const callId = item['call_id'];
  if (item.type === 'tool_search_call' && typeof callId === 'string') {
    return { kind: 'toolSearch', name: 'tool_search', namespace: null, callId, payload: JSON.stringify(item['arguments'] ?? {}) };
  }
  const name = item['name'];
  if (typeof callId !== 'string' || typeof name !== 'string') return null;
  const namespace = typeof item['namespace'] === 'string' ? item['namespace'] : null;
  if (item.type === 'function_call') {
    const args = item['arguments'];
    return { kind: 'function', name, namespace, callId, payload: typeof args === 'string' ? args : JSON.stringify(args ?? {}) };
  }
  if (item.type === 'custom_tool_call') {
    const input = item['input'];
    return { kind: 'custom', name, namespace, callId, payload: typeof input === 'string' ? input : '' };
  }
  return null;
}


/** The output item that answers `call`, as the model expects it back (`*_output` of the call's kind). */
export function toolOutputItem(call: ToolCall, output: ToolOutput): ResponseItem {
  if (call.kind === 'toolSearch') {
    const tools = typeof output === 'string' ? [] : output;
    return { type: 'tool_search_output', call_id: call.callId, status: 'completed', execution: 'client', tools };
  }
  return call.kind === 'custom'
    ? { type: 'custom_tool_call_output', call_id: call.callId, output }
    : { type: 'function_call_output', call_id: call.callId, output };
}

/**
 * The reference's wording when a function call's arguments do not parse (the model reads it and retries).
 */
export function argumentsError(error: string): string {
  return `failed to parse function arguments: ${error}`;
}
