import { chmod, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { parse } from 'smol-toml';
import type { ConfigEdit, ConfigWriteResponse } from '../protocol/v2/config.js';
import { layerVersion } from './layers.js';
import { validateConfigTable, type LoadedConfig } from './load.js';
import { applyOverrides } from './overrides.js';
import { isPlainTable } from './schema.js';
import { editTomlDocument, parseKey, type LeafEdit } from './toml-edit.js';

/** The reference's `config_write_error_code` values. */
export type ConfigWriteErrorCode =
  | 'configValidationError'
  | 'configVersionConflict'
  | 'configLayerReadonly'
  | 'configPathNotFound';

/** A write the reference would refuse, with its message and code [observed]. */
export class ConfigWriteError extends Error {
  readonly code: ConfigWriteErrorCode;

  constructor(code: ConfigWriteErrorCode, message: string) {
    super(message);
    this.name = 'ConfigWriteError';
    this.code = code;
  }
}

/**
 * Applies `edits` to `$CODEX_HOME/config.toml` and makes them the server's configuration (new threads use them).
 * Semantics as the reference's [observed on 0.169.0]:
 * - `keyPath` is dotted with optional quoted parts (`projects."/a/b".trust_level`); empty → `keyPath must not be
 *   empty`, an empty part → `keyPath segments must not be empty`;
 * - `replace` sets the value, `upsert` merges a table into an existing table; a top-level `null` removes the key,
 *   a `null` inside a value is `invalid value: invalid type: null, expected any valid TOML value`;
 * - the result (with the command line's overrides) must be a valid configuration, else nothing is written and the
 *   answer is `Invalid configuration: <problem>`;
 * - `expectedVersion` must be the file's current version, else `Configuration was modified since last read. Fetch
 *   latest version and retry.`; only the user config.toml may be named by `filePath`;
 * - the file keeps its comments and layout where the edits allow (see editTomlDocument) and is written with mode
 *   0600; the answer carries the new version and, when a session flag (`-c`) overrides an edited key,
 *   `okOverridden` with the value in effect.
 *
 * Writes to one file run one at a time, whichever connection (or handler) asks: each reads the file the previous
 * one left, so two concurrent writers both land and `expectedVersion` is checked against the latest file.
 * @throws ConfigWriteError for the refusals above; file system errors as they are.
 */
export function writeUserConfig(loaded: LoadedConfig, request: ConfigWriteRequest): Promise<ConfigWriteResponse> {
  return serializedPerFile(loaded.configPath, () => applyWrite(loaded, request));
}

export interface ConfigWriteRequest {
  readonly edits: readonly ConfigEdit[];
  readonly filePath?: string | null | undefined;
  readonly expectedVersion?: string | null | undefined;
}

/** The last queued write of each config file: the next one starts when it has settled. */
const writesInFlight = new Map<string, Promise<unknown>>();

function serializedPerFile<T>(path: string, write: () => Promise<T>): Promise<T> {
  const previous = writesInFlight.get(path) ?? Promise.resolve();
  const run = previous.then(write, write);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  writesInFlight.set(path, settled);
  // The map keeps only writes still queued or running, so it does not grow with the files ever written.
  void settled.then(() => {
    if (writesInFlight.get(path) === settled) writesInFlight.delete(path);
  });
  return run;
}

async function applyWrite(loaded: LoadedConfig, request: ConfigWriteRequest): Promise<ConfigWriteResponse> {
  const configPath = loaded.configPath;
  if (request.filePath !== undefined && request.filePath !== null && !(await samePath(request.filePath, configPath))) {
    throw new ConfigWriteError('configLayerReadonly', 'Only writes to the user config are allowed');
  }
  const paths = request.edits.map((edit) => keyPath(edit.keyPath));
  const source = await readExisting(configPath);
  let current: Record<string, unknown>;
  try {
    current = parse(source);
  } catch (error) {
    throw new ConfigWriteError('configValidationError', `Invalid configuration: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (request.expectedVersion !== undefined && request.expectedVersion !== null && request.expectedVersion !== layerVersion(current)) {
    throw new ConfigWriteError(
      'configVersionConflict',
      'Configuration was modified since last read. Fetch latest version and retry.',
    );
  }
  const next = structuredClone(current);
  request.edits.forEach((edit, index) => applyEdit(next, paths[index] ?? [], edit));
  const effective = applyOverrides(next, loaded.overrides.map((o) => ({ path: [...o.path], value: o.value })));
  const validated = validateConfigTable(effective);
  if (!validated.ok) throw new ConfigWriteError('configValidationError', `Invalid configuration: ${validated.message}`);

  const text = editTomlDocument(source, leafEdits(current, next), next);
  // Unique per write: another process (the Codex CLI) may be writing the same file through its own temporary.
  const temporary = `${configPath}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, configPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  loaded.fileTable = next;
  loaded.table = effective;
  loaded.config = validated.config;

  const version = layerVersion(next);
  const overridden = overriddenBySessionFlags(loaded, paths, effective);
  return {
    status: overridden === null ? 'ok' : 'okOverridden',
    version,
    filePath: configPath,
    overriddenMetadata: overridden,
  };
}

function keyPath(raw: string): string[] {
  if (raw.trim() === '') throw new ConfigWriteError('configValidationError', 'keyPath must not be empty');
  const parts = parseKey(raw);
  if (parts.some((part) => part === '')) {
    throw new ConfigWriteError('configValidationError', 'keyPath segments must not be empty');
  }
  return parts;
}

function applyEdit(table: Record<string, unknown>, path: readonly string[], edit: ConfigEdit): void {
  const value = edit.value === undefined ? null : edit.value;
  if (value !== null) assertNoNull(value);
  let parent = table;
  for (const segment of path.slice(0, -1)) {
    const child = Object.hasOwn(parent, segment) ? parent[segment] : undefined;
    if (isPlainTable(child)) {
      parent = child;
    } else {
      if (value === null) return;
      const created: Record<string, unknown> = {};
      setOwn(parent, segment, created);
      parent = created;
    }
  }
  const key = path[path.length - 1] ?? '';
  if (value === null) {
    delete parent[key];
    return;
  }
  const existing = Object.hasOwn(parent, key) ? parent[key] : undefined;
  if (edit.mergeStrategy === 'upsert' && isPlainTable(existing) && isPlainTable(value)) {
    setOwn(parent, key, merged(existing, value));
  } else {
    setOwn(parent, key, structuredClone(value));
  }
}

function merged(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = result[key];
    setOwn(result, key, isPlainTable(current) && isPlainTable(value) ? merged(current, value) : structuredClone(value));
  }
  return result;
}

/** TOML has no null: one inside a value cannot be written (the reference's serde text). */
function assertNoNull(value: unknown): void {
  if (value === null) {
    throw new ConfigWriteError('configValidationError', 'invalid value: invalid type: null, expected any valid TOML value');
  }
  if (Array.isArray(value)) value.forEach(assertNoNull);
  else if (typeof value === 'object') Object.values(value).forEach(assertNoNull);
}

function setOwn(table: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The leaf changes between two tables (arrays are leaves), for editing the document text line by line. */
function leafEdits(before: unknown, after: unknown, path: string[] = []): LeafEdit[] {
  if (isPlainTable(before) && isPlainTable(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) =>
      leafEdits(Object.hasOwn(before, key) ? before[key] : undefined, Object.hasOwn(after, key) ? after[key] : undefined, [...path, key]),
    );
  }
  if (isPlainTable(before)) {
    return leafEdits(before, {}, path).concat(after === undefined ? [] : [{ path, value: after }]);
  }
  if (isPlainTable(after)) return leafEdits({}, after, path);
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, value: after }];
}

/** The session-flags layer's hold on any edited key: the reference reports the first one it finds. */
function overriddenBySessionFlags(
  loaded: LoadedConfig,
  paths: readonly string[][],
  effective: Record<string, unknown>,
): ConfigWriteResponse['overriddenMetadata'] {
  for (const path of paths) {
    const hit = loaded.overrides.some(({ path: flag }) => {
      const shared = Math.min(flag.length, path.length);
      return flag.slice(0, shared).every((segment, index) => segment === path[index]);
    });
    if (!hit) continue;
    const sessionTable = applyOverrides({}, loaded.overrides.map((o) => ({ path: [...o.path], value: o.value })));
    return {
      message: 'Overridden by session flags',
      overridingLayer: { name: { type: 'sessionFlags' }, version: layerVersion(sessionTable) },
      effectiveValue: valueAt(effective, path) ?? null,
    };
  }
  return null;
}

function valueAt(table: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = table;
  for (const segment of path) {
    if (!isPlainTable(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

async function readExisting(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT') return '';
    throw error;
  }
}

async function samePath(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  try {
    return (await realpath(a)) === (await realpath(b));
  } catch {
    return false;
  }
}
