import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { RpcTestClient } from './rpc-client.js';
import { PROJECT_ROOT } from './server.js';

/** How long the reference may take to stop after SIGTERM before it is killed. */
const REFERENCE_STOP_GRACE_MS = 5_000;

/**
 * The reference `codex app-server` 0.169.0 (the pinned devDependency) over stdio on `codexHome`, initialized,
 * for tests that check the reference reads what we write. Killed in `t.after`.
 */
export async function startReferenceServer(
  t: TestContext,
  codexHome: string,
  cwd: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<RpcTestClient> {
  const child = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'codex'), ['app-server'], {
    cwd,
    env: { ...process.env, ...extraEnv, CODEX_HOME: codexHome, RUST_LOG: 'error' },
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: the npm launcher and the native binary it starts can be ended together.
    detached: true,
  });
  // Drain stderr so the child never blocks on a full pipe.
  child.stderr.resume();
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    // The reference drains on SIGTERM and may wait for a running turn (or hang on a dead client): after a bounded
    // wait, its whole process group is killed so a test never outlives its server.
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, REFERENCE_STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  });
  const client = RpcTestClient.overStdio(child);
  await client.initialize({ experimentalApi: true }, 'reference-reader');
  return client;
}
