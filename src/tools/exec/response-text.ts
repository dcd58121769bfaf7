import { randomInt } from 'node:crypto';
import { execOutputPolicy, formattedTruncateText, type TruncationPolicy } from './truncation.js';

/**
 * The text an `exec_command` / `write_stdin` call returns to the model, line for line as the reference's
 * `ExecCommandToolOutput::response_text` (`codex-rs/core/src/tools/context.rs`), e.g.
 *
 * ```
 * Chunk ID: 0bd89e
 * Wall time: 0.0001 seconds
 * Process exited with code 0            (or: Process running with session ID 4711)
 * Original token count: 1
 * Output:
 * ok
 * ```
 */
export interface ExecResponseFields {
  /** Six hex digits, fresh for every call ({@link generateChunkId}); omitted from the text when empty. */
  readonly chunkId: string;
  /** How long the call waited for output, in milliseconds (printed as seconds with four decimals). */
  readonly wallTimeMs: number;
  /** Set once the process has exited. */
  readonly exitCode: number | null;
  /** Set while the process is still running: the id `write_stdin` takes. */
  readonly sessionId: number | null;
  /** ceil(bytes / 4) of `output` before truncation; the line is omitted when null. */
  readonly originalTokenCount: number | null;
  /** Everything the call collected, untruncated. */
  readonly output: string;
  /** The model's `max_output_tokens`, if it gave one. */
  readonly maxOutputTokens?: number | undefined;
  /** The model's budget for tool output ({@link TruncationPolicy}). */
  readonly truncationPolicy: TruncationPolicy;
}

export function formatExecResponse(fields: ExecResponseFields): string {
  const sections: string[] = [];
  if (fields.chunkId !== '') sections.push(`Chunk ID: ${fields.chunkId}`);
  sections.push(`Wall time: ${(fields.wallTimeMs / 1000).toFixed(4)} seconds`);
  if (fields.exitCode !== null) sections.push(`Process exited with code ${fields.exitCode}`);
  // The model was trained on "session ID", although the reference calls it a process id everywhere else.
  if (fields.sessionId !== null) sections.push(`Process running with session ID ${fields.sessionId}`);
  if (fields.originalTokenCount !== null) sections.push(`Original token count: ${fields.originalTokenCount}`);
  sections.push('Output:');
  sections.push(
    formattedTruncateText(fields.output, execOutputPolicy(fields.maxOutputTokens, fields.truncationPolicy)),
  );
  return sections.join('\n');
}

/** Six random lowercase hex digits, like the reference's `generate_chunk_id`. */
export function generateChunkId(): string {
  return randomInt(0, 0x1000000).toString(16).padStart(6, '0');
}
