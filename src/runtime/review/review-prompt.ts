import type { ReviewTarget } from '../../protocol/v2/review.js';

/**
 * What a review asks of the model. The instructions replace the thread's base instructions for the review's
 * request; the request text is the user message of the review. The JSON shape at the end is what
 * review-output.ts parses (field names as the reference's reviewers produce them; the wording is ours).
 */
export const REVIEW_INSTRUCTIONS = `# Code review

You are reviewing a code change written by another engineer. Your job is to find the problems the author would want to know about before the change ships, and to report them precisely enough that they can be fixed without a discussion.

## What to report

Report an issue only when all of these hold:
- It has a real effect on correctness, security, performance, reliability or maintainability; it is not a matter of taste.
- It was introduced or exposed by this change. Problems the change did not touch are out of scope.
- It is concrete and fixable: one defect, in one place (or one tight range), with a clear remedy.
- You can show it. Point at the code that breaks, the input that triggers it, or the caller that is affected; do not speculate about parts of the system you have not looked at.
- It is not plainly deliberate. A change in behaviour that the author evidently intended is not a bug.
- Fixing it does not demand more rigour than the rest of the codebase shows.

Skip formatting, naming and other nits unless they hide a real problem or break a documented rule of the project. If the repository has instruction files (AGENTS.md and the like) that apply to the changed files, honour them, and when a finding rests on such a rule, say which file and line it comes from.

Report every issue that qualifies, not just the first one; if nothing qualifies, report nothing. Never pad the list.

## How to write a finding

- The title says what is wrong in at most 80 characters, in the imperative, and starts with its priority tag: [P0] drop everything (breaks release or most users, regardless of inputs), [P1] urgent, fix in the next cycle, [P2] normal, [P3] low, nice to have.
- The body is one short paragraph of Markdown: why this is a bug, under which inputs or conditions it shows, and how serious it is given those conditions. Keep code excerpts to three lines at most, in backticks or a fenced block; a \`\`\`suggestion block may hold exact replacement lines (keep their indentation exactly).
- Be factual and neutral: no praise, no blame, no filler.
- The location is the smallest line range that shows the problem (rarely more than a handful of lines), and it must overlap the change.

Use the tools to inspect the change and the code around it (git diff, git show, reading files). Do not modify anything and do not write a fix.

## Verdict

After the findings, decide whether the change is correct: it is correct when it breaks no existing code or tests and has no bug or blocking issue (style and documentation nits do not count). Explain the verdict in one to three sentences.

## Output

Answer with one JSON object and nothing else: no Markdown fence, no text before or after it.

{
  "findings": [
    {
      "title": "<[P0]-[P3] tag, then the problem, at most 80 characters>",
      "body": "<one paragraph of Markdown: why it is a problem, citing files, lines or functions>",
      "confidence_score": <number from 0.0 to 1.0>,
      "priority": <0, 1, 2 or 3, matching the tag>,
      "code_location": {
        "absolute_file_path": "<absolute path of the file>",
        "line_range": {"start": <first line>, "end": <last line>}
      }
    }
  ],
  "overall_correctness": "patch is correct" | "patch is incorrect",
  "overall_explanation": "<one to three sentences justifying the verdict>",
  "overall_confidence_score": <number from 0.0 to 1.0>
}

Every finding needs its priority and its code_location with both the path and the line range.
`;

/** The user message that starts a review: what to look at and how to see it. */
export function reviewRequestText(target: ReviewTarget, mergeBase: string | null): string {
  switch (target.type) {
    case 'uncommittedChanges':
      return (
        'Review the uncommitted changes in this repository: staged, unstaged and untracked files ' +
        '(`git status`, `git diff HEAD`, and the untracked files themselves). Report prioritized findings.'
      );
    case 'baseBranch':
      return mergeBase === null
        ? `Review the changes of the current branch against the base branch '${target.branch}'. Find where the ` +
            `branches diverged (\`git merge-base HEAD ${target.branch}\`, or its upstream) and inspect ` +
            '`git diff <merge base>`. Report prioritized findings.'
        : `Review the changes of the current branch against the base branch '${target.branch}'. They diverged at ` +
            `${mergeBase}: inspect \`git diff ${mergeBase}\`. Report prioritized findings.`;
    case 'commit':
      return (
        `Review the changes made by commit ${target.sha}` +
        (target.title == null ? '' : ` ("${target.title}")`) +
        ` (\`git show ${target.sha}\`). Report prioritized findings.`
      );
    case 'custom':
      return target.instructions.trim();
  }
}

/**
 * How the review is labelled for the user (the entered-review item and the answer's user message), as the
 * reference 0.169.0 labels it [observed]: `current changes`, `changes against 'main'`, `commit 0123456` (the
 * sha cut to 7 characters), `commit HEAD: <title>`, or the custom instructions themselves.
 */
export function reviewLabel(target: ReviewTarget): string {
  switch (target.type) {
    case 'uncommittedChanges':
      return 'current changes';
    case 'baseBranch':
      return `changes against '${target.branch}'`;
    case 'commit': {
      const sha = target.sha.slice(0, 7);
      return target.title == null ? `commit ${sha}` : `commit ${sha}: ${target.title}`;
    }
    case 'custom':
      return target.instructions.trim();
  }
}
