import { resolve } from 'node:path';
import { isPlainTable } from '../config/schema.js';
import { ClientRequests } from '../protocol/registry.js';
import { discoverSkills, type SkillRoots } from '../runtime/skills/skill-discovery.js';
import type { SkillExtraRoots } from '../runtime/skills/skill-extra-roots.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `skills/list`: the skills visible from each of `cwds` (default: the server's working directory), one entry per
 * cwd, echoed as given; a relative cwd is taken relative to the server's directory [observed]. Every call scans
 * the disk, so `forceReload` has nothing to bypass.
 */
export function skillsListHandler(services: ServerServices, extraRoots: SkillExtraRoots): RequestHandler {
  return bindHandler(ClientRequests.skillsList, async (params) => {
    const serverCwd = services.threads.serverCwd;
    const cwds = params.cwds !== undefined && params.cwds.length > 0 ? params.cwds : [serverCwd];
    const roots = { ...skillRoots(services), extra: extraRoots.roots };
    const data = [];
    for (const cwd of cwds) data.push(await discoverSkills(resolve(serverCwd, cwd), cwd, roots));
    return { data };
  });
}

function skillRoots(services: ServerServices): SkillRoots {
  const table = services.config.table;
  const markers = table['project_root_markers'];
  return {
    codexHome: services.codexHome,
    home: services.env['HOME'] ?? null,
    projectRootMarkers: Array.isArray(markers) && markers.every((m) => typeof m === 'string') ? markers : undefined,
    disabled: disabledSkills(table['skills']),
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
