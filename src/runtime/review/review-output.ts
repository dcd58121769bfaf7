import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

/**
 * The reviewer model's answer. Observed from the reference 0.169.0: the answer should be one JSON object; when
 * it is wrapped in prose, the outermost `{…}` is tried; when nothing parses (or a finding lacks a field, e.g. a
 * null `priority`), the whole text stands as the explanation, without findings; an empty answer reads as an
 * interrupted review.
 */

const FindingSchema = lazySchema(() => z.object({
  title: z.string(),
  body: z.string(),
  confidence_score: z.number(),
  priority: z.number().int(),
  code_location: z.object({
    absolute_file_path: z.string(),
    line_range: z.object({ start: z.number().int(), end: z.number().int() }),
  }),
}));
export type ReviewFinding = z.infer<typeof FindingSchema>;

/** The reviewer's JSON answer, as the model writes it and as the rollout keeps it. */
export const ReviewOutputSchema = lazySchema(() => z.object({
  findings: z.array(FindingSchema),
  overall_correctness: z.string(),
  overall_explanation: z.string(),
  overall_confidence_score: z.number(),
}));

export type ReviewOutputJson = z.infer<typeof ReviewOutputSchema>;

export interface ReviewOutput {
  readonly findings: readonly ReviewFinding[];
  readonly explanation: string;
  /** The answer as the rollout keeps it: the parsed JSON, or the text as the explanation with no verdict. */
  readonly json: ReviewOutputJson;
}

/** What the user and the conversation are told when the review produced nothing to show. */
export const INTERRUPTED_REVIEW_TEXT = 'Review was interrupted. Please re-run /review and wait for it to complete.';
/** What the exited-review item says when the reviewer answered nothing [observed]. */
export const EMPTY_REVIEW_TEXT = 'Reviewer failed to output a response.';

/** The review in the reviewer's answer; null for an empty answer. */
export function parseReviewOutput(text: string): ReviewOutput | null {
  if (text.trim() === '') return null;
  const parsed = parseJson(text) ?? parseJson(outermostObject(text));
  if (parsed === undefined) {
    const json = { findings: [], overall_correctness: '', overall_explanation: text, overall_confidence_score: 0 };
    return { findings: [], explanation: text, json };
  }
  return { findings: parsed.findings, explanation: parsed.overall_explanation, json: parsed };
}

/**
 * The review as the user reads it and as it is recorded for the model (the reference's layout [observed]): the
 * explanation, then `Review comment:` (one finding) or `Full review comments:` (several), each finding as
 * `- <title> — <path>:<start>-<end>` with its body indented by two spaces, findings separated by a blank line.
 */
export function renderReview(output: Pick<ReviewOutput, 'findings' | 'explanation'> | null): string {
  if (output === null) return INTERRUPTED_REVIEW_TEXT;
  const sections: string[] = [];
  if (output.explanation.trim() !== '') sections.push(output.explanation.trim());
  if (output.findings.length > 0) {
    const heading = output.findings.length === 1 ? 'Review comment:' : 'Full review comments:';
    sections.push(`${heading}\n\n${output.findings.map(renderFinding).join('\n\n')}`);
  }
  return sections.length === 0 ? INTERRUPTED_REVIEW_TEXT : sections.join('\n\n');
}

function renderFinding(finding: ReviewFinding): string {
  const { absolute_file_path: path, line_range: range } = finding.code_location;
  const body = finding.body
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return `- ${finding.title} — ${path}:${range.start}-${range.end}\n${body}`;
}

function parseJson(text: string | null): z.infer<typeof ReviewOutputSchema> | undefined {
  if (text === null) return undefined;
  try {
    const result = ReviewOutputSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

function outermostObject(text: string): string | null {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start >= 0 && end > start ? text.slice(start, end + 1) : null;
}
