import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/*
 * Which local directory each shared plugin was saved from, in `$CODEX_HOME/.tmp/plugin-share-local-paths-v1.json`
 * (`{"localPluginPathsByRemotePluginId": {<remote id>: <path>}}`), the file the reference 0.169.0 keeps. It is a
 * best-effort cache: a missing file is an empty one.
 */

const SHARE_PATHS_FILE = '.tmp/plugin-share-local-paths-v1.json';

function mappingFile(codexHome: string): string {
  return join(codexHome, SHARE_PATHS_FILE);
}

async function readMapping(codexHome: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(mappingFile(codexHome), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed = JSON.parse(text) as { localPluginPathsByRemotePluginId?: Record<string, string> };
  return parsed.localPluginPathsByRemotePluginId ?? {};
}

/** The local directory of each shared plugin, by remote plugin id. */
export function sharedPluginPaths(codexHome: string): Promise<Record<string, string>> {
  return readMapping(codexHome);
}

/** Remembers the directory a plugin was shared from. A corrupt file starts afresh. */
export async function rememberSharedPluginPath(codexHome: string, remotePluginId: string, path: string): Promise<void> {
  await writeMapping(codexHome, { ...(await mappingForUpdate(codexHome)), [remotePluginId]: path });
}

/** Forgets where a shared plugin came from; the file goes away with its last entry. A corrupt file starts afresh. */
export async function forgetSharedPluginPath(codexHome: string, remotePluginId: string): Promise<void> {
  const mapping = await mappingForUpdate(codexHome);
  if (!(remotePluginId in mapping)) return;
  const { [remotePluginId]: _gone, ...rest } = mapping;
  await writeMapping(codexHome, rest);
}

function mappingForUpdate(codexHome: string): Promise<Record<string, string>> {
  return readMapping(codexHome).catch((error: unknown): Record<string, string> => {
    if (error instanceof SyntaxError) return {};
    throw error;
  });
}

async function writeMapping(codexHome: string, rest: Record<string, string>): Promise<void> {
  const file = mappingFile(codexHome);
  if (Object.keys(rest).length === 0) {
    await rm(file, { force: true });
    return;
  }
  // Written beside the file and renamed over it, so a reader never sees half of it.
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ localPluginPathsByRemotePluginId: rest }, null, 2)}\n`);
  await rename(temporary, file);
}
