import type { ClientChannel } from '../clients/client-channel.js';
import type { Subprocess } from '../../tools/process/subprocess.js';
import { CommandRun, type CommandRunOptions, type RunOutcome } from './command-run.js';
import { CommandExecRequestError, processIdRepr } from './errors.js';

/** How a process table and its runs word their refusals (each family has the reference's own texts). */
export interface ProcessTableWording {
  /** What a run is called in its errors (see {@link CommandRunOptions.noun}). */
  readonly noun: string;
  /** The refusal of an id that is already running, given the id as the reference prints it. */
  readonly duplicate: (id: string) => string;
  /** The refusal of an id this connection does not run. */
  readonly unknown: (id: string) => string;
}

/** `command/exec`'s texts, probed on 0.169.0. */
export const COMMAND_EXEC_WORDING: ProcessTableWording = {
  noun: 'command/exec',
  duplicate: (id) => `duplicate active command/exec process id: ${id}`,
  unknown: (id) => `no active command/exec for process id ${id}`,
};

/**
 * The processes one connection started through one method family (the reference keys its sessions by connection and
 * process id): a client reaches only its own processes by its own ids, and when the connection closes every process
 * it started is killed, process group and all. A process leaves the table when its outcome is ready, just before the
 * response or exit notification built from it is sent, so a write after that is an unknown process.
 */
export class ConnectionCommands {
  readonly #wording: ProcessTableWording;
  readonly #runs = new Map<string | number, CommandRun>();
  /** Ids whose process is being spawned: taken, but not yet controllable. */
  readonly #starting = new Set<string | number>();
  /** Ids given to buffered commands started without a `processId`; never shown to the client. */
  #nextGeneratedId = 1;
  #closed = false;

  constructor(wording: ProcessTableWording) {
    this.#wording = wording;
  }

  /**
   * Runs a command under `processId` (the client's, or null for a generated one): reserves the id, starts the
   * process with `spawn` and returns its eventual outcome. When `spawn` throws, the id is free again and the error
   * propagates.
   * @throws CommandExecRequestError for a duplicate id or a closed connection
   */
  async start(
    processId: string | null,
    spawn: () => Promise<Subprocess>,
    options: Omit<CommandRunOptions, 'processId' | 'child' | 'noun'>,
  ): Promise<{ readonly finished: Promise<RunOutcome> }> {
    if (this.#closed) throw new CommandExecRequestError('connection is closed');
    const key = processId ?? this.#nextGeneratedId++;
    if (this.#runs.has(key) || this.#starting.has(key)) {
      throw new CommandExecRequestError(this.#wording.duplicate(processIdRepr(key)));
    }
    this.#starting.add(key);
    let child: Subprocess;
    try {
      child = await spawn();
    } finally {
      this.#starting.delete(key);
    }
    const run = new CommandRun({ ...options, processId: key, child, noun: this.#wording.noun });
    this.#runs.set(key, run);
    // The connection went away while the process was starting: nobody can stop it later.
    if (this.#closed) run.kill();
    const finished = run.finished.then((outcome) => {
      this.#runs.delete(key);
      return outcome;
    });
    return { finished };
  }

  /**
   * The running command the client named.
   * @throws CommandExecRequestError when this connection has no such process
   */
  get(processId: string): CommandRun {
    const run = this.#runs.get(processId);
    if (run === undefined) {
      throw new CommandExecRequestError(this.#wording.unknown(processIdRepr(processId)));
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
  readonly #wording: ProcessTableWording;

  constructor(wording: ProcessTableWording) {
    this.#wording = wording;
  }

  /** The table of `channel`; its processes are killed when the channel closes. */
  of(channel: ClientChannel): ConnectionCommands {
    let table = this.#tables.get(channel);
    if (table === undefined) {
      const created = new ConnectionCommands(this.#wording);
      this.#tables.set(channel, created);
      channel.onClose(() => created.close());
      table = created;
    }
    return table;
  }
}
