import { ErrorCode, RpcError } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import { SkillExtraRoots } from '../runtime/skills/skill-extra-roots.js';
import { writeSkillToggle, type SkillSelector } from '../runtime/skills/skill-toggles.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { skillsListHandler } from './skills-list.js';

/**
 * The `skills/*` family: `skills/list`, `skills/config/write` (persisted in config.toml, seen by the next
 * `skills/list`) and `skills/extraRoots/set` (server-wide, in memory; every initialized connection is told
 * `skills/changed` before the answer, as the reference does [observed on 0.169.0]).
 */
export function skillsHandlers(services: ServerServices): RequestHandler[] {
  const extraRoots = new SkillExtraRoots();
  return [
    skillsListHandler(services, extraRoots),
    bindHandler(ClientRequests.skillsConfigWrite, async (params) => {
      const selector = skillSelector(params.path ?? null, params.name ?? null);
      return { effectiveEnabled: await writeSkillToggle(services.config, selector, params.enabled) };
    }),
    bindHandler(ClientRequests.skillsExtraRootsSet, (params) => {
      extraRoots.replace(params.extraRoots);
      services.broadcaster.broadcast(ServerNotifications.skillsChanged, {});
      return {};
    }),
  ];
}

function skillSelector(path: string | null, name: string | null): SkillSelector {
  if (path !== null && name === null) return { path };
  if (name !== null && path === null) return { name };
  throw new RpcError(ErrorCode.InvalidParams, 'skills/config/write requires exactly one of path or name');
}
