import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { statusLine } from '../../model/errors.js';
import { COMPATIBLE_CODEX_VERSION } from '../../util/version.js';
import { contentTypeOf } from './feedback-archive.js';

const gzipAsync = promisify(gzip);

/**
 * The Sentry project the reference 0.169.0 sends feedback to [observed: `POST
 * https://o33249.ingest.us.sentry.io/api/4510195390611458/envelope/` with this public key]. `CODEX_APP_SERVER_FEEDBACK_DSN`
 * replaces it (the tests point it at a fake on 127.0.0.1; an operator can send reports to their own Sentry).
 */
export const DEFAULT_FEEDBACK_DSN = 'https://ae32ed50620d7a7792c1ce5df38b3e3e@o33249.ingest.us.sentry.io/4510195390611458';
export const FEEDBACK_DSN_ENV = 'CODEX_APP_SERVER_FEEDBACK_DSN';

/** Where a DSN's envelopes go and the key that authenticates them. */
interface SentryTarget {
  readonly envelopeUrl: string;
  readonly publicKey: string;
}

/** A failure the reference words as `failed to upload feedback: <message>`. */
export class FeedbackUploadError extends Error {}

/** `https://<key>@<host>/<project>` → `https://<host>/api/<project>/envelope/`. */
function sentryTarget(dsn: string): SentryTarget {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new FeedbackUploadError(`invalid feedback DSN ${JSON.stringify(dsn)}`);
  }
  const project = url.pathname.replace(/^\/+|\/+$/g, '');
  if (url.username === '' || project === '') throw new FeedbackUploadError(`invalid feedback DSN ${JSON.stringify(dsn)}`);
  return { envelopeUrl: `${url.protocol}//${url.host}/api/${project}/envelope/`, publicKey: url.username };
}

export interface FeedbackUpload {
  /** The Sentry event (feedbackEvent). */
  readonly event: Record<string, unknown> & { readonly event_id: string };
  /** Files the client asked to attach (`extraLogFiles`). */
  readonly attachments: readonly string[];
}

/**
 * Sends a report as the reference does [observed through a TLS-intercepting proxy]: one gzip-compressed Sentry
 * envelope carrying the event, then one envelope per attachment under the same event id. A refused or unreachable
 * event fails the upload; once the event is accepted, attachments that cannot be read or sent are skipped and the
 * upload then fails with `feedback report was accepted, but some attachments failed to upload`.
 */
export async function uploadFeedback(
  upload: FeedbackUpload,
  options: { env: Readonly<Record<string, string | undefined>>; fetch: typeof fetch },
): Promise<void> {
  const dsn = options.env[FEEDBACK_DSN_ENV]?.trim() || DEFAULT_FEEDBACK_DSN;
  const target = sentryTarget(dsn);
  const eventJson = Buffer.from(JSON.stringify(upload.event));
  await sendEnvelope(target, upload.event.event_id, { type: 'event', length: eventJson.length }, eventJson, options.fetch);

  let failed = false;
  for (const path of upload.attachments) {
    try {
      const content = await readFile(path);
      const filename = basename(path);
      const header = {
        type: 'attachment',
        length: content.length,
        filename,
        attachment_type: 'event.attachment',
        content_type: contentTypeOf(filename),
      };
      await sendEnvelope(target, upload.event.event_id, header, content, options.fetch);
    } catch {
      failed = true;
    }
  }
  if (failed) throw new FeedbackUploadError('feedback report was accepted, but some attachments failed to upload');
}

/** One envelope: its header (the event id, dashed), one item header, the payload, each line-terminated. */
async function sendEnvelope(
  target: SentryTarget,
  eventId: string,
  itemHeader: Record<string, unknown>,
  payload: Buffer,
  fetchImpl: typeof fetch,
): Promise<void> {
  const envelope = Buffer.concat([
    Buffer.from(`${JSON.stringify({ event_id: dashed(eventId) })}\n${JSON.stringify(itemHeader)}\n`),
    payload,
    Buffer.from('\n'),
  ]);
  const timestamp = Date.now() / 1000;
  let response: Response;
  try {
    response = await fetchImpl(target.envelopeUrl, {
      method: 'POST',
      headers: {
        'x-sentry-auth': `Sentry sentry_key=${target.publicKey}, sentry_version=7, sentry_timestamp=${timestamp}, sentry_client=codex-app-server-ts/${COMPATIBLE_CODEX_VERSION}`,
        'content-encoding': 'gzip',
      },
      body: await gzipAsync(envelope),
    });
  } catch (error) {
    throw new FeedbackUploadError(`failed to upload feedback to Sentry: error sending request for url (${target.envelopeUrl})`, {
      cause: error,
    });
  }
  await response.arrayBuffer();
  if (!response.ok) {
    throw new FeedbackUploadError(`Sentry rejected feedback upload with HTTP status ${statusLine(response.status)}`);
  }
}

/** A 32-hex event id in the 8-4-4-4-12 form envelope headers use. */
function dashed(eventId: string): string {
  return eventId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}
