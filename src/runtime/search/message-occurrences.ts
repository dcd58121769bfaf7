import type { Turn } from '../../protocol/v2/turn.js';

/** One match of a term in a visible message of a thread (`thread/searchOccurrences`). */
export interface MessageOccurrence {
  readonly turnId: string;
  readonly itemId: string;
  readonly snippet: string;
  /** The match within `snippet`, in UTF-16 code units. */
  readonly snippetMatchRange: { readonly start: number; readonly end: number };
}

/** Characters of context around a match (observed from the reference 0.169.0). */
const CONTEXT_BEFORE = 49;
const CONTEXT_AFTER = 96;
const CUT = '... ';
const CUT_END = ' ...';

/**
 * Every case-insensitive occurrence of `term` in the user messages and assistant answers of `turns`, in message
 * order and, within a message, left to right (not overlapping). Each snippet is the message cut to the match with
 * some context, `... ` marking what was cut; unlike thread/search's, its text is left as it is, so the range
 * points into it exactly.
 */
export function messageOccurrences(turns: readonly Turn[], term: string): MessageOccurrence[] {
  const pattern = new RegExp(term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  const found: MessageOccurrence[] = [];
  for (const turn of turns) {
    for (const item of turn.items) {
      let text: string;
      if (item.type === 'userMessage') {
        text = item.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
      } else if (item.type === 'agentMessage') {
        text = item.text;
      } else {
        continue;
      }
      for (const match of text.matchAll(pattern)) {
        const at = match.index;
        const start = Math.max(0, at - CONTEXT_BEFORE);
        const end = Math.min(text.length, at + match[0].length + CONTEXT_AFTER);
        const prefix = start > 0 ? CUT : '';
        const matchStart = prefix.length + at - start;
        found.push({
          turnId: turn.id,
          itemId: item.id,
          snippet: `${prefix}${text.slice(start, end)}${end < text.length ? CUT_END : ''}`,
          snippetMatchRange: { start: matchStart, end: matchStart + match[0].length },
        });
      }
    }
  }
  return found;
}
