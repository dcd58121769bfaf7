/** What a censored value is logged as. */
export const CENSORED = '[redacted]';

/** Keys whose values are secrets wherever they appear in the first two levels of a logged object (any case). */
const SECRET_KEYS: ReadonlySet<string> = new Set(['authorization', 'token', 'secret', 'jwt', 'apikey', 'api_key', 'password']);

/** Headers that carry credentials, censored inside a `headers` object at any of the levels looked at. */
const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'x-oai-attestation']);

/** How deep into a logged object keys are looked at: the object's own keys, theirs, and a `headers` object below. */
const LEVELS_LOOKED_AT = 3;

/**
 * The object a log line is written from, with secrets censored: a secret-named key in the object or in one of its
 * plain-object values, and the credential headers of a `headers` object up to one level further down. Tokens reach
 * logs mostly that way (`log.info({ headers })`, an options object), so this keeps a careless line from leaking a
 * bearer token. Objects are copied only along the way to a censored value; the caller's objects are never changed.
 * Arrays and class instances (an `err`) are not looked into, nor are child loggers' bindings (ids, set by us).
 *
 * This replaces pino's `redact` option, whose wildcard paths ran every logged value (and every child logger's
 * bindings) through a path interpreter that parsed each path anew: ~5 KiB of garbage per child logger, one per
 * connection and per turn.
 */
export function withSecretsCensored(object: Record<string, unknown>): Record<string, unknown> {
  return censored(object, 1, false);
}

function censored(object: Record<string, unknown>, level: number, inHeaders: boolean): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const value = object[key];
    const lower = key.toLowerCase();
    let replacement = value;
    if ((level <= 2 && SECRET_KEYS.has(lower)) || (inHeaders && SECRET_HEADERS.has(lower))) {
      if (value !== undefined) replacement = CENSORED;
    } else if (level < LEVELS_LOOKED_AT && isPlainObject(value)) {
      const isHeaders = lower === 'headers';
      // Below the second level only a `headers` object is looked into.
      if (level < 2 || isHeaders) replacement = censored(value, level + 1, isHeaders);
    }
    if (replacement !== value) {
      copy ??= { ...object };
      copy[key] = replacement;
    }
  }
  return copy ?? object;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
