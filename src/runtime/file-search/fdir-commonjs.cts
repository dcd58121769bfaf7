/*
 * fdir, loaded through its CommonJS build. esbuild resolves an ESM `import` to fdir's ESM build, which calls
 * `createRequire(import.meta.url)` at load time; the server's CommonJS bundle has no `import.meta.url`, so that
 * build would fail to load there. A `require` from this CommonJS module resolves to the CommonJS build instead.
 * It is required on the first walk, not when the server starts (its module body is ~1 ms of start-up).
 */
import type * as Fdir from 'fdir';

let loaded: typeof Fdir | undefined;

function loadFdir(): typeof Fdir {
  loaded ??= require('fdir') as typeof Fdir;
  return loaded;
}

export = loadFdir;
