import { execFile } from 'node:child_process';

/**
 * The commit where HEAD and `branch` diverged (`git merge-base HEAD <branch>`) in `cwd`, so the review request
 * can name the exact diff to inspect; null when git cannot tell (not a repository, unknown branch, no git).
 */
export function mergeBase(cwd: string, branch: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', ['merge-base', 'HEAD', branch], { cwd, timeout: 10_000 }, (error, stdout) => {
      const sha = String(stdout).trim();
      resolve(error === null && /^[0-9a-f]{7,64}$/.test(sha) ? sha : null);
    });
  });
}
