import type { Dirent } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SkillErrorInfo, SkillMetadata, SkillScope, SkillsListEntry } from '../../protocol/v2/skills.js';
import { directoriesUpToProjectRoot } from '../context/project-root.js';
import { installedPluginSkills } from './plugin-skills.js';
import { readSkillFile, SkillParseError } from './skill-file.js';

/** Where skills are looked for besides the project. */
export interface SkillRoots {
  readonly codexHome: string;
  /** The user's home directory (`$HOME`), for `~/.agents/skills`; null when unknown. */
  readonly home: string | null;
  /** config.toml `project_root_markers`, when set. */
  readonly projectRootMarkers?: readonly string[] | undefined;
  /** SKILL.md paths (or skill names) config.toml `[[skills.config]]` turns off. */
  readonly disabled: { readonly paths: ReadonlySet<string>; readonly names: ReadonlySet<string> };
  /** Directories `skills/extraRoots/set` added; their skills have scope `user`. */
  readonly extra?: readonly string[] | undefined;
  /** Ids (`name@marketplace`) of the plugins config.toml turns on; their installed skills have scope `user`. */
  readonly enabledPlugins?: readonly string[] | undefined;
}

const SKILL_FILE = 'SKILL.md';
/** Skill trees are shallow; this bounds a scan that wanders into a large directory by mistake. */
const MAX_SCAN_DEPTH = 6;
const SCOPE_ORDER: readonly SkillScope[] = ['repo', 'user', 'system', 'admin'];

/**
 * The skills visible from `cwd`, found as the reference finds them [observed on 0.169.0]: `.codex/skills` and
 * `.agents/skills` in every directory from `cwd` up to the project root (scope `repo`), `$CODEX_HOME/skills` and
 * `~/.agents/skills` and any extra roots (`user`), `$CODEX_HOME/skills/.system` (`system`) and `/etc/codex/skills` (`admin`), plus the skills of enabled, installed
 * plugins (`user`, named `<plugin>:<skill>`, with their `pluginId`). Each
 * root is searched recursively for SKILL.md files, skipping hidden entries and symlinks. Skills are sorted by
 * scope, then name, then path; files that fail to parse are reported in `errors`, sorted by path.
 */
export async function discoverSkills(cwd: string, displayCwd: string, roots: SkillRoots): Promise<SkillsListEntry> {
  const searched: Array<readonly [SkillScope, string]> = [];
  for (const dir of await directoriesUpToProjectRoot(cwd, roots.projectRootMarkers)) {
    searched.push(['repo', join(dir, '.codex', 'skills')], ['repo', join(dir, '.agents', 'skills')]);
  }
  searched.push(['user', join(roots.codexHome, 'skills')]);
  if (roots.home !== null) searched.push(['user', join(roots.home, '.agents', 'skills')]);
  for (const extra of roots.extra ?? []) searched.push(['user', extra]);
  searched.push(['system', join(roots.codexHome, 'skills', '.system')], ['admin', '/etc/codex/skills']);

  const seenRoots = new Set<string>();
  const seenFiles = new Set<string>();
  const skills: SkillMetadata[] = [];
  const errors: SkillErrorInfo[] = [];
  for (const [scope, root] of searched) {
    const canonical = await canonicalDir(root);
    if (canonical === null || seenRoots.has(canonical)) continue;
    seenRoots.add(canonical);
    for (const path of await skillFiles(canonical)) {
      if (seenFiles.has(path)) continue;
      seenFiles.add(path);
      try {
        const skill = await readSkillFile(path);
        skills.push({
          name: skill.name,
          description: skill.description,
          ...(skill.shortDescription === null ? {} : { shortDescription: skill.shortDescription }),
          ...(skill.interface === null ? {} : { interface: skill.interface }),
          ...(skill.dependencies === null ? {} : { dependencies: skill.dependencies }),
          path,
          scope,
          enabled: !roots.disabled.paths.has(path) && !roots.disabled.names.has(skill.name),
          pluginId: null,
        });
      } catch (error) {
        if (!(error instanceof SkillParseError)) throw error;
        errors.push({ path, message: error.message });
      }
    }
  }
  for (const skill of await installedPluginSkills(roots.codexHome, roots.enabledPlugins ?? [])) {
    if (seenFiles.has(skill.path)) continue;
    seenFiles.add(skill.path);
    skills.push({
      name: skill.name,
      description: skill.description,
      ...(skill.shortDescription === null ? {} : { shortDescription: skill.shortDescription }),
      path: skill.path,
      scope: 'user',
      enabled: !roots.disabled.paths.has(skill.path) && !roots.disabled.names.has(skill.name),
      pluginId: skill.pluginId,
    });
  }
  skills.sort(
    (a, b) =>
      SCOPE_ORDER.indexOf(a.scope) - SCOPE_ORDER.indexOf(b.scope) || compare(a.name, b.name) || compare(a.path, b.path),
  );
  errors.sort((a, b) => compare(a.path, b.path));
  return { cwd: displayCwd, skills, errors };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function canonicalDir(path: string): Promise<string | null> {
  try {
    return await realpath(resolve(path));
  } catch {
    return null;
  }
}

/** Every SKILL.md under `root`, breadth first, hidden entries and symlinks skipped. */
export async function skillFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  let level = [root];
  for (let depth = 0; depth <= MAX_SCAN_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      entries.sort((a, b) => compare(a.name, b.name));
      for (const entry of entries) {
        if (entry.name.startsWith('.') || entry.isSymbolicLink()) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) next.push(path);
        else if (entry.isFile() && entry.name === SKILL_FILE) found.push(path);
      }
    }
    level = next;
  }
  return found;
}
