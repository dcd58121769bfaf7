import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { RecordedRequest } from '../../helpers/fake-model-server.js';
import { isNotification } from '../../helpers/rpc-client.js';
import type { RpcTestClient, ServerMessage } from '../../helpers/rpc-client.js';
import { leftBehind } from '../../helpers/temp-home.js';


/**
 * A hook script for tests: `hook.sh <Event>` saves its process id as `pids/<Event>.<n>` and its stdin as
 * `log/<Event>.<n>.json` (n counts the event's runs) and answers as `answer()` told it for that run: stdout,
 * stderr, exit status, and first a sleep, or a wait until the test opens its gate (`openGate`).
 */
const SCRIPT = `#!/bin/sh
dir=$(dirname "$0")
n=$(ls "$dir/log" | grep -c "^$1\\.")
echo $$ > "$dir/pids/$1.$n"
cat > "$dir/log/$1.$n.json"
run="$dir/answers/$1.$n"
if [ -f "$run.gate" ]; then while [ ! -e "$dir/open/$1.$n" ]; do sleep 0.05; done; fi
[ -f "$run.sleep" ] && sleep "$(cat "$run.sleep")"
[ -f "$run.stdout" ] && cat "$run.stdout"
[ -f "$run.stderr" ] && cat "$run.stderr" >&2
[ -f "$run.code" ] && exit "$(cat "$run.code")"
exit 0
`;

export interface HookAnswer {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly code?: number;
  readonly sleepSec?: number;
  /** Waits until the test opens the run's gate (`openGate`) before answering. */
  readonly gated?: boolean;
}

/** A directory holding the hook script, its answers and its logs; removed when the test ends. */
export async function hookScriptDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hook-script-'));
  t.after(() => rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  await mkdir(join(dir, 'log'));
  await mkdir(join(dir, 'answers'));
  await mkdir(join(dir, 'pids'));
  await mkdir(join(dir, 'open'));
  await writeFile(join(dir, 'hook.sh'), SCRIPT);
  await chmod(join(dir, 'hook.sh'), 0o755);
  return dir;
}

/** How the `n`th run (from 0) of `event`'s hook answers. */
export async function answer(dir: string, event: string, n: number, reply: HookAnswer): Promise<void> {
  const base = join(dir, 'answers', `${event}.${n}`);
  if (reply.stdout !== undefined) await writeFile(`${base}.stdout`, reply.stdout);
  if (reply.stderr !== undefined) await writeFile(`${base}.stderr`, reply.stderr);
  if (reply.code !== undefined) await writeFile(`${base}.code`, String(reply.code));
  if (reply.sleepSec !== undefined) await writeFile(`${base}.sleep`, String(reply.sleepSec));
  if (reply.gated === true) await writeFile(`${base}.gate`, '');
}

/** Lets the `n`th run of `event`'s hook, waiting at its gate, answer. */
export async function openGate(dir: string, event: string, n: number): Promise<void> {
  await writeFile(join(dir, 'open', `${event}.${n}`), '');
}

/** How long a test waits for a hook run to start or to end. */
const RUN_WAIT_MS = 10_000;

/** The process id of the `n`th run of `event`'s hook, once it has started. */
export async function hookPid(dir: string, event: string, n: number): Promise<number> {
  const file = join(dir, 'pids', `${event}.${n}`);
  return pollUntil(`${event} run ${n} to start`, async () => {
    const text = await readFile(file, 'utf8').catch(() => '');
    return text.trim() === '' ? undefined : Number(text);
  });
}

/** Whether process `pid` (negative: any process of group `-pid`) is still there (a zombie counts until reaped). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once the `n`th run of `event`'s hook has ended and its parent has reaped it. */
export async function hookEnded(dir: string, event: string, n: number): Promise<void> {
  await processEnded(await hookPid(dir, event, n), `${event} run ${n} to end`);
}

/** Resolves once process `pid` (or, negative, every process of group `-pid`) has ended and been reaped. */
export async function processEnded(pid: number, what: string): Promise<void> {
  await pollUntil(what, async () => (processAlive(pid) ? undefined : true));
}

/** Polls `probe` every 20 ms until it gives a value, for at most RUN_WAIT_MS. */
async function pollUntil<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + RUN_WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${RUN_WAIT_MS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** JSON for `hookSpecificOutput.additionalContext`. */
export function contextAnswer(event: string, text: string): HookAnswer {
  return { stdout: JSON.stringify({ hookSpecificOutput: { hookEventName: event, additionalContext: text } }) };
}

/** hooks.json in `codexHome` running the script for each event (`matcher`, `timeout` and `async` as given). */
export async function writeHooksJson(
  codexHome: string,
  dir: string,
  events: Readonly<Record<string, { matcher?: string; timeout?: number; async?: boolean }>>,
): Promise<void> {
  const hooks: Record<string, unknown> = {};
  for (const [event, options] of Object.entries(events)) {
    const handler = {
      type: 'command',
      command: `${join(dir, 'hook.sh')} ${event}`,
      timeout: options.timeout ?? 10,
      ...(options.async === true ? { async: true } : {}),
    };
    hooks[event] = [{ ...(options.matcher === undefined ? {} : { matcher: options.matcher }), hooks: [handler] }];
  }
  await writeFile(join(codexHome, 'hooks.json'), JSON.stringify({ hooks }, null, 2));
}

/** Trusts every listed hook as a client does: its `currentHash` into `hooks.state` with config/batchWrite. */
export async function trustAllHooks(client: RpcTestClient): Promise<void> {
  const listed = await client.call('hooks/list', {});
  const value: Record<string, unknown> = {};
  for (const hook of listed.data[0]?.hooks ?? []) value[hook.key] = { trusted_hash: hook.currentHash };
  await client.call('config/batchWrite', { edits: [{ keyPath: 'hooks.state', value, mergeStrategy: 'upsert' }] });
}

/** The inputs the script logged, by `<Event>.<n>`, without what differs between runs (ids, paths). */
export async function hookInputs(dir: string, cwd: string, codexHome: string): Promise<Record<string, unknown>> {
  const inputs: Record<string, unknown> = {};
  for (const name of (await readdir(join(dir, 'log'))).sort()) {
    const text = await readFile(join(dir, 'log', name), 'utf8');
    const input = JSON.parse(text.split(cwd).join('<cwd>').split(codexHome).join('<home>')) as Record<string, unknown>;
    for (const key of ['session_id', 'turn_id', 'transcript_path']) if (key in input) input[key] = typeof input[key];
    inputs[name.replace(/\.json$/, '')] = input;
  }
  return inputs;
}

/** `hook/started` and `hook/completed` runs, without times and with the side's CODEX_HOME as `<home>`. */
export function hookRuns(messages: readonly ServerMessage[], codexHome: string): Record<string, unknown>[] {
  return messages
    .filter((m) => isNotification(m, 'hook/started') || isNotification(m, 'hook/completed'))
    .map((m) => {
      const { run } = m.params;
      const { startedAt: _s, completedAt, durationMs, ...rest } = run;
      const home = (text: unknown) => String(text).split(codexHome).join('<home>');
      return {
        method: m.method,
        ...rest,
        id: home(rest.id),
        sourcePath: home(rest.sourcePath),
        completedAt: completedAt === null ? null : 'set',
        durationMs: durationMs === null ? null : 'set',
      };
    });
}

/**
 * A request's input after the opening context (from the first item past the `<environment_context>` message),
 * as `role: text` lines and `type` for other items, with the side's directories named.
 */
export function conversationLines(request: RecordedRequest | undefined, cwd: string, codexHome: string): string[] {
  const input = (request?.body as { input: Record<string, unknown>[] }).input;
  const text = (item: Record<string, unknown>) =>
    (item.content as { text?: string }[]).map((part) => part.text ?? '').join('');
  const start = input.findIndex((item) => item.type === 'message' && text(item).includes('<environment_context>'));
  return input.slice(start + 1).map((item) => {
    const line =
      item.type === 'message'
        ? `${String(item.role)}: ${text(item)}`
        : item.type === 'function_call_output'
          ? `function_call_output: ${String(item.output).replace(/^Chunk ID: \w+\nWall time: [\d.]+ seconds\n/, '')}`
          : String(item.type);
    return line.split(cwd).join('<cwd>').split(codexHome).join('<home>');
  });
}
