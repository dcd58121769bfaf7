import { basename } from 'node:path';

/**
 * Allow-prefix rules: argv prefixes the user has approved with `acceptWithExecpolicyAmendment` (the reference appends
 * them to `$CODEX_HOME/rules/default.rules` as `prefix_rule(pattern=[…], decision="allow")`). A command matching one
 * runs without a prompt *and outside the sandbox* (`ExecApprovalRequirement::Skip { bypass_sandbox: true }`,
 * codex-rs/core/src/exec_policy.rs).
 */

export type PrefixRule = readonly string[];

/**
 * Whether `argv` starts with `prefix`. Like the reference's `resolve_host_executables` matching, a rule naming a bare
 * program (`git`) also matches that program given by path (`/usr/bin/git`).
 */
export function matchesPrefix(argv: readonly string[], prefix: PrefixRule): boolean {
  if (prefix.length === 0 || argv.length < prefix.length) return false;
  return prefix.every((token, index) => {
    const word = argv[index] as string;
    if (word === token) return true;
    return index === 0 && !token.includes('/') && word.includes('/') && basename(word) === token;
  });
}

/** True when some rule matches `argv`. */
export function matchesAnyPrefix(argv: readonly string[], rules: readonly PrefixRule[]): boolean {
  return rules.some((rule) => matchesPrefix(argv, rule));
}

/**
 * Prefixes never proposed from the model's `prefix_rule`: interpreters and shells, for which a prefix rule would
 * approve arbitrary code (`BANNED_PREFIX_SUGGESTIONS`, codex-rs/core/src/exec_policy.rs).
 */
const BANNED_PREFIX_SUGGESTIONS: readonly PrefixRule[] = [
  ['python3'], ['python3', '-'], ['python3', '-c'], ['python'], ['python', '-'], ['python', '-c'], ['py'],
  ['py', '-3'], ['pythonw'], ['pyw'], ['pypy'], ['pypy3'], ['git'], ['bash'], ['bash', '-lc'], ['sh'], ['sh', '-c'],
  ['sh', '-lc'], ['zsh'], ['zsh', '-lc'], ['/bin/zsh'], ['/bin/zsh', '-lc'], ['/bin/bash'], ['/bin/bash', '-lc'],
  ['pwsh'], ['pwsh', '-Command'], ['pwsh', '-c'], ['powershell'], ['powershell', '-Command'], ['powershell', '-c'],
  ['powershell.exe'], ['powershell.exe', '-Command'], ['powershell.exe', '-c'], ['env'], ['sudo'], ['node'],
  ['node', '-e'], ['perl'], ['perl', '-e'], ['ruby'], ['ruby', '-e'], ['php'], ['php', '-r'], ['lua'], ['lua', '-e'],
  ['osascript'],
];

/** Whether a model-suggested prefix may be offered at all (non-empty and not a banned interpreter prefix). */
export function isSuggestablePrefix(prefix: PrefixRule): boolean {
  if (prefix.length === 0) return false;
  return !BANNED_PREFIX_SUGGESTIONS.some(
    (banned) => banned.length === prefix.length && banned.every((token, index) => token === prefix[index]),
  );
}
