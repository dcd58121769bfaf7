import { writeUserConfig } from '../../config/config-write.js';
import type { LoadedConfig } from '../../config/load.js';
import { isPlainTable } from '../../config/schema.js';
import type { ConfigEdit } from '../../protocol/v2/config.js';

/** Which skill a toggle names: exactly one of its SKILL.md path or its name. */
export type SkillSelector = { readonly path: string } | { readonly name: string };

/**
 * Turns a skill on or off in config.toml's `[[skills.config]]` list, as the reference 0.169.0 persists it
 * [observed]: turning off appends `{ name | path, enabled = false }` unless an entry with that selector is already
 * there; turning on removes the entries with that selector (and the whole `[skills]` table once it is empty), so
 * the file only ever records exceptions. A toggle that changes nothing leaves the file untouched (not even
 * created). Returns whether the skill is now enabled by that selector, which is what was asked.
 */
export function writeSkillToggle(config: LoadedConfig, selector: SkillSelector, enabled: boolean): Promise<boolean> {
  // One toggle at a time: each computes its list from the file the previous one left, so none is lost.
  const run = togglesInFlight.then(() => applyToggle(config, selector, enabled));
  togglesInFlight = run.catch(() => undefined);
  return run;
}

let togglesInFlight: Promise<unknown> = Promise.resolve();

async function applyToggle(config: LoadedConfig, selector: SkillSelector, enabled: boolean): Promise<boolean> {
  const skills = config.fileTable['skills'];
  const skillsTable = isPlainTable(skills) ? skills : {};
  const current = Array.isArray(skillsTable['config']) ? (skillsTable['config'] as unknown[]) : [];
  const matches = (entry: unknown): boolean =>
    isPlainTable(entry) && ('path' in selector ? entry['path'] === selector.path : entry['name'] === selector.name);

  let next: unknown[];
  if (enabled) next = current.filter((entry) => !matches(entry));
  else if (current.some(matches)) next = current;
  else next = [...current, { ...selector, enabled: false }];
  if (next.length === current.length && next.every((entry, index) => entry === current[index])) return enabled;

  const edits: ConfigEdit[] = [];
  const othersKept = Object.keys(skillsTable).some((key) => key !== 'config');
  if (next.length > 0) edits.push({ keyPath: 'skills.config', value: next, mergeStrategy: 'replace' });
  else if (othersKept) edits.push({ keyPath: 'skills.config', value: null, mergeStrategy: 'replace' });
  else edits.push({ keyPath: 'skills', value: null, mergeStrategy: 'replace' });
  await writeUserConfig(config, { edits });
  return enabled;
}
