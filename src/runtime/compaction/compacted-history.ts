import type { ResponseItem } from '../../model/events.js';
import { isSummaryText, summaryMessageText } from './summary-prompt.js';

/*
 * The conversation that replaces a compacted one. Observed from the reference 0.169.0: the next request carries
 * the opening context (developer instructions, environment), the user's own messages (within a budget, newest
 * kept first), then one user message with the summary; the model's answers and tool calls are gone.
 */

/** How much of the user's own words survive a compaction, in approximate tokens (the reference keeps 20,000). */
export const USER_MESSAGE_BUDGET_TOKENS = 20_000;

/** The reference's rough measure: about four bytes of UTF-8 per token. */
const BYTES_PER_TOKEN = 4;

/**
 * Openings of user-role messages that the harness writes, not the user: the environment context, project
 * instructions, skills, interruption and hook notes. They are context, never kept as the user's words.
 */
const HARNESS_MESSAGE_OPENINGS = [
  '<environment_context>',
  '<user_instructions>',
  '# AGENTS.md instructions',
  '<skills_instructions>',
  '<permissions instructions>',
  '<turn_aborted>',
  '<hook_prompt',
  '<user_shell_command>',
] as const;

/** Approximate tokens of a text, as the reference estimates them. */
export function approximateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / BYTES_PER_TOKEN);
}

/** Approximate tokens of a request's input: what a compacted conversation costs before the model measures it. */
export function approximateHistoryTokens(baseInstructions: string, history: readonly ResponseItem[]): number {
  return approximateTokens(baseInstructions) + history.reduce((sum, item) => sum + approximateTokens(JSON.stringify(item)), 0);
}

function textsOf(item: ResponseItem): string[] | null {
  if (item.type !== 'message' || !Array.isArray(item['content'])) return null;
  const texts: string[] = [];
  for (const part of item['content'] as unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const text = (part as { text?: unknown }).text;
    if (typeof text === 'string') texts.push(text);
  }
  return texts;
}

/** A message the user wrote (not the harness's context, not an earlier summary). */
export function isUserAuthored(item: ResponseItem): boolean {
  if (item.type !== 'message' || item['role'] !== 'user') return false;
  const texts = textsOf(item) ?? [];
  return !texts.some((text) => isSummaryText(text) || HARNESS_MESSAGE_OPENINGS.some((opening) => text.startsWith(opening)));
}

/** A message of the opening context: developer instructions, or a user-role message the harness wrote. */
function isContextMessage(item: ResponseItem): boolean {
  if (item.type !== 'message') return false;
  if (item['role'] === 'developer' || item['role'] === 'system') return true;
  if (item['role'] !== 'user') return false;
  const texts = textsOf(item) ?? [];
  return texts.length > 0 && texts.every((text) => HARNESS_MESSAGE_OPENINGS.some((opening) => text.startsWith(opening)));
}

/** Cuts `text` to about `budgetTokens`, keeping its beginning and its end, and says how much went. */
function shortened(text: string, budgetTokens: number): string {
  const keepBytes = budgetTokens * BYTES_PER_TOKEN;
  const chars = [...text];
  const half = Math.max(0, Math.floor(keepBytes / 2));
  const removed = approximateTokens(text) - budgetTokens;
  return `${chars.slice(0, half).join('')}\n…${removed} tokens truncated…\n${chars.slice(chars.length - half).join('')}`;
}

function userTextMessage(text: string): ResponseItem {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

/**
 * The user's messages to keep, oldest first: from the newest back while they fit `budgetTokens`; the one that
 * crosses the budget is shortened to what is left, and older ones are dropped.
 */
export function keptUserMessages(history: readonly ResponseItem[], budgetTokens = USER_MESSAGE_BUDGET_TOKENS): ResponseItem[] {
  const kept: ResponseItem[] = [];
  let remaining = budgetTokens;
  const userMessages = history.filter(isUserAuthored);
  for (let i = userMessages.length - 1; i >= 0 && remaining > 0; i--) {
    const message = userMessages[i] as ResponseItem;
    const text = (textsOf(message) ?? []).join('\n');
    const cost = approximateTokens(text);
    if (cost <= remaining) {
      kept.unshift(message);
      remaining -= cost;
    } else {
      kept.unshift(userTextMessage(shortened(text, remaining)));
      remaining = 0;
    }
  }
  return kept;
}

/** The user message that carries a summary into the compacted conversation. */
export function summaryMessage(summary: string): ResponseItem {
  return userTextMessage(summaryMessageText(summary));
}

/**
 * The history that replaces `history` once the model has compacted it: the opening context as it was recorded,
 * the user's messages within the budget, then `handoff` (the summary message, or the model server's opaque
 * `compaction` item) as the last item, where a model resuming from a checkpoint expects it.
 */
export function compactedHistory(history: readonly ResponseItem[], handoff: ResponseItem): ResponseItem[] {
  const firstUserMessage = history.findIndex(isUserAuthored);
  const opening = (firstUserMessage === -1 ? history : history.slice(0, firstUserMessage)).filter(isContextMessage);
  return [...opening, ...keptUserMessages(history), handoff];
}

/** The summary in a compaction response's output: the text of its last assistant message ('' when none). */
export function summaryFromOutput(output: readonly ResponseItem[]): string {
  for (let i = output.length - 1; i >= 0; i--) {
    const item = output[i] as ResponseItem;
    if (item.type === 'message' && item['role'] === 'assistant') return (textsOf(item) ?? []).join('');
  }
  return '';
}
