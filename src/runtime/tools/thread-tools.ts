import type { CommandJail } from '../../tools/sandbox/command-jail.js';
import type { SandboxSupport } from '../../tools/sandbox/detect-bubblewrap.js';
import type { LoadedThread } from '../loaded-thread.js';
import { configuredTools } from './configured-tools.js';
import { ExecTools } from './exec-tool.js';
import { PatchTools } from './patch-tool.js';
import { planTool } from './plan-tool.js';
import type { ToolHandler } from './tool-context.js';
import { userInputTool } from './user-input-tool.js';

/**
 * Per-thread tool state (running terminal sessions, what the user approved for the session, the turn's diff)
 * lives as long as the loaded thread.
 */
const perThread = new WeakMap<LoadedThread, { exec: ExecTools; patch: PatchTools }>();

/** The tools a thread's turns offer the model, in the order they are listed in each request. */
export function threadTools(
  thread: LoadedThread,
  sandbox: Promise<SandboxSupport>,
  jail?: CommandJail,
): ToolHandler[] {
  let tools = perThread.get(thread);
  if (tools === undefined) {
    tools = { exec: new ExecTools(thread, sandbox, jail), patch: new PatchTools(thread, jail) };
    perThread.set(thread, tools);
  }
  return [...tools.exec.handlers, tools.patch.handler, planTool, userInputTool, ...configuredTools(thread)];
}

/** The exec tools of `thread`, when one of its turns has offered them (its terminal sessions live there). */
export function threadExecTools(thread: LoadedThread): ExecTools | undefined {
  return perThread.get(thread)?.exec;
}
