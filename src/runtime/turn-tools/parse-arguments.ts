import type * as z from 'zod';

/** A function call's JSON arguments checked against a schema; the error is worded for the model. */
export function parseArguments<S extends z.ZodType>(
  payload: string,
  schema: S,
): { ok: true; value: z.infer<S> } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(payload === '' ? '{}' : payload);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
  return { ok: false, error: `${issue?.message ?? 'invalid arguments'}${where}` };
}
