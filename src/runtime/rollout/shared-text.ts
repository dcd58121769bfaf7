import type { ResponseItem } from '../../model/events.js';
import type { Turn } from '../../protocol/v2/turn.js';

/**
 * A rollout holds every answer twice (the `item_completed` event for the turns, the `response_item` for the
 * model's history), so a thread loaded from disk would keep two equal copies of each answer in memory. This makes
 * each agent message item use the very string its history item holds (same message id, same text), so the
 * duplicate can be collected. Returns the turns with the shared strings.
 */
export function shareAgentMessageText(history: readonly ResponseItem[], turns: Turn[]): Turn[] {
  const texts = new Map<string, string>();
  for (const item of history) {
    if (item.type !== 'message' || item['role'] !== 'assistant' || typeof item['id'] !== 'string') continue;
    const parts = item['content'];
    if (!Array.isArray(parts) || parts.length !== 1) continue;
    const text = (parts[0] as { text?: unknown }).text;
    if (typeof text === 'string') texts.set(item['id'], text);
  }
  if (texts.size === 0) return turns;
  for (const turn of turns) {
    turn.items = turn.items.map((item) => {
      if (item.type !== 'agentMessage') return item;
      const shared = texts.get(item.id);
      return shared !== undefined && shared === item.text ? { ...item, text: shared } : item;
    });
  }
  return turns;
}
