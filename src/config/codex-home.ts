import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { chmod, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { StartupError } from '../util/startup-error.js';

/**
 * Finds CODEX_HOME as the reference does (codex-rs `find_codex_home`):
 * - `CODEX_HOME` set and non-empty: it must already exist and be a directory; the result is its canonical
 *   absolute path (relative values resolve against the cwd, symlinks are followed — probed: a symlinked
 *   CODEX_HOME is answered as its target in `initialize.codexHome`). Nothing is created.
 * - unset or empty: `$HOME/.codex`, made absolute but not canonicalized (probed with a symlinked HOME). The
 *   reference creates it when missing, with the default mode (0777 minus umask; probed 0755 under umask 022),
 *   so this does too.
 *
 * @throws StartupError with the reference's texts, the path quoted as Rust's `{:?}` prints it:
 *   `CODEX_HOME points to "<value>", but that path does not exist` (also for a dangling symlink),
 *   `CODEX_HOME points to "<value>", but that path is not a directory`, and
 *   `failed to read CODEX_HOME "<value>": Not a directory (os error 20)` for other stat failures.
 */
export function resolveCodexHome(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env['CODEX_HOME'];
  if (configured === undefined || configured === '') {
    const home = env['HOME'] !== undefined && env['HOME'] !== '' ? env['HOME'] : userInfo().homedir;
    const codexHome = resolve(home, '.codex');
    mkdirSync(codexHome, { recursive: true });
    return codexHome;
  }
  const quoted = rustDebugString(configured);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(configured).isDirectory();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      throw new StartupError(`CODEX_HOME points to ${quoted}, but that path does not exist`, { cause: error });
    }
    throw new StartupError(`failed to read CODEX_HOME ${quoted}: ${rustIoMessage(error)}`, { cause: error });
  }
  if (!isDirectory) throw new StartupError(`CODEX_HOME points to ${quoted}, but that path is not a directory`);
  try {
    return realpathSync(configured);
  } catch (error) {
    throw new StartupError(`failed to canonicalize CODEX_HOME ${quoted}: ${rustIoMessage(error)}`, { cause: error });
  }
}

const INSTALLATION_ID_FILE = 'installation_id';

/**
 * Returns this installation's id from `$CODEX_HOME/installation_id`, creating the file when it is missing or
 * does not hold a UUID. Like the reference (codex-rs `installation_id.rs`, probed): the content is trimmed and
 * any form its UUID parser takes is accepted (hyphenated, 32 hex digits, `{…}`, `urn:uuid:…`, any case) and
 * answered in lowercase hyphenated form without rewriting the file; an existing file's mode is set to 0644;
 * a new id is a random v4 UUID written as 36 bytes without a newline, mode 0644.
 *
 * Unlike the reference, which rewrites the file in place under a lock, a new file is written to a temporary
 * name and then linked (when missing, so a concurrent writer's id wins and is returned) or renamed (when
 * replacing invalid content) into place, so a reader never sees a partial id.
 *
 * @throws the file system's error when CODEX_HOME cannot be created or the file cannot be read or written.
 */
export async function readInstallationId(codexHome: string): Promise<string> {
  await mkdir(codexHome, { recursive: true });
  const file = join(codexHome, INSTALLATION_ID_FILE);
  for (let attempt = 0; ; attempt += 1) {
    const existing = await readOptional(file);
    if (existing !== null) {
      const id = parseUuid(existing.trim());
      if (id !== null) {
        if (((await stat(file)).mode & 0o777) !== 0o644) await chmod(file, 0o644);
        return id;
      }
    }
    const id = randomUUID();
    const temp = join(codexHome, `.${INSTALLATION_ID_FILE}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(temp, id, { mode: 0o644, flag: 'wx' });
    try {
      // writeFile's mode is filtered by the umask; the reference ends with exactly 0644.
      await chmod(temp, 0o644);
      if (existing !== null) {
        await rename(temp, file);
        return id;
      }
      try {
        await link(temp, file);
        return id;
      } catch (error) {
        // Another process created the file between our read and link: read theirs (once).
        if (errorCode(error) !== 'EEXIST' || attempt > 0) throw error;
      }
    } finally {
      await rm(temp, { force: true });
    }
  }
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

const HEX = '[0-9a-fA-F]';
const HYPHENATED = `(${HEX}{8})-(${HEX}{4})-(${HEX}{4})-(${HEX}{4})-(${HEX}{12})`;
const UUID_FORMS = [
  new RegExp(`^${HYPHENATED}$`),
  new RegExp(`^\\{${HYPHENATED}\\}$`),
  new RegExp(`^urn:uuid:${HYPHENATED}$`),
  new RegExp(`^(${HEX}{8})(${HEX}{4})(${HEX}{4})(${HEX}{4})(${HEX}{12})$`),
];

/** The forms Rust's `Uuid::parse_str` accepts, normalised to lowercase hyphenated; null when none matches. */
function parseUuid(text: string): string | null {
  for (const form of UUID_FORMS) {
    const match = form.exec(text);
    if (match) return match.slice(1).join('-').toLowerCase();
  }
  return null;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** Rust's io::Error text on Linux (the reference is linked with musl, whose strerror words some differently). */
const RUST_IO_MESSAGES: Record<string, string> = {
  ENOTDIR: 'Not a directory (os error 20)',
  ELOOP: 'Symbolic link loop (os error 40)',
  EACCES: 'Permission denied (os error 13)',
  ENAMETOOLONG: 'Filename too long (os error 36)',
  EIO: 'I/O error (os error 5)',
};

function rustIoMessage(error: unknown): string {
  const code = errorCode(error);
  if (code !== undefined && RUST_IO_MESSAGES[code] !== undefined) return RUST_IO_MESSAGES[code];
  return error instanceof Error ? error.message : String(error);
}

/** Quotes like Rust's `{:?}` for a str: backslash, double quote and control characters are escaped. */
function rustDebugString(value: string): string {
  // oxlint-disable-next-line no-control-regex -- matching control characters is the point: Rust escapes them
  const escaped = value.replace(/[\\"\u0000-\u001f\u007f]/g, (char) => {
    switch (char) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\0':
        return '\\0';
      default:
        return `\\u{${char.charCodeAt(0).toString(16)}}`;
    }
  });
  return `"${escaped}"`;
}
