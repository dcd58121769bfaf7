import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file the reference 0.169.0 keeps its installation id in, under CODEX_HOME (a bare UUID, no newline). */
export const INSTALLATION_ID_FILE = 'installation_id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const known = new Map<string, Promise<string>>();

/**
 * This installation's id, shared with the reference when both use the same CODEX_HOME: read from
 * `CODEX_HOME/installation_id`, or created there on first use. When the file cannot be written the id still
 * lives for this process, so requests stay consistent.
 */
export function installationId(codexHome: string): Promise<string> {
  let id = known.get(codexHome);
  if (id === undefined) {
    id = readOrCreate(join(codexHome, INSTALLATION_ID_FILE));
    known.set(codexHome, id);
  }
  return id;
}

async function readOrCreate(path: string): Promise<string> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (UUID.test(text)) return text.toLowerCase();
  } catch {
    // Absent or unreadable: make one.
  }
  const id = randomUUID();
  try {
    await writeFile(path, id, { mode: 0o600 });
  } catch {
    // A read-only home: the id still holds for this process.
  }
  return id;
}
