import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_PROJECT_ROOT_MARKERS, directoriesUpToProjectRoot } from './project-root.js';

/** The reference's default `project_doc_max_bytes`: 32 KiB of project docs in all. */
export const DEFAULT_PROJECT_DOC_MAX_BYTES = 32 * 1024;
const AGENTS_FILE = 'AGENTS.md';
const OVERRIDE_FILE = 'AGENTS.override.md';
/** Between CODEX_HOME's file and the project's files in the combined text [observed]. */
const PROJECT_DOC_SEPARATOR = '\n\n--- project-doc ---\n\n';

export interface AgentsDocsOptions {
  readonly codexHome: string;
  /** config.toml `project_doc_max_bytes`: the budget of the project's files together (CODEX_HOME's is apart). */
  readonly maxBytes?: number | undefined;
  /** config.toml `project_doc_fallback_filenames`: names tried after AGENTS.md in each directory. */
  readonly fallbackFilenames?: readonly string[] | undefined;
  /** config.toml `project_root_markers`. */
  readonly projectRootMarkers?: readonly string[] | undefined;
  /** Told about a file that exists but cannot be read (it is skipped). */
  readonly warn?: (path: string, error: unknown) => void;
}

/**
 * The AGENTS.md instructions for `cwd`, combined as the reference 0.169.0 combines them [observed]:
 * CODEX_HOME's `AGENTS.override.md` or else `AGENTS.md` (trimmed), then a `--- project-doc ---` separator, then
 * one file per directory from the project root (nearest ancestor with a root marker, `.git` by default) down to
 * `cwd`, each directory's first existing file of `AGENTS.override.md`, `AGENTS.md`, then the fallback names.
 * A file above the project root is never read; without a project root only `cwd` is searched. The project files
 * share a budget of `maxBytes`: a file is cut where the budget ends and later files are left out. Blank files
 * count as absent. Null when there is nothing at all.
 */
export async function agentsInstructions(cwd: string, options: AgentsDocsOptions): Promise<string | null> {
  const { global, project } = await agentsDocs(cwd, options);
  const projectText = project.length === 0 ? null : project.map((doc) => doc.text).join('\n\n');
  const globalText = global?.text ?? null;
  if (globalText !== null && projectText !== null) return `${globalText}${PROJECT_DOC_SEPARATOR}${projectText}`;
  return globalText ?? projectText;
}

/**
 * The files the instructions for `cwd` come from, CODEX_HOME's first: what thread/start, thread/resume and
 * thread/fork report as `instructionSources` [observed on 0.169.0].
 */
export async function agentsSources(cwd: string, options: AgentsDocsOptions): Promise<string[]> {
  const { global, project } = await agentsDocs(cwd, options);
  return [...(global === null ? [] : [global.path]), ...project.map((doc) => doc.path)];
}

interface AgentsDoc {
  readonly path: string;
  readonly text: string;
}

async function agentsDocs(
  cwd: string,
  options: AgentsDocsOptions,
): Promise<{ global: AgentsDoc | null; project: AgentsDoc[] }> {
  return { global: await globalInstructions(options), project: await projectDocs(cwd, options) };
}

/** The user message text carrying the instructions, as the model sees it. */
export function agentsMessageText(cwd: string, instructions: string): string {
  return `# AGENTS.md instructions for ${cwd}\n\n<INSTRUCTIONS>\n${instructions}\n</INSTRUCTIONS>`;
}

async function globalInstructions(options: AgentsDocsOptions): Promise<AgentsDoc | null> {
  for (const name of [OVERRIDE_FILE, AGENTS_FILE]) {
    const path = join(options.codexHome, name);
    const read = await readCapped(path, Number.MAX_SAFE_INTEGER, options.warn);
    if (read === null) continue;
    const trimmed = read.text.trim();
    if (trimmed !== '') return { path, text: trimmed };
  }
  return null;
}

async function projectDocs(cwd: string, options: AgentsDocsOptions): Promise<AgentsDoc[]> {
  let remaining = options.maxBytes ?? DEFAULT_PROJECT_DOC_MAX_BYTES;
  if (remaining <= 0) return [];
  const names = [...new Set([OVERRIDE_FILE, AGENTS_FILE, ...(options.fallbackFilenames ?? [])])].filter(
    (name) => name.trim() !== '',
  );
  const chain = await directoriesUpToProjectRoot(cwd, options.projectRootMarkers ?? DEFAULT_PROJECT_ROOT_MARKERS);
  const parts: AgentsDoc[] = [];
  for (const dir of chain.reverse()) {
    if (remaining <= 0) break;
    const path = await firstFile(dir, names);
    if (path === null) continue;
    const read = await readCapped(path, remaining, options.warn);
    if (read === null || read.text.trim() === '') continue;
    parts.push({ path, text: read.text });
    remaining -= read.bytes;
  }
  return parts;
}

/** The first of `names` in `dir` that is a file (a symlink to a file counts). */
async function firstFile(dir: string, names: readonly string[]): Promise<string | null> {
  for (const name of names) {
    const path = join(dir, name);
    try {
      if ((await stat(path)).isFile()) return path;
    } catch {
      // Absent (or a dangling link): try the next name.
    }
  }
  return null;
}

/**
 * At most `maxBytes` of a file as UTF-8, with the bytes read (a character cut in half becomes U+FFFD, as the reference's lossy
 * decoding does); null when it is absent or not a regular file, or cannot be read (then `warn` is told).
 */
async function readCapped(
  path: string,
  maxBytes: number,
  warn: AgentsDocsOptions['warn'],
): Promise<{ text: string; bytes: number } | null> {
  let handle;
  try {
    if (!(await stat(path)).isFile()) return null;
  } catch {
    return null;
  }
  try {
    handle = await open(path, 'r');
    // Read to the end rather than trusting the size: some files (e.g. under /proc) report 0 and still have content.
    const chunks: Buffer[] = [];
    let filled = 0;
    while (filled < maxBytes) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes - filled));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, filled);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      filled += bytesRead;
    }
    return { text: Buffer.concat(chunks).toString('utf8'), bytes: filled };
  } catch (error) {
    warn?.(path, error);
    return null;
  } finally {
    await handle?.close();
  }
}
