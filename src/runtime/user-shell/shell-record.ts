import type { ResponseItem } from '../../model/events.js';
import { FALLBACK_TRUNCATION_POLICY, formattedTruncateText } from '../../tools/exec/truncation.js';

/**
 * How a `!` command enters the conversation the model sees, as the reference 0.169.0 records it [observed]: one
 * user message, added when the command has finished, carrying the command, its exit code, its duration and its
 * output. The model thus knows what the user ran and saw without having run it itself. A long output is cut in the
 * middle as command output for the model always is (head and tail kept, a warning with the original size).
 */
export function userShellRecord(command: string, exitCode: number, durationMs: number, output: string): ResponseItem {
  const text = [
    '<user_shell_command>',
    '<command>',
    command,
    '</command>',
    '<result>',
    `Exit code: ${exitCode}`,
    `Duration: ${(durationMs / 1000).toFixed(4)} seconds`,
    'Output:',
    formattedTruncateText(output, FALLBACK_TRUNCATION_POLICY),
    '</result>',
    '</user_shell_command>',
  ].join('\n');
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}
