import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { validateConfigTable } from '../../config/load.js';
import { isPlainTable } from '../../config/schema.js';
import type { RoleChoice } from '../../tools/agents/agent-tool-specs.js';

/*
 * Agent roles: the kinds of sub-agent spawn_agent's `agent_type` names. As in the reference 0.169.0 (observed), there
 * are three built-in roles (`default`, `explorer`, `worker`), which only describe a kind of work and change no
 * setting, and the roles the user configures:
 *
 *   [agents.reviewer]
 *   description = "…"                    # required (here or in the file)
 *   config_file = "roles/reviewer.toml"  # relative to CODEX_HOME; settings the agent runs with
 *   nickname_candidates = ["Ada", "Bo"]  # the names its agents go by
 *
 * plus every `<CODEX_HOME>/agents/**\/*.toml` file that names itself (`name = "…"`). A role file is a config.toml
 * layer for the child (model, model_reasoning_effort, developer_instructions, …) whose `name`, `description` and
 * `nickname_candidates` describe the role instead (and win over the `[agents.<name>]` table's). A role without a
 * description, or whose config_file does not exist or does not hold valid settings, is left out (spawning it is then
 * an unknown agent_type, as the reference 0.169.0 answers for a missing file; observed).
 */

export interface AgentRole {
  readonly name: string;
  readonly description: string;
  /** The role's settings file (absolute), or null for a role that changes no setting. */
  readonly configFile: string | null;
  readonly nicknameCandidates: readonly string[] | null;
}

/** The role a spawn without `agent_type` gets. */
export const DEFAULT_ROLE = 'default';

/** Why a role's settings cannot be used (its file vanished or no longer parses); the reference's text. */
export const ROLE_UNAVAILABLE = 'agent type is currently not available';

/** The built-in roles, in the order spawn_agent's description lists them; the descriptions are ours. */
const BUILT_IN_ROLES: readonly AgentRole[] = [
  { name: DEFAULT_ROLE, description: 'A general-purpose agent with your own settings.', configFile: null, nicknameCandidates: null },
  {
    name: 'explorer',
    description:
      'For precise questions about the codebase. Give each explorer one well-scoped question and rely on its answer ' +
      'rather than re-reading the same code yourself. Independent questions can go to several explorers at once, ' +
      'and an explorer that already studied an area is the one to ask follow-up questions about it.',
    configFile: null,
    nicknameCandidates: null,
  },
  {
    name: 'worker',
    description:
      'For implementation work: part of a feature, a bug or a failing test, one slice of a larger refactor. Tell ' +
      'each worker which files or modules it owns, and that other agents may be changing the codebase at the same ' +
      'time: it must leave their edits alone and fit its work around them.',
    configFile: null,
    nicknameCandidates: null,
  },
];

/** The keys of a role file that describe the role rather than configure the agent. */
const ROLE_FILE_META_KEYS = ['name', 'description', 'nickname_candidates'] as const;

/** The roles configured for a thread with `config` (its config.toml table), by name, sorted by name. */
export function configuredRoles(config: Readonly<Record<string, unknown>>, codexHome: string): Map<string, AgentRole> {
  const roles = new Map<string, AgentRole>();
  const agents = config['agents'];
  if (isPlainTable(agents)) {
    for (const [declared, table] of Object.entries(agents)) {
      // `[agents]` also holds plain settings (max_threads, …): only its tables declare roles.
      if (!isPlainTable(table)) continue;
      const role = declaredRole(declared, table, codexHome);
      if (role === null) continue;
      roles.set(role.name, role);
    }
  }
  for (const file of roleFilesUnder(join(codexHome, 'agents'))) {
    const role = discoveredRole(file);
    if (role !== null) roles.set(role.name, role);
  }
  return new Map([...roles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The role named `name`: a configured one, else a built-in one (a configured role takes a built-in's name over). */
export function findRole(configured: ReadonlyMap<string, AgentRole>, name: string): AgentRole | undefined {
  return configured.get(name) ?? BUILT_IN_ROLES.find((role) => role.name === name);
}

/**
 * What spawn_agent's description offers: the configured roles (by name), then the built-in ones they do not
 * replace, each with the model and effort its file fixes. Null when no role is configured: the reference then does
 * not offer `agent_type` at all (observed).
 */
export function roleChoices(configured: ReadonlyMap<string, AgentRole>): RoleChoice[] | null {
  if (configured.size === 0) return null;
  const roles = [...configured.values(), ...BUILT_IN_ROLES.filter((role) => !configured.has(role.name))];
  return roles.map((role) => {
    let layer: Record<string, unknown> = {};
    try {
      layer = roleLayer(role);
    } catch {
      // An unreadable file fixes nothing that can be told; spawning the role says it is unavailable.
    }
    const model = layer['model'];
    const effort = layer['model_reasoning_effort'];
    return {
      name: role.name,
      description: role.description,
      model: typeof model === 'string' ? model : null,
      reasoningEffort: typeof effort === 'string' ? effort : null,
    };
  });
}

/**
 * The config layer a child of `role` runs with: its file without the role's own keys, read when the child is
 * spawned (so an edited file takes effect without a restart). Empty for a role without a file.
 * @throws Error(ROLE_UNAVAILABLE) when the file cannot be read or parsed.
 */
export function roleLayer(role: AgentRole): Record<string, unknown> {
  if (role.configFile === null) return {};
  const table = readRoleFile(role.configFile);
  if (table === null || !validLayer(table)) throw new Error(ROLE_UNAVAILABLE);
  return layerOf(table);
}

function layerOf(file: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const layer = { ...file };
  for (const key of ROLE_FILE_META_KEYS) delete layer[key];
  return layer;
}

/** Whether a role file's settings are a valid configuration (a role whose are not is left out, like a missing one). */
function validLayer(file: Readonly<Record<string, unknown>>): boolean {
  return validateConfigTable(layerOf(file)).ok;
}

function declaredRole(declared: string, table: Record<string, unknown>, codexHome: string): AgentRole | null {
  let name = declared;
  let description = nonBlank(table['description']);
  let nicknameCandidates = nicknames(table['nickname_candidates']);
  let configFile: string | null = null;
  const path = table['config_file'];
  if (typeof path === 'string') {
    configFile = resolve(codexHome, path);
    if (!isFile(configFile)) return null;
    const file = readRoleFile(configFile);
    if (file === null || !validLayer(file)) return null;
    name = nonBlank(file['name']) ?? name;
    description = nonBlank(file['description']) ?? description;
    nicknameCandidates = nicknames(file['nickname_candidates']) ?? nicknameCandidates;
  }
  return description === null ? null : { name, description, configFile, nicknameCandidates };
}

/**
 * A role file found under `<CODEX_HOME>/agents`. One without a name is not a role by itself (it may be the file of a
 * role declared in config.toml, which names it).
 */
function discoveredRole(file: string): AgentRole | null {
  const table = readRoleFile(file);
  const name = table === null ? null : nonBlank(table['name']);
  if (table === null || name === null || !validLayer(table)) return null;
  const description = nonBlank(table['description']);
  if (description === null) return null;
  return { name, description, configFile: file, nicknameCandidates: nicknames(table['nickname_candidates']) };
}

function readRoleFile(path: string): Record<string, unknown> | null {
  try {
    const table: unknown = parseToml(readFileSync(path, 'utf8'));
    return isPlainTable(table) ? table : null;
  } catch {
    return null;
  }
}

/** The `.toml` files under `dir`, recursively, sorted; none when it does not exist. */
function roleFilesUnder(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files = entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return roleFilesUnder(path);
    return entry.isFile() && entry.name.endsWith('.toml') ? [path] : [];
  });
  return files.sort();
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function nonBlank(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function nicknames(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const names = value.flatMap((name) => (typeof name === 'string' && name.trim() !== '' ? [name.trim()] : []));
  return names.length === 0 ? null : [...new Set(names)];
}
