import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { detectBubblewrap } from '../../src/tools/sandbox/detect-bubblewrap.js';

/**
 * System programs some tests need. A test that needs one calls {@link requireProgram} (or
 * {@link requireWorkingBubblewrap}) first, so a machine without it fails with a sentence naming the package and
 * the install command instead of a bare assertion deep inside the test. These tests are never skipped: the
 * behaviour they check is real and must be checked.
 */
const PROGRAMS = {
  bwrap: { package: 'bubblewrap', why: 'the command sandbox' },
  tmux: { package: 'tmux', why: 'driving the terminal UI' },
  openssl: { package: 'openssl', why: 'making throw-away certificates' },
} as const;

export type Program = keyof typeof PROGRAMS;

function onPath(name: string): boolean {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (directory === '' || !isAbsolute(directory)) continue;
    try {
      accessSync(join(directory, name), constants.X_OK);
      return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}

export function installHint(program: Program): string {
  const pkg = PROGRAMS[program].package;
  return `install it with \`sudo apt-get install ${pkg}\` (Debian/Ubuntu), \`sudo dnf install ${pkg}\` (Fedora) or \`apk add ${pkg}\` (Alpine)`;
}

/** Throws, with what to install, unless `program` is on PATH. */
export function requireProgram(program: Program): void {
  if (onPath(program)) return;
  const { package: pkg, why } = PROGRAMS[program];
  throw new Error(`this test needs \`${program}\` (package ${pkg}, for ${why}), which is not on PATH: ${installHint(program)}.`);
}

let bubblewrap: Promise<string | null> | undefined;

/**
 * Throws unless bubblewrap is installed and can build the sandbox here (user namespaces allowed). Probed once per
 * test process.
 */
export async function requireWorkingBubblewrap(): Promise<void> {
  requireProgram('bwrap');
  bubblewrap ??= detectBubblewrap().then((support) => (support.available ? null : support.reason));
  const reason = await bubblewrap;
  if (reason === null) return;
  throw new Error(
    `this test needs a working bubblewrap sandbox, but ${reason}. Unprivileged user namespaces must be allowed: ` +
      '`sudo sysctl -w kernel.unprivileged_userns_clone=1` (Debian), and on Ubuntu 24.04+ ' +
      '`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`; in a container, see docs/deployment.md.',
  );
}
