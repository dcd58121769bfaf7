import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { sseReply, startFakeModelServer, textTurnFrames, toolCallFrames } from '../helpers/fake-model-server.js';
import type { RecordedRequest } from '../helpers/fake-model-server.js';
import { startReferenceServer } from '../helpers/reference-server.js';
import { RpcTestClient } from '../helpers/rpc-client.js';
import { startTestServer } from '../helpers/server.js';
import { mockProviderConfig, resultOf } from '../helpers/thread-server.js';
import { assertExplained } from '../helpers/explained-differences.js';
import { leftBehind } from '../helpers/temp-home.js';

/*
 * The same turn on this server and on the pinned reference, each against a recording fake model: the first and
 * second request of the turn (before and after a tool call) must have the same structure. Ids, prompt prose and
 * dates are not compared; everything else is, and any difference fails unless it is listed below with a reason.
 * A listed difference that no longer occurs fails too, so the list only ever shrinks.
 */

const NO_SYSTEM_SKILLS = 'the reference installs its bundled system skills under CODEX_HOME/skills/.system; this server ships none';

/** Known differences: `<model> <request> <what>` → why. */
const ALLOWED: Readonly<Record<string, string>> = {
  'gpt-5.5 skills': NO_SYSTEM_SKILLS,
  'custom skills': NO_SYSTEM_SKILLS,
  'gpt-5.5 skill-roots': NO_SYSTEM_SKILLS,
  'custom skill-roots': NO_SYSTEM_SKILLS,
};

const MODELS = [
  { label: 'gpt-5.5', slug: 'gpt-5.5' },
  { label: 'custom', slug: 'parity-custom-model' },
] as const;

interface Scenario {
  readonly root: string;
  readonly cwd: string;
}

/** AGENTS.md above the git root (never read), at the root, in a package and in the cwd; one user skill. */
async function makeScenario(t: TestContext): Promise<Scenario> {
  const root = await mkdtemp(join(tmpdir(), 'request-parity-'));
  t.after(() => rm(root, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  const repo = join(root, 'above', 'repo');
  const cwd = join(repo, 'pkg', 'app');
  await mkdir(cwd, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: repo });
  await writeFile(join(root, 'above', 'AGENTS.md'), 'ABOVE doc\n');
  await writeFile(join(repo, 'AGENTS.md'), 'ROOT doc\n');
  await writeFile(join(repo, 'pkg', 'AGENTS.md'), 'PKG doc\n');
  await writeFile(join(cwd, 'AGENTS.md'), 'APP doc\n');
  return { root, cwd };
}

async function prepareHome(home: string): Promise<void> {
  await writeFile(join(home, 'AGENTS.md'), 'HOME doc\n');
  await mkdir(join(home, 'skills', 'parity-skill'), { recursive: true });
  await writeFile(
    join(home, 'skills', 'parity-skill', 'SKILL.md'),
    '---\nname: parity-skill\ndescription: A skill the parity test lists.\n---\nBody.\n',
  );
}

function replies() {
  return [
    sseReply([
      { type: 'response.created', response: { id: 'r1' } },
      {
        type: 'response.output_item.done',
        item: { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'plan' }], encrypted_content: 'ENC' },
      },
      ...toolCallFrames({ name: 'exec_command', arguments: { cmd: 'echo hi', login: false }, callId: 'call_1' }).slice(1),
    ]),
    sseReply(textTurnFrames(['done'])),
  ];
}

function config(baseUrl: string, model: string): string {
  return mockProviderConfig(baseUrl).replace('model = "mock-model"', `model = "${model}"`);
}

/** What a server answered and sent the model for one turn. */
interface Observed {
  readonly requests: RecordedRequest[];
  /** thread/start's `instructionSources`, with CODEX_HOME written `<home>`. */
  readonly instructionSources: string[];
}

async function runTurn(client: RpcTestClient, cwd: string, home: string): Promise<string[]> {
  const start = await client.call('thread/start', { cwd, sandbox: 'danger-full-access' });
  const thread = start.thread;
  await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hello' }] });
  await client.waitFor((m) => m.method === 'turn/completed', 'turn/completed', 30_000);
  return (start.instructionSources as string[]).map((path) => path.replace(home, '<home>'));
}

async function referenceRun(t: TestContext, scenario: Scenario, model: string): Promise<Observed> {
  const fake = await startFakeModelServer(t, replies());
  const home = await mkdtemp(join(tmpdir(), 'request-parity-home-'));
  t.after(() => rm(home, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  await writeFile(join(home, 'config.toml'), config(fake.baseUrl, model));
  await prepareHome(home);
  const client = await startReferenceServer(t, home, scenario.cwd);
  const instructionSources = await runTurn(client, scenario.cwd, home);
  return { requests: await fake.waitForRequests(2), instructionSources };
}

async function ourRun(t: TestContext, scenario: Scenario, model: string): Promise<Observed> {
  const fake = await startFakeModelServer(t, replies());
  const server = await startTestServer(t, {}, config(fake.baseUrl, model));
  await prepareHome(server.codexHome);
  const client = await RpcTestClient.connect(server.url);
  t.after(() => client.close());
  await client.initialize({ experimentalApi: true }, 'reference-reader');
  const instructionSources = await runTurn(client, scenario.cwd, server.codexHome);
  return { requests: await fake.waitForRequests(2), instructionSources };
}

/** What a content part is, by its recognisable opening; the prose itself is not compared. */
function partKind(role: string, text: string, index: number): string {
  if (text.startsWith('<skills_instructions>')) return 'skills';
  if (text.startsWith('<permissions instructions>')) return 'permissions';
  if (text.startsWith('<tools>')) return 'tools';
  if (text.startsWith('# AGENTS.md instructions for ')) return 'agents';
  if (text.startsWith('<environment_context>')) return 'environment';
  if (role === 'developer' && index === 0) return 'base-instructions';
  return `${role}-text`;
}

interface Shape {
  readonly [what: string]: unknown;
}

/** The structure of one request, as named facts (`what` → value). */
function shapeOf(request: RecordedRequest): Shape {
  const body = request.body as Record<string, unknown>;
  const headers = request.headers;
  const input = body.input as Array<Record<string, unknown>>;
  const texts = input.flatMap((item) =>
    item.type === 'message' ? (item.content as Array<{ text?: string }>).map((part) => part.text ?? '') : [],
  );
  const agents = texts.find((text) => text.startsWith('# AGENTS.md')) ?? '';
  const skills = texts.find((text) => text.startsWith('<skills_instructions>')) ?? '';
  const environment = texts.find((text) => text.startsWith('<environment_context>')) ?? '';
  const metadata = JSON.parse(String(headers['x-codex-turn-metadata'] ?? '{}')) as Record<string, unknown>;
  const secondDeveloper = input.filter((item) => item.role === 'developer')[1];
  return {
    keys: Object.keys(body),
    fields: Object.fromEntries(
      ['model', 'stream', 'tool_choice', 'parallel_tool_calls', 'reasoning', 'store', 'include', 'text'].map((key) => [
        key,
        body[key],
      ]),
    ),
    'prompt-cache-key-is-thread': body.prompt_cache_key === headers['thread-id'],
    'client-metadata-keys': Object.keys((body.client_metadata as object | undefined) ?? {}).sort(),
    tools: (body.tools as Array<Record<string, unknown>>).map((tool) => `${String(tool.type)}:${String(tool.name ?? '')}`),
    items: input.map((item, index) =>
      item.type === 'message'
        ? `${String(item.role)}[${(item.content as Array<{ text?: string }>)
            .map((part, partIndex) => partKind(String(item.role), part.text ?? '', index === 0 ? partIndex : 1))
            // The deferred-tools part belongs to the tool set; it is compared under `developer-parts`.
            .filter((kind) => kind !== 'tools')
            .join(',')}]${item.id === undefined ? '' : '#id'}`
        : `${String(item.type)}${item.id === undefined ? '' : '#id'}`,
    ),
    'developer-parts': secondDeveloper
      ? (secondDeveloper.content as Array<{ text?: string }>).map((part) => partKind('developer', part.text ?? '', 1))
      : [],
    'reasoning-replayed': input.some((item) => item.type === 'reasoning' && item.encrypted_content === 'ENC'),
    agents: agents
      .split('\n')
      .filter((line) => /^[A-Z]+ doc$/.test(line) || line === '--- project-doc ---' || line.startsWith('<'))
      .join('|'),
    skills: [...skills.matchAll(/^- ([\w-]+): .*\(file: /gm)].map((match) => match[1]),
    'skill-roots': [...skills.matchAll(/^- `(r\d+)` = /gm)].map((match) => match[1]),
    'skill-entry': /^- parity-skill: .+ \(file: r\d+\/parity-skill\/SKILL\.md\)$/m.test(skills),
    environment: environment
      .replace(/<cwd>[^<]*<\/cwd>/, '<cwd/>')
      .replace(/<root>[^<]*<\/root>/g, '<root/>')
      .replace(/<current_date>\d{4}-\d\d-\d\d<\/current_date>/, '<current_date/>'),
    headers: ['x-codex-turn-metadata', 'x-codex-window-id', 'x-codex-beta-features', 'originator', 'session-id', 'thread-id']
      .filter((name) => headers[name] !== undefined)
      .join(','),
    'window-id': String(headers['x-codex-window-id'] ?? '').replace(String(headers['thread-id']), '<thread>'),
    'beta-features': headers['x-codex-beta-features'],
    'turn-metadata-keys': Object.keys(metadata),
    'turn-metadata-values': Object.fromEntries(
      ['agent_name', 'window_number', 'request_kind', 'history_initialization', 'sandbox', 'sandbox_mode', 'model', 'reasoning_effort']
        .map((key) => [key, metadata[key]]),
    ),
    'turn-metadata-workspaces': Object.values((metadata.workspaces as object | undefined) ?? {}),
  };
}

/** `<model> <what>` for each fact that differs, with both values. */
function differences(label: string, reference: Shape, ours: Shape): Map<string, string> {
  const found = new Map<string, string>();
  for (const what of new Set([...Object.keys(reference), ...Object.keys(ours)])) {
    const a = JSON.stringify(reference[what]);
    const b = JSON.stringify(ours[what]);
    if (a !== b) found.set(`${label} ${what}`, `reference ${a}\n      ours      ${b}`);
  }
  return found;
}

describe('the model request matches the reference in structure', () => {
  it('for a catalogue model and an unknown one, before and after a tool call', { timeout: 120_000 }, async (t) => {
    const scenario = await makeScenario(t);
    const found = new Map<string, string>();
    for (const model of MODELS) {
      const reference = await referenceRun(t, scenario, model.slug);
      const ours = await ourRun(t, scenario, model.slug);
      for (const index of [0, 1]) {
        const referenceShape = { ...shapeOf(reference.requests[index]!), 'instruction-sources': reference.instructionSources };
        const ourShape = { ...shapeOf(ours.requests[index]!), 'instruction-sources': ours.instructionSources };
        for (const [what, detail] of differences(model.label, referenceShape, ourShape)) {
          if (!found.has(what)) found.set(what, `request ${index + 1}: ${detail}`);
        }
      }
    }
    assertExplained(t, found, ALLOWED, 'structural differences from the reference that are not explained');
  });
});
