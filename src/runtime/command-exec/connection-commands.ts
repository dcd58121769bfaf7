import type { CommandExecResponse } from '../../protocol/v2/command-exec.js';
import type { ClientChannel } from '../clients/client-channel.js';
import type { Subprocess } from '../../tools/process/subprocess.js';
import { CommandRun, type CommandRunOptions } from './command-run.js';
import { CommandExecRequestError, processIdRepr } from './errors.js';

/**
 * The `command/exec` processes of one connection (the reference keys its sessions by connection and process id):
 * a client reaches only its own processes by its own ids, and when the connection closes every process it started
 * is killed, process group and all. A process leaves the table when its response is ready, just before it is sent,
 * so a write after the response is an unknown process.
 */
export class ConnectionCommands {
  readonly #runs = new Map<string | number, CommandRun>();
  /** Ids whose process is being spawned: taken, but not yet controllable. */
  readonly #starting = new Set<string | number>();
  /** Ids given to buffered commands started without a `processId`; never shown to the client. */
  #nextGeneratedId = 1;
  #closed = false;

  /**
   * Runs a command under `processId` (the client's, or null for a generated one): reserves the id, starts the
   * process with `spawn` and returns its eventual response. When `spawn` throws, the id is free again and the error
   * propagates.
   * @throws CommandExecRequestError for a duplicate id or a closed connection
   */
  async start(
    processId: string | null,
    spawn: () => Promise<Subprocess>,
    options: Omit<CommandRunOptions, 'processId' | 'child'>,
  ): Promise<{ readonly response: Promise<CommandExecResponse> }> {
    if (this.#closed) throw new CommandExecRequestError('connection is closed');
    const key = processId ?? this.#nextGeneratedId++;
    if (this.#runs.has(key) || this.#starting.has(key)) {
      throw new CommandExecRequestError(`duplicate active command/exec process id: ${processIdRepr(key)}`);
    }
    this.#starting.add(key);
    let child: Subprocess;
    try {
      child = await spawn();
    } finally {
      this.#starting.delete(key);
    }
    const run = new CommandRun({ ...options, processId: key, child });
    this.#runs.set(key, run);
    // The connection went away while the process was starting: nobody can stop it later.
    if (this.#closed) run.kill();
    const response = run.finished.then((result) => {
      this.#runs.delete(key);
      return result;
    });
    return { response };
  }

  /**
   * The running command the client named.
   * @throws CommandExecRequestError when this connection has no such process
   */
  get(processId: string): CommandRun {
    const run = this.#runs.get(processId);
    if (run === undefined) {
      throw new CommandExecRequestError(`no active command/exec for process id ${processIdRepr(processId)}`);
    }
    return run;
  }

  /** Kills every process of the connection; later starts are refused. */
  close(): void {
    this.#closed = true;
    for (const run of this.#runs.values()) run.kill();
  }
}

/** The process tables of a server's connections, each created on first use and closed with its connection. */
export class CommandProcesses {
  readonly #tables = new WeakMap<ClientChannel, ConnectionCommands>();

  /** The table of `channel`; its processes are killed when the channel closes. */
  of(channel: ClientChannel): ConnectionCommands {
    let table = this.#tables.get(channel);
    if (table === undefined) {
      const created = new ConnectionCommands();
      this.#tables.set(channel, created);
      channel.onClose(() => created.close());
      table = created;
    }
    return table;
  }
}
