import { PluginCache, parsePluginId } from '../plugins/plugin-cache.js';
import { readPluginManifest } from '../plugins/plugin-manifest.js';
import type { PluginManifest } from '../plugins/plugin-manifest.js';
import { skillFiles } from './skill-discovery.js';
import { readSkillFile, SkillParseError } from './skill-file.js';

/** A skill a plugin brings, named `<plugin>:<skill>` as the reference names it [observed on 0.169.0]. */
export interface PluginSkill {
  readonly name: string;
  readonly description: string;
  readonly shortDescription: string | null;
  readonly path: string;
}

/** The skills in a plugin package's skill directories (files that fail to parse are left out). */
export async function pluginSkills(pluginName: string, manifest: PluginManifest): Promise<PluginSkill[]> {
  const skills: PluginSkill[] = [];
  for (const dir of manifest.skillDirs) {
    for (const path of await skillFiles(dir)) {
      try {
        const skill = await readSkillFile(path);
        skills.push({
          name: `${pluginName}:${skill.name}`,
          description: skill.description,
          shortDescription: skill.shortDescription,
          path,
        });
      } catch (error) {
        if (!(error instanceof SkillParseError)) throw error;
      }
    }
  }
  return skills;
}

/** The skills of the enabled plugins `pluginIds`, read from their installed copies, each with its plugin's id. */
export async function installedPluginSkills(
  codexHome: string,
  pluginIds: readonly string[],
): Promise<Array<PluginSkill & { readonly pluginId: string }>> {
  const cache = new PluginCache(codexHome);
  const found: Array<PluginSkill & { readonly pluginId: string }> = [];
  for (const pluginId of pluginIds) {
    const id = parsePluginId(pluginId);
    const root = id === null ? null : cache.activeRoot(id);
    const manifest = root === null ? null : readPluginManifest(root);
    if (id === null || manifest === null) continue;
    for (const skill of await pluginSkills(id.plugin, manifest)) found.push({ ...skill, pluginId });
  }
  return found;
}
