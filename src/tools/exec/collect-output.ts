import { performance } from 'node:perf_hooks';
import type { ExecProcess } from './exec-process.js';
import { POST_EXIT_CLOSE_WAIT_MS } from './limits.js';

/**
 * Gathers the process's unread output until `deadline` (a performance.now() instant), as the reference's
 * `collect_output_until_deadline`: it returns early once the process has exited and its output is complete,
 * waits at most 50 ms for output still in flight after the exit, and otherwise keeps reading until the window
 * closes (a running command's window is used in full). Rejects with the signal's reason when `signal` aborts.
 */
export async function collectOutputUntilDeadline(
  process: ExecProcess,
  deadline: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const collected: Buffer[] = [];
  let postExitDeadline: number | undefined;
  for (;;) {
    signal?.throwIfAborted();
    const chunk = process.drainUnread();
    const now = performance.now();
    if (chunk.length > 0) {
      collected.push(chunk);
      if (now >= deadline) break;
      continue;
    }
    if (process.isFinished) break;
    const remaining = deadline - now;
    if (remaining <= 0) break;
    if (process.hasExited) {
      postExitDeadline ??= now + Math.min(remaining, POST_EXIT_CLOSE_WAIT_MS);
      const closeWait = postExitDeadline - now;
      if (closeWait <= 0) break;
      await process.waitForChange(closeWait, signal);
      continue;
    }
    await process.waitForChange(remaining, signal);
  }
  return Buffer.concat(collected);
}
