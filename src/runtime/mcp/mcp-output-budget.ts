import {
  approxTokenCount,
  truncateMiddleToBytesCountingTokens,
  truncateMiddleWithTokenBudget,
  type TruncationPolicy,
} from '../../tools/exec/truncation.js';

/*
 * How much of an MCP tool's content the model gets (observed from the reference 0.169.0, by reading files of
 * growing size through the test server): the content parts, header included, share a budget of 1.2 times the
 * model's tool-output budget, spent part by part in order; the part that does not fit is cut in the middle to what
 * is left (a `…N tokens truncated…` marker), and text parts after it are dropped (`[omitted N text items ...]`);
 * images always pass. The cut is made twice: once in the model's own unit (bytes for a model the catalogue does not
 * know, 12 000 of them; tokens for a catalogue model, 12 000 of them), then in tokens (the byte budget / 4), which,
 * for a part that was cut, cuts its marker's few bytes again.
 */

/** The reference's allowance over the model's budget for what it serializes around a tool's output. */
const SERIALIZATION_ALLOWANCE = 1.2;
const BYTES_PER_TOKEN = 4;

/** A Responses content part (`input_text`, `input_image`, …). */
type Part = Readonly<Record<string, unknown>>;

/** `parts` as the model's history keeps them under `policy` (the model's tool-output budget). */
export function withinOutputBudget(parts: readonly Part[], policy: TruncationPolicy): Part[] {
  const limit = Math.floor(policy.limit * SERIALIZATION_ALLOWANCE);
  const first = spendBudget(parts, { mode: policy.mode, limit });
  const tokens = policy.mode === 'tokens' ? limit : Math.ceil(limit / BYTES_PER_TOKEN);
  return spendBudget(first, { mode: 'tokens', limit: tokens });
}

function spendBudget(parts: readonly Part[], budget: TruncationPolicy): Part[] {
  const out: Part[] = [];
  let remaining = budget.limit;
  let omitted = 0;
  for (const part of parts) {
    const text = part['type'] === 'input_text' ? part['text'] : undefined;
    if (typeof text !== 'string') {
      out.push(part);
      continue;
    }
    if (remaining === 0) {
      omitted++;
      continue;
    }
    const cost = budget.mode === 'bytes' ? Buffer.byteLength(text, 'utf8') : approxTokenCount(text);
    if (cost <= remaining) {
      out.push(part);
      remaining -= cost;
      continue;
    }
    const snippet =
      budget.mode === 'bytes'
        ? truncateMiddleToBytesCountingTokens(text, remaining)
        : truncateMiddleWithTokenBudget(text, remaining).text;
    if (snippet === '') omitted++;
    else out.push({ type: 'input_text', text: snippet });
    remaining = 0;
  }
  if (omitted > 0) out.push({ type: 'input_text', text: `[omitted ${omitted} text items ...]` });
  return out;
}
