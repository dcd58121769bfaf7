import type { ResponseItem } from '../../model/events.js';
import type { ToolOutput } from './tool-context.js';

/**
 * A tool call the model made, from its output item: a `function_call` (JSON arguments) or a `custom_tool_call`
 * (freeform input, e.g. apply_patch's patch text).
 */
export interface ToolCall {
  readonly kind: 'function' | 'custom';
  readonly name: string;
  readonly callId: string;
  /** `arguments` (JSON text) of a function call, `input` of a custom one. */
  readonly payload: string;
}

/** The tool call an output item asks for, or null for other items. */
export function toolCallOf(item: ResponseItem): ToolCall | null {
  const callId = item['call_id'];
  const name = item['name'];
  if (typeof callId !== 'string' || typeof name !== 'string') return null;
  if (item.type === 'function_call') {
    const args = item['arguments'];
    return { kind: 'function', name, callId, payload: typeof args === 'string' ? args : JSON.stringify(args ?? {}) };
  }
  if (item.type === 'custom_tool_call') {
    const input = item['input'];
    return { kind: 'custom', name, callId, payload: typeof input === 'string' ? input : '' };
  }
  return null;
}

/** The output item that answers `call`, as the model expects it back (`*_output` of the call's kind). */
export function toolOutputItem(call: ToolCall, output: ToolOutput): ResponseItem {
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
