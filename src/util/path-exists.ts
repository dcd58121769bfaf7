import { stat } from 'node:fs/promises';

/** Whether anything (file, directory, followed link) is at `path`; any failure to stat it counts as absent. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
