import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PluginInterface } from '../../protocol/v2/plugins.js';

/** Where a plugin package declares itself, first match wins. */
const PLUGIN_MANIFEST_PATHS = ['.codex-plugin/plugin.json', '.claude-plugin/plugin.json'] as const;
/** Where a plugin keeps its skills and MCP servers when its manifest does not say. */
const DEFAULT_SKILLS_DIR = 'skills';
const DEFAULT_MCP_FILE = '.mcp.json';
const DEFAULT_HOOKS_FILE = 'hooks/hooks.json';
const MAX_DEFAULT_PROMPTS = 3;
const MAX_DEFAULT_PROMPT_CHARS = 128;

/** A plugin package's `plugin.json`, its relative paths resolved under the package root. */
export interface PluginManifest {
  /** The manifest file itself (inline hooks are attributed to it). */
  readonly path: string;
  readonly name: string;
  readonly version: string | null;
  readonly description: string | null;
  readonly keywords: readonly string[];
  readonly interface: PluginInterface | null;
  /** Directories searched for SKILL.md files. */
  readonly skillDirs: readonly string[];
  /** The MCP server definitions: a `.mcp.json`-style file, or the manifest's inline table. */
  readonly mcpServers: { readonly file: string } | { readonly inline: Record<string, unknown> };
  /** Hook files (`hooks.json` format) or inline hook tables. */
  readonly hooks: { readonly files: readonly string[] } | { readonly inline: readonly unknown[] };
}

/**
 * Reads the manifest of the plugin package at `root`; null when there is none or it is not JSON (the reference
 * then treats the package as having no manifest). Synchronous: a thread's MCP servers are assembled synchronously
 * when it loads, and a manifest is one small file.
 */
export function readPluginManifest(root: string): PluginManifest | null {
  for (const relative of PLUGIN_MANIFEST_PATHS) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(root, relative), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return null;
    }
    return isObject(raw) ? manifestFrom(root, join(root, relative), raw) : null;
  }
  return null;
}

function manifestFrom(root: string, path: string, raw: Record<string, unknown>): PluginManifest {
  const name = typeof raw['name'] === 'string' && raw['name'].trim() !== '' ? raw['name'] : basename(root);
  const version = typeof raw['version'] === 'string' && raw['version'].trim() !== '' ? raw['version'].trim() : null;
  const skills = raw['skills'];
  const declaredSkills = typeof skills === 'string' ? [skills] : Array.isArray(skills) ? skills : [];
  const skillDirs = declaredSkills.flatMap((path) => resolved(root, path));
  const mcp = raw['mcpServers'];
  const mcpFile = typeof mcp === 'string' ? resolved(root, mcp)[0] : undefined;
  const hooks = raw['hooks'];
  return {
    path,
    name,
    version,
    description: typeof raw['description'] === 'string' ? raw['description'] : null,
    keywords: strings(raw['keywords']),
    interface: isObject(raw['interface']) ? interfaceFrom(root, raw['interface']) : null,
    skillDirs: skills === undefined ? [join(root, DEFAULT_SKILLS_DIR)] : skillDirs,
    mcpServers: isObject(mcp) ? { inline: mcp } : { file: mcpFile ?? join(root, DEFAULT_MCP_FILE) },
    hooks: isObject(hooks)
      ? { inline: [hooks] }
      : Array.isArray(hooks) && hooks.every(isObject)
        ? { inline: hooks }
        : {
            files:
              hooks === undefined
                ? [join(root, DEFAULT_HOOKS_FILE)]
                : (typeof hooks === 'string' ? [hooks] : strings(hooks)).flatMap((path) => resolved(root, path)),
          },
  };
}

/** The manifest's `interface`; null when it sets nothing, as the reference reports it. */
function interfaceFrom(root: string, raw: Record<string, unknown>): PluginInterface | null {
  const text = (key: string, alias?: string): string | null => {
    const value = raw[key] ?? (alias === undefined ? undefined : raw[alias]);
    return typeof value === 'string' ? value : null;
  };
  const asset = (key: string): string | null => {
    const value = raw[key];
    return typeof value === 'string' ? (resolved(root, value)[0] ?? null) : null;
  };
  const result: PluginInterface = {
    displayName: text('displayName'),
    shortDescription: text('shortDescription'),
    longDescription: text('longDescription'),
    developerName: text('developerName'),
    category: text('category'),
    capabilities: strings(raw['capabilities']),
    websiteUrl: text('websiteUrl', 'websiteURL'),
    privacyPolicyUrl: text('privacyPolicyUrl', 'privacyPolicyURL'),
    termsOfServiceUrl: text('termsOfServiceUrl', 'termsOfServiceURL'),
    defaultPrompt: defaultPrompts(raw['defaultPrompt']),
    brandColor: text('brandColor'),
    composerIcon: asset('composerIcon'),
    composerIconUrl: null,
    logo: asset('logo'),
    logoDark: asset('logoDark'),
    logoUrl: null,
    logoUrlDark: null,
    screenshots: strings(raw['screenshots']).flatMap((path) => resolved(root, path)),
    screenshotUrls: [],
  };
  const setsSomething = Object.values(result).some((value) => (Array.isArray(value) ? value.length > 0 : value !== null));
  return setsSomething ? result : null;
}

/** Starter prompts: whitespace collapsed, empty or over-long ones dropped, at most three. */
function defaultPrompts(value: unknown): string[] | null {
  const candidates = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  const prompts: string[] = [];
  for (const candidate of candidates) {
    if (prompts.length >= MAX_DEFAULT_PROMPTS) break;
    if (typeof candidate !== 'string') continue;
    const prompt = candidate.split(/\s+/).filter(Boolean).join(' ');
    if (prompt !== '' && [...prompt].length <= MAX_DEFAULT_PROMPT_CHARS) prompts.push(prompt);
  }
  return prompts.length > 0 ? prompts : null;
}

/** A manifest path: `./relative` inside the package; anything else is ignored, as the reference ignores it. */
function resolved(root: string, path: unknown): string[] {
  if (typeof path !== 'string' || !path.startsWith('./')) return [];
  const parts = path.slice(2).split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) return [];
  return [join(root, ...parts)];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
