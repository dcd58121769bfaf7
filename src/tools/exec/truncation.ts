import { DEFAULT_MAX_OUTPUT_TOKENS } from './limits.js';

/**
 * Middle truncation of command output, as the reference does it (`codex-rs/utils/string/src/truncate.rs`,
 * `codex-rs/utils/output-truncation`): sizes are UTF-8 bytes, a token is approximated as 4 bytes, the kept head
 * and tail never split a character, and the dropped middle becomes `…N tokens truncated…` or
 * `…N chars truncated…` (U+2026 on both sides, no spaces or newlines around it).
 */

const APPROX_BYTES_PER_TOKEN = 4;

/**
 * A model's budget for tool output kept in its history: `tokens` for every model in the reference's catalogue
 * (limit 10 000), `bytes` (limit 10 000) for a model the catalogue does not know.
 */
export interface TruncationPolicy {
  readonly mode: 'bytes' | 'tokens';
  readonly limit: number;
}

/** The reference's policy for a model missing from its catalogue (what a custom provider's model gets). */
export const FALLBACK_TRUNCATION_POLICY: TruncationPolicy = { mode: 'bytes', limit: 10_000 };

/** ceil(bytes / 4): the reference's token estimate for `text` (UTF-8 bytes). */
export function approxTokenCount(text: string): number {
  return approxTokensFromByteCount(Buffer.byteLength(text, 'utf8'));
}

export function approxTokensFromByteCount(bytes: number): number {
  return Math.ceil(bytes / APPROX_BYTES_PER_TOKEN);
}

export function tokenBudget(policy: TruncationPolicy): number {
  return policy.mode === 'bytes' ? approxTokensFromByteCount(policy.limit) : policy.limit;
}

export function byteBudget(policy: TruncationPolicy): number {
  return policy.mode === 'bytes' ? policy.limit : policy.limit * APPROX_BYTES_PER_TOKEN;
}

/**
 * The policy an exec result is cut with: the model's `max_output_tokens` (default 10 000) when it is below the
 * model's own budget, else the model's budget itself (probed: with the fallback `bytes` policy, 2000 tokens cut
 * with a `tokens` marker, 2500 and more with a `chars` marker at 10 000 bytes).
 */
export function execOutputPolicy(maxOutputTokens: number | undefined, modelPolicy: TruncationPolicy): TruncationPolicy {
  const maxTokens = maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  return maxTokens < tokenBudget(modelPolicy) ? { mode: 'tokens', limit: maxTokens } : modelPolicy;
}

/**
 * `content` unchanged when it fits the policy's byte budget; otherwise a two-line warning (original token count,
 * line count), a blank line, and the middle-truncated text.
 */
export function formattedTruncateText(content: string, policy: TruncationPolicy): string {
  if (Buffer.byteLength(content, 'utf8') <= byteBudget(policy)) return content;
  return (
    `Warning: truncated output (original token count: ${approxTokenCount(content)})\n` +
    `Total output lines: ${countLines(content)}\n\n${truncateText(content, policy)}`
  );
}

/** Middle truncation without the warning header. */
export function truncateText(content: string, policy: TruncationPolicy): string {
  return policy.mode === 'bytes'
    ? truncateMiddleChars(content, policy.limit)
    : truncateMiddleWithTokenBudget(content, policy.limit).text;
}

/** Keeps at most `maxBytes` bytes of `text` (head and tail halves); the marker counts removed characters. */
export function truncateMiddleChars(text: string, maxBytes: number): string {
  return truncateWithByteEstimate(text, maxBytes, false);
}

/**
 * Keeps at most `maxTokens` × 4 bytes of `text`; the marker counts removed tokens. `originalTokens` is set only
 * when something was cut.
 */
export function truncateMiddleWithTokenBudget(
  text: string,
  maxTokens: number,
): { readonly text: string; readonly originalTokens: number | null } {
  if (text === '') return { text: '', originalTokens: null };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (maxTokens > 0 && bytes <= maxTokens * APPROX_BYTES_PER_TOKEN) return { text, originalTokens: null };
  const truncated = truncateWithByteEstimate(text, maxTokens * APPROX_BYTES_PER_TOKEN, true);
  return truncated === text
    ? { text, originalTokens: null }
    : { text: truncated, originalTokens: approxTokenCount(text) };
}

/** Keeps at most `maxBytes` bytes of `text` (head and tail halves); the marker counts removed tokens. */
export function truncateMiddleToBytesCountingTokens(text: string, maxBytes: number): string {
  return truncateWithByteEstimate(text, maxBytes, true);
}

/** Rust's `str::lines().count()`: a final line break does not start another line. */
export function countLines(text: string): number {
  if (text === '') return 0;
  let breaks = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) breaks++;
  return text.endsWith('\n') ? breaks : breaks + 1;
}

function truncateWithByteEstimate(text: string, maxBytes: number, useTokens: boolean): string {
  if (text === '') return '';
  const totalBytes = Buffer.byteLength(text, 'utf8');
  if (maxBytes === 0) {
    const removed = useTokens ? approxTokensFromByteCount(totalBytes) : [...text].length;
    return marker(useTokens, removed);
  }
  if (totalBytes <= maxBytes) return text;
  const headBudget = Math.floor(maxBytes / 2);
  const { removedChars, head, tail } = splitString(text, totalBytes, headBudget, maxBytes - headBudget);
  const removed = useTokens ? approxTokensFromByteCount(totalBytes - maxBytes) : removedChars;
  return head + marker(useTokens, removed) + tail;
}

function marker(useTokens: boolean, removed: number): string {
  return useTokens ? `…${removed} tokens truncated…` : `…${removed} chars truncated…`;
}

/**
 * The longest prefix of whole characters within `headBytes`, and the suffix of the characters that start at or
 * after `totalBytes - tailBytes`; the characters in between are counted.
 */
function splitString(
  text: string,
  totalBytes: number,
  headBytes: number,
  tailBytes: number,
): { readonly removedChars: number; readonly head: string; readonly tail: string } {
  const tailStartTarget = Math.max(totalBytes - tailBytes, 0);
  let byteOffset = 0;
  let headEnd = 0; // UTF-16 index
  let tailStart = text.length; // UTF-16 index
  let tailStarted = false;
  let removedChars = 0;
  for (let index = 0; index < text.length;) {
    const codePoint = text.codePointAt(index) as number;
    const units = codePoint > 0xffff ? 2 : 1;
    const charBytes = utf8Length(codePoint);
    const charEnd = byteOffset + charBytes;
    if (charEnd <= headBytes) {
      headEnd = index + units;
    } else if (byteOffset >= tailStartTarget) {
      if (!tailStarted) {
        tailStart = index;
        tailStarted = true;
      }
    } else {
      removedChars++;
    }
    byteOffset = charEnd;
    index += units;
  }
  if (tailStart < headEnd) tailStart = headEnd;
  return { removedChars, head: text.slice(0, headEnd), tail: text.slice(tailStart) };
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}
