import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { requireProgram } from './prerequisites.js';

const run = promisify(execFile);

/** tmux from the machine (.ci/run installs it); the e2e tests fail, not skip, when it is missing. */
const TMUX = 'tmux';
const SESSION = 'e2e';
/** How often a wait looks at the screen again: a poll interval, not a sleep that decides an outcome. */
const POLL_MS = 100;
export const SCREEN_WAIT_MS = 20_000;
/** What the wrapping shell prints when the program ended. */
const EXIT_LINE = /^\[e2e\] the program exited with status (\d+)$/m;
/**
 * Runs the program under a shell that prints its exit status, then keeps the pane open (bounded) so the last
 * screen can still be read. The shell, not tmux, waits for the program: tmux 3.3a was seen missing a pane
 * process's exit under load (the process stayed a zombie, the pane never died), so `#{pane_dead_status}`
 * cannot be relied on.
 */
const WRAPPER = `"$@"; printf '\\n[e2e] the program exited with status %s\\n' "$?"; exec sleep 600`;

export interface TerminalOptions {
  /** The program and its arguments, executed directly (no shell). */
  readonly command: readonly string[];
  readonly cwd: string;
  /** Variables set for the program, over the test process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly columns?: number;
  readonly rows?: number;
  /** Extra text for failure messages (e.g. the websocket frames and the server's log). */
  readonly diagnostics?: () => string;
}

/**
 * A program running in a detached tmux session of a fixed size, on a private tmux server (its own socket, no
 * user configuration), killed in `t.after`. Tests type into it and poll its screen; every wait is bounded and a
 * timeout reports the last screen.
 */
export class TmuxTerminal {
  readonly #socket: string;
  readonly #diagnostics: () => string;

  private constructor(socket: string, diagnostics: () => string) {
    this.#socket = socket;
    this.#diagnostics = diagnostics;
  }

  static async start(t: TestContext, options: TerminalOptions): Promise<TmuxTerminal> {
    requireProgram('tmux');
    const dir = await mkdtemp(join(tmpdir(), 'e2e-tmux-'));
    const terminal = new TmuxTerminal(join(dir, 'socket'), options.diagnostics ?? (() => ''));
    t.after(async () => {
      await terminal.#tmux('kill-server').catch(() => undefined); // ends the program if it still runs
      await rm(dir, { recursive: true, force: true });
    });
    const env = Object.entries(options.env ?? {}).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
    await terminal.#tmux(
      'new-session', '-d', '-s', SESSION,
      '-x', String(options.columns ?? 120), '-y', String(options.rows ?? 40),
      '-c', options.cwd, ...env, '--', '/bin/sh', '-c', WRAPPER, 'sh', ...options.command,
    );
    return terminal;
  }

  /** The visible screen, wrapped lines joined, trailing blank lines dropped. */
  async screen(): Promise<string> {
    return (await this.#state()).screen;
  }

  /** The screen and, once the program ended, its exit status (printed by the wrapping shell). */
  async #state(): Promise<{ screen: string; exitStatus?: number }> {
    const { stdout } = await this.#tmux('capture-pane', '-p', '-J', '-t', SESSION);
    const screen = stdout.replace(/\s+$/, '');
    const exited = EXIT_LINE.exec(screen);
    return exited ? { screen, exitStatus: Number(exited[1]) } : { screen };
  }

  /** Types `text` literally (no key names). */
  async type(text: string): Promise<void> {
    await this.#tmux('send-keys', '-t', SESSION, '-l', '--', text);
  }

  /** Presses keys by tmux name: `Enter`, `Escape`, `C-c`, `y`. */
  async press(...keys: string[]): Promise<void> {
    await this.#tmux('send-keys', '-t', SESSION, ...keys);
  }

  /**
   * Polls the screen until `expected` shows (a string is matched literally) and returns that screen; after
   * `timeoutMs` fails with `what`, the last screen and the diagnostics.
   */
  async waitFor(expected: RegExp | string, what: string, timeoutMs = SCREEN_WAIT_MS): Promise<string> {
    return this.waitUntil((screen) => (typeof expected === 'string' ? screen.includes(expected) : expected.test(screen)), what, timeoutMs);
  }

  /**
   * Polls the screen until `done(screen)` holds; fails like `waitFor`, and at once when the program ended
   * without showing it.
   */
  async waitUntil(done: (screen: string) => boolean, what: string, timeoutMs = SCREEN_WAIT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { screen, exitStatus } = await this.#state();
      if (done(screen)) return screen;
      if (exitStatus !== undefined) {
        throw new Error(this.#failure(`the program ended (exit status ${exitStatus}) before showing ${what}`, screen));
      }
      if (Date.now() > deadline) throw new Error(this.#failure(`timed out after ${timeoutMs} ms waiting for ${what}`, screen));
      await pause(POLL_MS);
    }
  }

  /** Waits (bounded) for the program to end and returns its exit status (128 + n for signal n). */
  async exitStatus(timeoutMs = SCREEN_WAIT_MS): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { screen, exitStatus } = await this.#state();
      if (exitStatus !== undefined) return exitStatus;
      if (Date.now() > deadline) throw new Error(this.#failure(`the program did not exit within ${timeoutMs} ms`, screen));
      await pause(POLL_MS);
    }
  }

  /** A failure message: what went wrong, the last screen, then the diagnostics. */
  async describe(problem: string): Promise<string> {
    return this.#failure(problem, await this.screen().catch((error: unknown) => `(no screen: ${String(error)})`));
  }

  #failure(problem: string, screen: string): string {
    const extra = this.#diagnostics();
    return [problem, '--- last screen ---', screen, ...(extra ? [extra] : [])].join('\n');
  }

  async #tmux(...args: string[]): Promise<{ stdout: string }> {
    // -u: capture UTF-8 whatever the locale of the machine; -f /dev/null: no user configuration.
    return run(TMUX, ['-u', '-f', '/dev/null', '-S', this.#socket, ...args], { timeout: 10_000 });
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
