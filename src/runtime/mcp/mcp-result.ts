import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { TruncationPolicy } from '../../tools/exec/truncation.js';
import type { ToolOutput } from '../turn-tools/tool-call.js';
import { withinOutputBudget } from './mcp-output-budget.js';

/*
 * An MCP tool call's outcome as the model reads it (observed from the reference 0.169.0): a header line with the
 * wall time, then the result. Structured content, when the server gives it, stands for the whole result as JSON
 * text; otherwise each content part becomes a Responses content item (text as `input_text`, images as
 * `input_image` data URLs, anything else as its JSON).
 */

function header(wallTimeMs: number): string {
  return `Wall time: ${(wallTimeMs / 1000).toFixed(4)} seconds\nOutput:`;
}

/** A successful (or `isError`) result for the model, its content within the model's budget (`policy`). */
export function modelOutputOfResult(result: CallToolResult, wallTimeMs: number, policy: TruncationPolicy): ToolOutput {
  if (result.structuredContent !== undefined && result.structuredContent !== null && result.isError !== true) {
    return `${header(wallTimeMs)}\n${JSON.stringify(result.structuredContent)}`;
  }
  return withinOutputBudget([{ type: 'input_text', text: header(wallTimeMs) }, ...result.content.map(contentItem)], policy);
}

/** A call that failed before or without a result (approval refused, timeout, crash) for the model. */
export function modelOutputOfError(message: string, wallTimeMs: number): ToolOutput {
  return [
    { type: 'input_text', text: header(wallTimeMs) },
    { type: 'input_text', text: message },
  ];
}

function contentItem(part: CallToolResult['content'][number]): Record<string, unknown> {
  switch (part.type) {
    case 'text':
      return { type: 'input_text', text: part.text };
    case 'image':
      return { type: 'input_image', image_url: `data:${part.mimeType};base64,${part.data}` };
    case 'resource':
      if ('text' in part.resource && typeof part.resource.text === 'string') {
        return { type: 'input_text', text: part.resource.text };
      }
      return { type: 'input_text', text: JSON.stringify(part) };
    default:
      return { type: 'input_text', text: JSON.stringify(part) };
  }
}

/** The item's `result`: the content as the server sent it, with absent parts as null. */
export function itemResult(result: CallToolResult): { content: unknown[]; structuredContent: unknown; _meta: unknown } {
  return {
    content: [...result.content],
    structuredContent: result.structuredContent ?? null,
    _meta: result._meta ?? null,
  };
}
