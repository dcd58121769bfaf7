#!/usr/bin/env node
import buffer = require('node:buffer');
import crypto = require('node:crypto');
import fs = require('node:fs');
import nodeModule = require('node:module');
import os = require('node:os');
import path = require('node:path');
import vm = require('node:vm');

const { isAscii } = buffer;
const { createHash } = crypto;
const { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = fs;
const { createRequire } = nodeModule;
const { tmpdir } = os;
const { dirname, join } = path;
const { Script } = vm;

/**
 * The `app-server` binary. Start-up time matters (IDE hosts spawn the server per window, the terminal UI waits
 * for it), and most of it is Node parsing and compiling ~1 MB of dependencies. So the build bundles the server
 * into one CommonJS file (dist/app-server.cjs), and this launcher runs it through V8's code cache: the first
 * start writes the compiled code to `$TMPDIR/codex-app-server-code-cache/`, later starts skip the compilation.
 * Without a bundle (a plain `tsc` build) it imports dist/src/main.js directly. It is CommonJS (.cts) because
 * Node starts a CommonJS entry point faster than an ES module one.
 */

/** What the bundle exports (src/main.ts). */
interface MainModule {
  runCli(argv: readonly string[], hooks?: { onStarted?: () => void; beforeFlagChange?: () => void }): Promise<void>;
  exitWithStartupFailure(error: unknown): never;
}

const bundlePath = join(__dirname, '..', 'app-server.cjs');

interface LoadedBundle {
  readonly main: MainModule;
  /** Writes the code cache when it was missing or stale; a no-op otherwise. */
  readonly saveCodeCache: () => void;
  /** Loads every deferred built-in the bundle has not touched yet. */
  readonly loadDeferredBuiltins: () => void;
}

function loadBundle(): LoadedBundle | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(bundlePath);
  } catch {
    return null;
  }
  // esbuild escapes every non-ASCII character (its default charset), and an ASCII file decodes as latin1 to the
  // same string at a fraction of UTF-8's cost; anything else is decoded as UTF-8.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  // The cache is only valid for this exact source and V8 version; both go into its name.
  const key = createHash('sha256').update(process.version).update(bytes).digest('hex').slice(0, 32);
  const cacheDir = join(tmpdir(), `codex-app-server-code-cache-${process.getuid?.() ?? 'user'}`);
  const cachePath = join(cacheDir, `${key}.bin`);
  const cachedData = isPrivateDirectory(cacheDir) ? readOptional(cachePath) : undefined;
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapper, { filename: bundlePath, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as MainModule };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const deferring = requireDeferringUnusedBuiltins(createRequire(bundlePath));
  run(module.exports, deferring.require, module, bundlePath, dirname(bundlePath));
  const stale = !cachedData || script.cachedDataRejected;
  return {
    main: module.exports,
    saveCodeCache: () => (stale ? writeCodeCache(script, cacheDir, cachePath) : undefined),
    loadDeferredBuiltins: deferring.loadAll,
  };
}

/**
 * Built-in modules the bundle requires when it loads (commander, fastify and the server's own modules import
 * them at the top) but uses only later: running a command, an HTTP/2 or HTTPS server or request, a DNS lookup.
 * Loading them is ~6 ms of every start (child_process alone ~3), so each is handed over as a stand-in that loads
 * the real module on first touch, or when the server first changes V8's flags (`beforeFlagChange`, ~500 ms after
 * it listens), whichever comes first: required after that, Node's code cache of a built-in is rejected and it is
 * compiled from source (2–3× the time). Only modules nothing touches before the server listens belong here: one
 * read at load (a property read, `instanceof`, a namespace import's key listing) loads it then, which costs
 * nothing extra but gains nothing.
 */
const DEFERRED_BUILTINS = new Set(['child_process', 'http2', 'https', 'dns']);

/**
 * `realRequire` (with its `resolve`, `cache` and `main`), except that DEFERRED_BUILTINS are handed over as
 * stand-ins; `loadAll` loads those not loaded yet.
 */
function requireDeferringUnusedBuiltins(realRequire: NodeJS.Require): { require: NodeJS.Require; loadAll: () => void } {
  const standIns = new Map<string, { readonly module: object; readonly load: () => object }>();
  const deferringRequire = (id: string): unknown => {
    const name = id.startsWith('node:') ? id.slice('node:'.length) : id;
    if (!DEFERRED_BUILTINS.has(name)) return realRequire(id);
    let standIn = standIns.get(name);
    if (standIn === undefined) {
      standIn = loadedOnFirstTouch(() => realRequire(id) as object);
      standIns.set(name, standIn);
    }
    return standIn.module;
  };
  const { resolve, cache, main, extensions } = realRequire;
  return {
    require: Object.assign(deferringRequire, { resolve, cache, main, extensions }) as NodeJS.Require,
    loadAll: () => {
      for (const standIn of standIns.values()) standIn.load();
    },
  };
}

/**
 * An object that behaves as the one `load` returns, calling `load` on the first operation anyone performs on it
 * (or when its own `load` is called).
 */
function loadedOnFirstTouch(load: () => object): { readonly module: object; readonly load: () => object } {
  let loaded: object | undefined;
  const real = (): object => (loaded ??= load());
  const module = new Proxy(Object.create(null) as object, {
    get: (_target, key) => Reflect.get(real(), key),
    has: (_target, key) => Reflect.has(real(), key),
    set: (_target, key, value) => Reflect.set(real(), key, value),
    ownKeys: () => Reflect.ownKeys(real()),
    // A proxy may only report a property non-configurable if its target has it: the real module's are reported
    // configurable (read-only module exports are still read through `get`).
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
  return { module, load: real };
}

/** Compiled code is only trusted from a directory no other user can write: ours, mode 0700. */
function isPrivateDirectory(path: string): boolean {
  try {
    const stats = lstatSync(path);
    const ownedByUs = process.getuid === undefined || stats.uid === process.getuid();
    return stats.isDirectory() && ownedByUs && (stats.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

function readOptional(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeCodeCache(script: vm.Script, cacheDir: string, cachePath: string): void {
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    if (!isPrivateDirectory(cacheDir)) return;
    const temporary = `${cachePath}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, cachePath);
    pruneOtherCaches(cacheDir, cachePath);
  } catch {
    // A read-only or full temp dir only costs start-up time; never fail the server for it.
  }
}

/**
 * How many caches of other builds are kept beside ours. Several installations may share the directory (an IDE's
 * bundled server beside a global one, two checkouts): evicting every other build's cache made each of them start
 * cold whenever the other had started in between. Beyond this many, the least recently written go.
 */
const OTHER_CACHES_KEPT = 3;

function pruneOtherCaches(cacheDir: string, cachePath: string): void {
  const others = readdirSync(cacheDir)
    .filter((name) => name.endsWith('.bin') && join(cacheDir, name) !== cachePath)
    .map((name) => ({ path: join(cacheDir, name), written: lstatSync(join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.written - a.written);
  for (const stale of others.slice(OTHER_CACHES_KEPT)) rmSync(stale.path, { force: true });
}

async function launch(): Promise<void> {
  const bundle = loadBundle();
  const main = bundle?.main ?? ((await import('./main.js')) as MainModule);
  // The cache is written once the server is up, so it also holds the functions start-up compiled lazily, and
  // before the start-up collection turns on `--expose-gc` (util/full-collection.ts): V8 rejects a cache made under
  // other flags than the ones it is read under.
  const onStarted = () => setImmediate(() => bundle?.saveCodeCache());
  const beforeFlagChange = () => bundle?.loadDeferredBuiltins();
  await main
    .runCli(process.argv.slice(2), { onStarted, beforeFlagChange })
    .catch((error: unknown) => main.exitWithStartupFailure(error));
}

void launch();
