import { resolve } from 'node:path';
import { ClientRequests } from '../protocol/registry.js';
import { discoverSkills, type SkillRoots } from '../runtime/skills/skill-discovery.js';
import { skillRootsFrom } from '../runtime/skills/skill-roots.js';
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
  return skillRootsFrom(services.codexHome, services.env, services.config.table);
}
