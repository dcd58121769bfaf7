import { COMPATIBLE_CODEX_VERSION } from '../../util/version.js';

/**
 * The environment of a command the model runs: the server's own environment plus the variables the reference
 * sets for unified exec (`UNIFIED_EXEC_ENV` in `codex-rs/core/src/unified_exec/process_manager.rs`, and the
 * `CODEX_*` identification seen in a probe of 0.169.0's `env` output). They keep output plain and non-interactive:
 * no colours, no pager waiting for a key, a UTF-8 locale.
 */
const UNIFIED_EXEC_ENV: Readonly<Record<string, string>> = {
  NO_COLOR: '1',
  TERM: 'dumb',
  LANG: 'C.UTF-8',
  LC_CTYPE: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  COLORTERM: '',
  PAGER: 'cat',
  GIT_PAGER: 'cat',
  GH_PAGER: 'cat',
  CODEX_CI: '1',
  // Tells the reference's apply_patch helper to keep CRLF files CRLF; set for every command in 0.169.0.
  CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS: '1',
};

export interface ExecEnvContext {
  /** The thread the command belongs to (`CODEX_THREAD_ID`, and `CODEX_SESSION_ID`, which equals it). */
  readonly threadId?: string | undefined;
  /** The model's call id of the `exec_command` (`CODEX_TOOL_CALL_ID`). */
  readonly callId?: string | undefined;
}

/**
 * `base` (default `process.env`) with the unified-exec variables applied on top. Sandbox variables such as
 * `CODEX_SANDBOX_NETWORK_DISABLED` are the sandbox wrapper's business, not added here.
 */
export function unifiedExecEnv(
  context: ExecEnvContext = {},
  base: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  Object.assign(env, UNIFIED_EXEC_ENV);
  env['CODEX_VERSION'] = COMPATIBLE_CODEX_VERSION;
  if (context.threadId !== undefined) {
    env['CODEX_THREAD_ID'] = context.threadId;
    env['CODEX_SESSION_ID'] = context.threadId;
  }
  if (context.callId !== undefined) env['CODEX_TOOL_CALL_ID'] = context.callId;
  return env;
}
