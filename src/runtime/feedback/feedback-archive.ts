import { randomBytes, randomUUID } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { rustIoErrorMessage } from '../../util/os-error.js';

/** What a feedback report says and carries. */
export interface FeedbackReport {
  readonly classification: string;
  readonly reason: string | null;
  readonly tags: Readonly<Record<string, string>>;
  /** The thread the report is about, or `no-active-thread-<uuid>` when none was named. */
  readonly threadId: string;
  readonly cliVersion: string;
  /** Files to attach (`extraLogFiles`), each under its own base name. */
  readonly attachments: readonly string[];
}

/** A failure the reference words as `failed to save feedback: <message>`. */
export class FeedbackSaveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedbackSaveError';
  }
}

/**
 * The report as the Sentry event the reference 0.169.0 saves and uploads [observed]: a hex `event_id`,
 * `[<Label>]: Codex session <thread>` as the message, `level: "info"` for reports that are not problems, the reason
 * as an exception value, and the tags — the client's, then the report's own, sorted.
 */
export function feedbackEvent(report: Omit<FeedbackReport, 'attachments'>): Record<string, unknown> & { event_id: string } {
  const label = classificationLabel(report.classification);
  const message = `[${label}]: Codex session ${report.threadId}`;
  const tags: Record<string, string> = {
    ...report.tags,
    classification: report.classification,
    cli_version: report.cliVersion,
    ...(report.reason === null ? {} : { reason: report.reason }),
    session_source: 'vscode',
    thread_id: report.threadId,
  };
  return {
    event_id: randomUUID().replaceAll('-', ''),
    ...(INFO_CLASSIFICATIONS.has(label) ? { level: 'info' } : {}),
    message,
    timestamp: Date.now() / 1000,
    ...(report.reason === null ? {} : { exception: { values: [{ type: message, value: report.reason }] } }),
    tags: Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

/**
 * Writes the report as the ZIP the reference 0.169.0 writes [observed]: `report.json` (the feedbackEvent),
 * every attachment as `attachments/<nnnn>/<name>`, and `manifest.json` listing them. The file is created
 * without replacing anything (`feedback save path already exists`), mode 0600.
 */
export async function saveFeedbackArchive(savePath: string, report: FeedbackReport): Promise<void> {
  const event = feedbackEvent(report);

  const files: Record<string, Uint8Array> = { 'report.json': utf8(JSON.stringify(event)) };
  const manifest: Array<{ entry: string; filename: string; contentType: string }> = [];
  for (const [index, path] of report.attachments.entries()) {
    let content: Buffer;
    try {
      content = await readFile(path);
    } catch (error) {
      throw new FeedbackSaveError(`failed to read selected attachment ${path}: ${osText(error)}`);
    }
    const filename = basename(path);
    const entry = `attachments/${String(index).padStart(4, '0')}/${filename}`;
    files[entry] = content;
    manifest.push({ entry, filename, contentType: contentTypeOf(filename) });
  }
  files['manifest.json'] = utf8(JSON.stringify(manifest));
  // fflate is loaded on the first report, not at start-up.
  const { zipSync } = await import('fflate');
  await writeNew(savePath, zipSync(files));
}

/** The reference's labels; any other classification reads `Other`. */
const LABELS: Readonly<Record<string, string>> = {
  bug: 'Bug',
  bad_result: 'Bad result',
  good_result: 'Good result',
  safety_check: 'Safety check',
};
/** Reports that are not about a problem go in at `info` level; the others keep the default (error). */
const INFO_CLASSIFICATIONS: ReadonlySet<string> = new Set(['Good result', 'Other']);

function classificationLabel(classification: string): string {
  return Object.hasOwn(LABELS, classification) ? (LABELS[classification] ?? 'Other') : 'Other';
}

/** The content type an attachment is labelled with, by its extension. */
export function contentTypeOf(filename: string): string {
  switch (extname(filename).toLowerCase()) {
    case '.log':
    case '.txt':
      return 'text/plain';
    case '.json':
      return 'application/json';
    default:
      return 'application/octet-stream';
  }
}

/**
 * Writes a temporary file beside `path`, then links it into place, which fails instead of replacing a file that
 * appeared meanwhile; the temporary is removed either way.
 */
async function writeNew(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.tmp${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(temporary, bytes, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw new FeedbackSaveError(`${osText(error)} at path ${JSON.stringify(temporary)}`);
  }
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new FeedbackSaveError('feedback save path already exists');
    throw new FeedbackSaveError(osText(error));
  } finally {
    await rm(temporary, { force: true });
  }
}

function osText(error: unknown): string {
  return rustIoErrorMessage(error) ?? (error instanceof Error ? error.message : String(error));
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
