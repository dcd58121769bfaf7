import { isPlainTable } from '../../config/schema.js';
import { enabledPluginIds } from '../plugins/configured-marketplaces.js';
import type { SkillRoots } from './skill-discovery.js';

/** Where skills are looked for, from CODEX_HOME, `$HOME` and config.toml (`project_root_markers`, `[[skills.config]]`). */
export function skillRootsFrom(
  codexHome: string,
  env: Readonly<Record<string, string | undefined>>,
  table: Readonly<Record<string, unknown>>,
): SkillRoots {
  const markers = table['project_root_markers'];
  return {
    codexHome,
    home: env['HOME'] ?? null,
    projectRootMarkers: Array.isArray(markers) && markers.every((m) => typeof m === 'string') ? markers : undefined,
    disabled: disabledSkills(table['skills']),
    enabledPlugins: enabledPluginIds(table),
  };
}

/** config.toml `[[skills.config]]` entries with `enabled = false`, by `path` or by `name`. */
function disabledSkills(skills: unknown): SkillRoots['disabled'] {
  const paths = new Set<string>();
  const names = new Set<string>();
  const entries = isPlainTable(skills) ? skills['config'] : undefined;
  for (const entry of Array.isArray(entries) ? entries : []) {
    if (!isPlainTable(entry) || entry['enabled'] !== false) continue;
    if (typeof entry['path'] === 'string') paths.add(entry['path']);
    if (typeof entry['name'] === 'string') names.add(entry['name']);
  }
  return { paths, names };
}
