/*
 * fdir, loaded through its CommonJS build. esbuild resolves an ESM `import` to fdir's ESM build, which calls
 * `createRequire(import.meta.url)` at load time; the server's CommonJS bundle has no `import.meta.url`, so that
 * build would fail to load there. A `require` from this CommonJS module resolves to the CommonJS build instead.
 */
import fdirPackage = require('fdir');
export = fdirPackage;
