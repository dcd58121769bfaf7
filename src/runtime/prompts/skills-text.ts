import { dirname, relative } from 'node:path';

/** A skill as the model is told about it. */
export interface ListedSkill {
  readonly name: string;
  readonly description: string;
  /** Absolute path of its SKILL.md. */
  readonly path: string;
}

/**
 * The `<skills_instructions>` part of the second developer message: the skills the model may use, each with its
 * name, description and SKILL.md path, the paths shortened through a table of root aliases (`r0`, `r1`, …) as the
 * reference 0.169.0 does [observed], so long roots are written once. `withUsage` adds how to use them (the
 * catalogue decides per model; a model it does not know gets the list only). Null when there is no skill.
 */
export function skillsText(skills: readonly ListedSkill[], withUsage: boolean): string | null {
  if (skills.length === 0) return null;
  const roots: string[] = [];
  const entries = skills.map((skill) => {
    // A skill's root is the directory holding its folder: `<root>/<skill>/SKILL.md`.
    const root = dirname(dirname(skill.path));
    if (!roots.includes(root)) roots.push(root);
    const alias = `r${roots.indexOf(root)}`;
    return `- ${skill.name}: ${oneLine(skill.description)} (file: ${alias}/${relative(root, skill.path)})`;
  });
  return [
    '<skills_instructions>',
    '## Skills',
    'Skills are task-specific playbooks stored as `SKILL.md` files. The ones available here are listed below by name and',
    'description, with a short path: replace its root alias (`r0`, …) with the directory from the table to get the file.',
    '### Skill roots',
    ...roots.map((root, index) => `- \`r${index}\` = \`${root}\``),
    '### Available skills',
    ...entries,
    ...(withUsage ? USAGE : []),
    '</skills_instructions>',
  ].join('\n');
}

const USAGE = [
  '### Using a skill',
  '- When the user names a skill (for example `$skill-name`) or the task plainly matches a description above, use that',
  '  skill for this turn; several named skills are all used. A skill used in one turn is not carried into the next',
  '  unless it is mentioned again.',
  '- Before acting, open the skill\'s `SKILL.md` (expand its path with the roots table) and read all of it. Paths it',
  '  mentions are relative to its own directory. Read only the extra files it points you to for this task.',
  '- Prefer the scripts, templates and assets a skill ships over rewriting them yourself.',
  '- Say in one short line which skill you are using and why. If a named skill is missing or cannot be read, say so',
  '  and continue as well as you can without it.',
];

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
