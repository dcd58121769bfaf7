import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { skillsText } from '../../../src/runtime/prompts/skills-text.js';

const SKILLS = [
  { name: 'deploy', description: 'Ships the app\n  to staging.', path: '/home/u/.codex/skills/deploy/SKILL.md' },
  { name: 'lint', description: 'Runs the linters.', path: '/repo/.codex/skills/lint/SKILL.md' },
  { name: 'format', description: 'Formats code.', path: '/home/u/.codex/skills/format/SKILL.md' },
];

describe('the skills list the model is given', () => {
  it('writes each root once as an alias and each skill on one line with its short path', () => {
    const text = skillsText(SKILLS, false) ?? '';
    assert.match(text, /^<skills_instructions>\n[^]*\n<\/skills_instructions>$/);
    assert.deepEqual(
      text.split('\n').filter((line) => line.startsWith('- ')),
      [
        '- `r0` = `/home/u/.codex/skills`',
        '- `r1` = `/repo/.codex/skills`',
        '- deploy: Ships the app to staging. (file: r0/deploy/SKILL.md)',
        '- lint: Runs the linters. (file: r1/lint/SKILL.md)',
        '- format: Formats code. (file: r0/format/SKILL.md)',
      ],
    );
    assert.doesNotMatch(text, /### Using a skill/);
  });

  it('adds how to use skills when the model wants it, and says nothing without skills', () => {
    assert.match(skillsText(SKILLS, true) ?? '', /### Using a skill/);
    assert.equal(skillsText([], true), null);
  });
});
