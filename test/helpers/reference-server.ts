import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { RpcTestClient } from './rpc-client.js';
import { PROJECT_ROOT } from './server.js';

/**
 * The reference `codex app-server` 0.169.0 (the pinned devDependency) over stdio on `codexHome`, initialized,
 * for tests that check the reference reads what we write. Killed in `t.after`.
 */
export async function startReferenceServer(t: TestContext, codexHome: string, cwd: string): Promise<RpcTestClient> {
  const child = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'codex'), ['app-server'], {
    cwd,
    env: { ...process.env, CODEX_HOME: codexHome, RUST_LOG: 'error' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Drain stderr so the child never blocks on a full pipe.
  child.stderr.resume();
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });
  const client = RpcTestClient.overStdio(child);
  await client.initialize({ experimentalApi: true }, 'reference-reader');
  return client;
}
