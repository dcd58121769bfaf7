import type { SandboxSupport } from '../../tools/sandbox/detect-bubblewrap.js';
import type { LoadedThread } from '../loaded-thread.js';
import { ExecTools } from './exec-tool.js';
import { planTool } from './plan-tool.js';
import type { ToolHandler } from './tool-context.js';
import { userInputTool } from './user-input-tool.js';

/** Per-thread tool state (running terminal sessions, session approvals) lives as long as the loaded thread. */
const execTools = new WeakMap<LoadedThread, ExecTools>();

/** The tools a thread's turns offer the model, in the order they are listed in each request. */
export function threadTools(thread: LoadedThread, sandbox: Promise<SandboxSupport>): ToolHandler[] {
  let exec = execTools.get(thread);
  if (exec === undefined) {
    exec = new ExecTools(thread, sandbox);
    execTools.set(thread, exec);
  }
  return [...exec.handlers, planTool, userInputTool];
}
