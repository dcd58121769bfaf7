import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { sseReply, textTurnFrames, toolCallFrames } from '../helpers/fake-model-server.js';
import type { RecordedRequest, ScriptedReply } from '../helpers/fake-model-server.js';
import sharp from 'sharp';
import { jpegFile, webpFile } from '../helpers/encoded-image.js';
import { pngFile } from '../helpers/png.js';
import type { ServerMessage } from '../helpers/rpc-client.js';
import { startBothSides, type Side } from '../helpers/side-by-side.js';
import { assertExplained } from '../helpers/explained-differences.js';
import { leftBehind } from '../helpers/temp-home.js';

/*
 * The same turns on this server and on the pinned reference, each against a recording fake model: what the request
 * says about reasoning effort, summary and verbosity (chosen per turn, per config, listed by the model or not), and
 * how the user's images reach the model (data URLs, local files, unreadable files, detail, view_image). Every fact
 * that differs fails unless it is listed below with a reason; a listed one that no longer differs fails too.
 *
 * Image bytes are compared only where they are passed on as given: an image this server re-encodes (a GIF, an image
 * scaled down) is compared by type and size, since two PNG encoders never write the same bytes.
 */

/** Known differences per test: `<step> <what>` → why. */
const ALLOWED: Readonly<Record<'efforts' | 'config' | 'images', Readonly<Record<string, string>>>> = {
  efforts: {
    'gpt-6-luna default reasoning-context':
      'the reference sends its "responses lite" models (use_responses_lite) reasoning.context "all_turns"; that request shape is not implemented here',
  },
  config: {},
  images: {},
};

/** A 1×1 GIF. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

interface Step {
  readonly label: string;
  readonly model: string;
  readonly turn: Record<string, unknown>;
}

const text = (value: string) => ({ type: 'text' as const, text: value });

function effortSteps(): Step[] {
  const steps: Step[] = [];
  const models: Array<[string, string[]]> = [
    // gpt-5.5 lists low…xhigh; gpt-6-luna lists low…max; the custom model lists none.
    ['gpt-5.5', ['low', 'medium', 'high', 'xhigh', 'max', 'ultra', 'minimal', 'none']],
    ['gpt-6-luna', ['low', 'medium', 'high', 'xhigh', 'max', 'ultra']],
    ['parity-custom-model', ['high', 'ultra']],
  ];
  for (const [model, efforts] of models) {
    steps.push({ label: `${model} default`, model, turn: { input: [text('hi')] } });
    for (const effort of efforts) steps.push({ label: `${model} effort=${effort}`, model, turn: { input: [text('hi')], effort } });
    steps.push({ label: `${model} summary=concise`, model, turn: { input: [text('hi')], summary: 'concise' } });
  }
  return steps;
}

function imageSteps(files: string): Step[] {
  const dataUrl = `data:image/png;base64,${pngFile(2, 2).toString('base64')}`;
  const image = (url: string, detail?: string) => ({ type: 'image', url, ...(detail === undefined ? {} : { detail }) });
  const local = (name: string, detail?: string) => ({ type: 'localImage', path: join(files, name), ...(detail === undefined ? {} : { detail }) });
  const cases: Array<[string, unknown[]]> = [
    ['data-url', [text('look'), image(dataUrl)]],
    ['data-url-low', [image(dataUrl, 'low')]],
    ['data-gif', [image(`data:image/gif;base64,${GIF.toString('base64')}`)]],
    ['data-not-image', [image('data:text/plain;base64,aGk=')]],
    ['file-url', [image('file:///nowhere/x.png')]],
    ['http-url', [text('look'), image('https://example.com/a.png')]],
    ['local-png', [local('small.png')]],
    ['local-png-original', [local('small.png', 'original')]],
    ['local-png-auto', [local('small.png', 'auto')]],
    ['local-png-low', [local('small.png', 'low')]],
    ['local-wide', [local('wide.png')]],
    ['local-gif', [local('dot.gif')]],
    ['local-jpeg', [local('small.jpg')]],
    ['local-wide-jpeg', [local('wide.jpg')]],
    ['local-wide-webp', [local('wide.webp')]],
    ['local-broken-jpeg', [local('broken.jpg')]],
    ['local-broken-webp', [local('broken.webp')]],
    ['local-scanless-jpeg', [local('scanless.jpg')]],
    ['local-text-file', [local('notes.txt')]],
    ['local-missing', [local('missing.png')]],
    ['local-directory', [{ type: 'localImage', path: files }]],
    ['text-and-two-images', [text('a'), image(dataUrl), text('b'), local('small.png'), text('c')]],
    ['missing-then-image', [local('missing.png'), local('small.png')]],
    ['view-gif', [text('VIEW dot.gif')]],
    ['view-wide', [text('VIEW wide.png')]],
    ['view-wide-jpeg', [text('VIEW wide.jpg')]],
    ['view-broken-jpeg', [text('VIEW broken.jpg')]],
    ['view-scanless-jpeg', [text('VIEW scanless.jpg')]],
  ];
  return ['gpt-5.5', 'parity-custom-model'].flatMap((model) =>
    cases.map(([label, input]) => ({ label: `${model} ${label}`, model, turn: { input } })),
  );
}

/** Text answers, except that a user message saying `VIEW <path>` gets a view_image call first. */
function replies(): ScriptedReply[] {
  const reply: ScriptedReply = {
    kind: 'dynamic',
    reply: (request: RecordedRequest) => {
      const input = (request.body as { input: Array<Record<string, unknown>> }).input;
      const last = input.at(-1);
      const said = last?.type === 'message' ? JSON.stringify(last.content) : '';
      const view = /VIEW (\S+?)"/.exec(said);
      if (view) return sseReply(toolCallFrames({ name: 'view_image', callId: 'call_view', arguments: { path: view[1] } }));
      return sseReply(textTurnFrames(['ok']));
    },
  };
  return Array.from({ length: 120 }, () => reply);
}

async function makeFiles(t: TestContext): Promise<{ dir: string; given: Set<string> }> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'request-inputs-')));
  t.after(() => rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  const small = pngFile(4, 3);
  // Wider than high detail's 2048 px: scaled down for a model without original detail.
  const wide = pngFile(2400, 300, true);
  await writeFile(join(dir, 'small.png'), small);
  await writeFile(join(dir, 'wide.png'), wide);
  await writeFile(join(dir, 'dot.gif'), GIF);
  await writeFile(join(dir, 'notes.txt'), 'just text\n');
  // JPEG and WebP: one that fits, ones wider than 2048 px, ones cut short halfway, and a JPEG cut before its scan
  // (a header that reads fine, no pixels).
  const smallJpeg = await jpegFile(40, 30);
  const wideJpeg = await jpegFile(2400, 300);
  const wideWebp = await webpFile(2400, 300);
  const whole = await jpegFile(64, 64);
  const wholeWebp = await webpFile(64, 64);
  const brokenJpeg = whole.subarray(0, whole.length >> 1);
  const brokenWebp = wholeWebp.subarray(0, wholeWebp.length >> 1);
  const scanless = whole.subarray(0, whole.indexOf(Buffer.from([0xff, 0xda])));
  await writeFile(join(dir, 'small.jpg'), smallJpeg);
  await writeFile(join(dir, 'wide.jpg'), wideJpeg);
  await writeFile(join(dir, 'wide.webp'), wideWebp);
  await writeFile(join(dir, 'broken.jpg'), brokenJpeg);
  await writeFile(join(dir, 'broken.webp'), brokenWebp);
  await writeFile(join(dir, 'scanless.jpg'), scanless);
  const files = [small, wide, GIF, pngFile(2, 2), smallJpeg, wideJpeg, wideWebp, brokenJpeg, brokenWebp, scanless];
  const given = new Set(files.map((bytes) => sha(bytes)));
  return { dir, given };
}

function sha(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A data URL as `<mime> <w>x<h> as-given|re-encoded`; other strings with the side's paths named. */
async function describeValue(value: unknown, files: string, given: Set<string>): Promise<unknown> {
  if (typeof value === 'string') {
    const data = /^data:([^;,]+);base64,(.*)$/s.exec(value);
    if (data) {
      const bytes = Buffer.from(data[2] ?? '', 'base64');
      const size = await sharp(bytes).metadata().then(
        ({ format, width, height }) => ` ${format} ${width}x${height}`,
        () => ' undecodable',
      );
      return `${data[1]}${size} ${given.has(sha(bytes)) ? 'as-given' : 're-encoded'}`;
    }
    return value.split(files).join('<files>');
  }
  if (Array.isArray(value)) return Promise.all(value.map((item) => describeValue(item, files, given)));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([key]) => key !== 'id')
      .sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(await Promise.all(entries.map(async ([key, item]) => [key, await describeValue(item, files, given)])));
  }
  return value;
}

type Facts = Record<string, unknown>;

/** What one step showed: the turn/start answer, the userMessage item, and each request's reasoning and new input. */
async function runStep(side: Side, step: Step, files: string, given: Set<string>): Promise<Facts> {
  const before = side.fake.requests.length;
  const start = await side.client.call('thread/start', { model: step.model, cwd: files, sandbox: 'danger-full-access' });
  const threadId = start.thread.id;
  const seen = side.client.received.length;
  const answer = await side.client.request('turn/start', { threadId, ...step.turn });
  const facts: Facts = {};
  if ('error' in answer) {
    const error = answer.error as { code: number; message: string };
    facts['turn-start'] = `error ${error.code} ${error.message}`;
    return facts;
  }
  const turnId = (answer.result as { turn: { id: string } }).turn.id;
  await side.client.waitFor(
    (m: ServerMessage) => m.method === 'turn/completed' && (m.params as { turn: { id: string } }).turn.id === turnId,
    'turn/completed',
    30_000,
  );
  const userItem = side.client.received
    .slice(seen)
    .find((m) => m.method === 'item/completed' && (m.params as { item: { type: string } }).item.type === 'userMessage');
  facts['user-message-item'] = await describeValue((userItem?.params as { item: { content: unknown } } | undefined)?.item.content, files, given);
  const requests = side.fake.requests.slice(before).filter((request) => request.url.endsWith('/responses'));
  facts.requests = requests.length;
  const first = requests[0];
  if (first !== undefined) {
    const body = first.body as Record<string, unknown>;
    const { context, ...reasoning } = (body.reasoning ?? {}) as Record<string, unknown>;
    facts.reasoning = await describeValue(reasoning, files, given);
    if (step.label.endsWith(' default')) facts['reasoning-context'] = context ?? null;
    facts.text = body.text ?? null;
    const metadata = JSON.parse(String(first.headers['x-codex-turn-metadata'] ?? '{}')) as Record<string, unknown>;
    facts['metadata-effort'] = metadata.reasoning_effort ?? null;
    const input = body.input as Array<Record<string, unknown>>;
    facts['user-message'] = await describeValue(input.at(-1), files, given);
  }
  const second = requests[1];
  if (second !== undefined) {
    const output = (second.body as { input: Array<Record<string, unknown>> }).input.at(-1);
    facts['tool-output'] = await describeValue(output?.output, files, given);
  }
  return facts;
}

async function compare(t: TestContext, stepsIn: (files: string) => Step[], configExtra = ''): Promise<Map<string, string>> {
  const { dir, given } = await makeFiles(t);
  const [ours, reference] = await startBothSides(t, replies, configExtra);
  const found = new Map<string, string>();
  for (const step of stepsIn(dir)) {
    const a = await runStep(reference, step, dir, given);
    const b = await runStep(ours, step, dir, given);
    for (const what of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const left = JSON.stringify(a[what]);
      const right = JSON.stringify(b[what]);
      if (left !== right) found.set(`${step.label} ${what}`, `reference ${left}\n      ours      ${right}`);
    }
  }
  return found;
}

describe('the model request matches the reference for efforts, summaries and images', () => {
  it('sends each effort, listed by the model or not, and the summary chosen per turn', { timeout: 180_000 }, async (t) => {
    assertExplained(t, await compare(t, effortSteps), ALLOWED.efforts);
  });

  it('takes effort, summary and verbosity from config', { timeout: 120_000 }, async (t) => {
    const config = 'model_reasoning_effort = "ultra"\nmodel_reasoning_summary = "detailed"\nmodel_verbosity = "high"';
    const steps = ['gpt-5.5', 'gpt-6-luna', 'parity-custom-model'].flatMap((model) => [
      { label: `config ${model}`, model, turn: { input: [text('hi')] } },
      { label: `config ${model} effort=low`, model, turn: { input: [text('hi')], effort: 'low' } },
    ]);
    assertExplained(t, await compare(t, () => steps, config), ALLOWED.config);
  });

  it('places images, local files and their failures in the user message, and view_image output', { timeout: 240_000 }, async (t) => {
    assertExplained(t, await compare(t, imageSteps), ALLOWED.images);
  });

  it('refuses an http(s) image URL in turn/steer as in turn/start', { timeout: 60_000 }, async (t) => {
    // Each side's first answer holds after its first frame, so the turn is still running when the steer comes.
    const releases: Array<() => void> = [];
    const held = () => {
      const until = new Promise<void>((resolve) => releases.push(resolve));
      return [sseReply(textTurnFrames(['ok']), { hold: { count: 1, until } }), sseReply(textTurnFrames(['ok']))];
    };
    const sides = await startBothSides(t, held);
    t.after(() => releases.forEach((release) => release()));
    const answers: string[] = [];
    for (const side of sides) {
      const start = await side.client.call('thread/start', { model: 'gpt-5.5', cwd: side.cwd });
      const turn = await side.client.call('turn/start', { threadId: start.thread.id, input: [text('hi')] });
      await side.fake.waitForRequests(1);
      const steer = await side.client.request('turn/steer', {
        threadId: start.thread.id,
        expectedTurnId: turn.turn.id,
        input: [text('look'), { type: 'image', url: 'https://example.com/a.png' }],
      });
      answers.push(JSON.stringify((steer as { error?: unknown }).error ?? 'accepted'));
    }
    assert.equal(answers[0], answers[1], `ours ${answers[0]}, reference ${answers[1]}`);
    assert.match(answers[0] ?? '', /remote image URLs are not supported/);
  });
});
