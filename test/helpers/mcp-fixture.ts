import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { sseReply, within } from './fake-model-server.js';
import type { SseReply } from './fake-model-server.js';

/** The test MCP server (test/fixtures/mcp/fixture-server.mjs), started with `node`. */
export const MCP_FIXTURE = fileURLToPath(new URL('../fixtures/mcp/fixture-server.mjs', import.meta.url));

/** `[mcp_servers.<name>]` for the fixture over stdio; `extra` lines go into the table. */
export function stdioServerToml(name: string, extra: readonly string[] = []): string {
  return [`[mcp_servers.${name}]`, 'command = "node"', `args = [${JSON.stringify(MCP_FIXTURE)}]`, ...extra, ''].join('\n');
}

/**
 * `[mcp_servers.<name>]` for the fixture bundled into one file under /var/tmp, for a tenant's jail: the jail has a
 * private /tmp, so it cannot see a checkout (and its node_modules) that lives under /tmp, as CI's may.
 */
export async function jailVisibleStdioServerToml(t: TestContext, name: string): Promise<string> {
  const dir = await mkdtemp('/var/tmp/mcp-fixture-');
  t.after(() => rm(dir, { recursive: true, force: true }));
  const outfile = join(dir, 'fixture-server.mjs');
  await build({
    entryPoints: [MCP_FIXTURE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  // Node starting inside bubblewrap on a loaded machine took longer than the default 10 s handshake once.
  return [
    `[mcp_servers.${name}]`,
    'command = "node"',
    `args = [${JSON.stringify(outfile)}]`,
    'startup_timeout_sec = 60',
    '',
  ].join('\n');
}

/** A model reply that calls `name` (in `namespace`, when given) with `args`. */
export function namespacedCallReply(namespace: string | null, name: string, callId: string, args: unknown): SseReply {
  const item: Record<string, unknown> = {
    type: 'function_call',
    id: `fc_${callId}`,
    call_id: callId,
    name,
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
    ...(namespace === null ? {} : { namespace }),
  };
  const responseId = `resp_${callId}`;
  return sseReply([
    { type: 'response.created', response: { id: responseId } },
    { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress' } },
    { type: 'response.output_item.done', output_index: 0, item: { ...item, status: 'completed' } },
    {
      type: 'response.completed',
      response: { id: responseId, usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 } },
    },
  ]);
}

/** The output the model got for `callId` in a later request's input. */
export function callOutput(body: unknown, callId: string): unknown {
  const input = (body as { input: Record<string, unknown>[] }).input;
  return input.find((item) => item.call_id === callId && item.type === 'function_call_output')?.output;
}

/** The fixture as a streamable HTTP server on 127.0.0.1:0 (stopped in `t.after`); resolves with its URL. */
export async function startHttpFixture(t: TestContext, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const child = spawn(process.execPath, [MCP_FIXTURE, '--http'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });
  let seen = '';
  return within(
    new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        seen += chunk;
        const match = /LISTENING (\S+)/.exec(seen);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`HTTP MCP fixture exited with ${code}`)));
    }),
    'the HTTP MCP fixture to listen',
  );
}

/** A model reply that searches its deferred tools (`tool_search`, client-executed) for `query`. */
export function toolSearchCallReply(query: string, callId = 'call_ts'): SseReply {
  const search = { type: 'tool_search_call', id: `ts_${callId}`, call_id: callId, status: 'completed', execution: 'client', arguments: { query } };
  return sseReply([
    { type: 'response.created', response: { id: `resp_${callId}` } },
    { type: 'response.output_item.done', output_index: 0, item: search },
    {
      type: 'response.completed',
      response: { id: `resp_${callId}`, usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } },
    },
  ]);
}
