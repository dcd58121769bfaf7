import { readRollout } from '../../persistence/rollout-reader.js';
import { ResponseMessageSchema } from '../../persistence/rollout-schema.js';
import type { ThreadSummary } from '../../persistence/thread-index.js';

/**
 * Characters of context a snippet keeps before and after the match, before the cut text is trimmed (observed
 * from the reference 0.169.0).
 */
const SNIPPET_BEFORE = 49;
const SNIPPET_AFTER = 96;
/** Rollouts read at once when a search meets threads it has not read yet. */
const READ_CONCURRENCY = 16;

interface CachedText {
  readonly path: string;
  readonly updatedAtMs: number;
  /** The thread's user and assistant messages in order, whitespace collapsed, and their lower-case forms. */
  readonly messages: readonly string[];
  readonly lowered: readonly string[];
}

/**
 * Full-text search over the messages of persisted threads (`thread/search`). A thread's user and assistant
 * messages (what the model saw, the environment context included, as in the reference) are read from its rollout
 * once and kept until the index reports a newer append or another path, so repeated searches over a thousand
 * threads read no file. Matching is a case-insensitive literal substring on text whose whitespace runs are
 * collapsed to one space.
 */
export class ThreadTextSearch {
  readonly #cache = new Map<string, CachedText>();
  readonly #readLines: (path: string) => Promise<readonly { type: string; payload?: unknown }[]>;

  /** `readLines` reads a rollout's lines (default: the whole file, parsed); tests count the reads. */
  constructor(readLines?: (path: string) => Promise<readonly { type: string; payload?: unknown }[]>) {
    this.#readLines = readLines ?? (async (path) => (await readRollout(path)).lines);
  }

  /**
   * The snippet of each thread in `threads` whose messages contain `term` (trimmed, non-empty): the first
   * matching message, cut to the match with some context and `...` marking what was cut. Unreadable rollouts
   * match nothing.
   */
  async snippets(threads: readonly ThreadSummary[], term: string): Promise<Map<string, string>> {
    const needle = collapseWhitespace(term).toLowerCase();
    const found = new Map<string, string>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < threads.length) {
        const thread = threads[next++] as ThreadSummary;
        const text = await this.#textOf(thread);
        const snippet = text === null ? null : snippetOf(text, needle);
        if (snippet !== null) found.set(thread.threadId, snippet);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, threads.length) }, worker));
    return found;
  }

  async #textOf(thread: ThreadSummary): Promise<CachedText | null> {
    const cached = this.#cache.get(thread.threadId);
    if (cached !== undefined && cached.path === thread.path && cached.updatedAtMs === thread.updatedAtMs) return cached;
    let messages: string[];
    try {
      messages = messageTexts(await this.#readLines(thread.path));
    } catch {
      this.#cache.delete(thread.threadId);
      return null;
    }
    const text = {
      path: thread.path,
      updatedAtMs: thread.updatedAtMs,
      messages,
      lowered: messages.map((message) => message.toLowerCase()),
    };
    this.#cache.set(thread.threadId, text);
    return text;
  }
}

/** The text of each user or assistant `message` response item, in rollout order. */
function messageTexts(lines: readonly { type: string; payload?: unknown }[]): string[] {
  const texts: string[] = [];
  for (const line of lines) {
    if (line.type !== 'response_item') continue;
    const parsed = ResponseMessageSchema.safeParse(line.payload);
    if (!parsed.success || (parsed.data.role !== 'user' && parsed.data.role !== 'assistant')) continue;
    const text = collapseWhitespace(
      parsed.data.content
        .map((part) => part.text ?? '')
        .filter((part) => part !== '')
        .join(' '),
    );
    if (text !== '') texts.push(text);
  }
  return texts;
}

function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The first message containing `needle` (lower-case), cut around the match; null when none does. */
function snippetOf(text: CachedText, needle: string): string | null {
  for (let i = 0; i < text.messages.length; i++) {
    const at = (text.lowered[i] as string).indexOf(needle);
    if (at < 0) continue;
    const message = text.messages[i] as string;
    const start = Math.max(0, at - SNIPPET_BEFORE);
    const end = Math.min(message.length, at + needle.length + SNIPPET_AFTER);
    return `${start > 0 ? '... ' : ''}${message.slice(start, end).trim()}${end < message.length ? ' ...' : ''}`;
  }
  return null;
}
