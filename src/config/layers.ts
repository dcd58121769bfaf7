import { createHash } from 'node:crypto';
import type { ConfigLayer, ConfigLayerMetadata, ConfigLayerSource } from '../protocol/v2/config.js';
import { applyOverrides } from './overrides.js';
import { isPlainTable } from './schema.js';

/** The parts of a loaded configuration its layers are made of (see LoadedConfig). */
export interface LayeredConfig {
  readonly configPath: string;
  readonly fileTable: Readonly<Record<string, unknown>>;
  readonly overrides: readonly { readonly path: readonly string[]; readonly value: unknown }[];
}

/**
 * The layers this server builds its configuration from, highest precedence first (the reference's order): the
 * command line's overrides (when there are any), then `$CODEX_HOME/config.toml`. The reference also lists
 * `/etc/codex/config.toml` and project `.codex/config.toml` layers; this server reads neither, so it does not
 * claim them.
 */
export function configLayers(config: LayeredConfig): ConfigLayer[] {
  const layers: ConfigLayer[] = [];
  if (config.overrides.length > 0) {
    const table = applyOverrides({}, config.overrides.map((override) => ({ path: [...override.path], value: override.value })));
    layers.push(layer({ type: 'sessionFlags' }, table));
  }
  layers.push(layer(userLayerSource(config.configPath), config.fileTable));
  return layers;
}

export function userLayerSource(configPath: string): ConfigLayerSource {
  return { type: 'user', file: configPath, profile: null };
}

function layer(name: ConfigLayerSource, table: Readonly<Record<string, unknown>>): ConfigLayer {
  return { name, version: layerVersion(table), config: tomlToJson(table) };
}

/**
 * Which layer set each value: dotted key path of every leaf (arrays count as one value) → the layer with the
 * highest precedence that sets it.
 */
export function configOrigins(layers: readonly ConfigLayer[]): Record<string, ConfigLayerMetadata> {
  const origins: Record<string, ConfigLayerMetadata> = {};
  // Lowest precedence first, so a higher layer overwrites what a lower one set.
  for (const entry of [...layers].reverse()) {
    if (entry.disabledReason) continue;
    const metadata = { name: entry.name, version: entry.version };
    for (const path of leafPaths(entry.config, [])) origins[path.join('.')] = metadata;
  }
  return origins;
}

function leafPaths(value: unknown, prefix: string[]): string[][] {
  if (!isJsonObject(value)) return prefix.length === 0 ? [] : [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A layer's version, as the reference computes it [verified against 0.169.0's answers]: `sha256:` and the hex
 * SHA-256 of the table as compact JSON with keys sorted. It changes whenever a value in the layer changes, and
 * not when only comments or formatting do.
 */
export function layerVersion(table: Readonly<Record<string, unknown>>): string {
  return `sha256:${createHash('sha256').update(canonicalJson(tomlToJson(table))).digest('hex')}`;
}

/** Compact JSON with object keys sorted: the text the reference hashes for layer versions and hook identities. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A TOML value as JSON: tables and arrays copied, dates (smol-toml's TomlDate) as their TOML text. */
export function tomlToJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tomlToJson);
  if (isPlainTable(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      Object.defineProperty(copy, key, { value: tomlToJson(child), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  if (value instanceof Date) return typeof value.toISOString === 'function' ? value.toISOString() : String(value);
  if (typeof value === 'bigint') return Number(value);
  return value;
}
