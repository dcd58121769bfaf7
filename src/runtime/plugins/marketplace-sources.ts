import { mkdir, mkdtemp, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeUserConfig } from '../../config/config-write.js';
import type { LoadedConfig } from '../../config/load.js';
import {
  configuredMarketplaceRoot,
  configuredMarketplaces,
  gitMarketplacesDir,
  removeConfigEntry,
} from './configured-marketplaces.js';
import type { ConfiguredMarketplace } from './configured-marketplaces.js';
import { cloneRepository, remoteRevision } from './git-checkout.js';
import type { GitEnv } from './git-checkout.js';
import { findMarketplaceManifest, isValidSegment, loadMarketplace } from './marketplace-manifest.js';
import { PluginRequestError } from './plugin-errors.js';

/** The name the official catalogue uses; nobody may add another marketplace under it. */
const RESERVED_MARKETPLACE = 'openai-curated';
/** Beside a git checkout: the commit it holds, so an upgrade knows whether there is anything new. */
const REVISION_FILE = '.codex-marketplace-revision';

type ParsedSource = { readonly kind: 'local'; readonly path: string } | { readonly kind: 'git'; readonly url: string };

/**
 * `marketplace/add`, `marketplace/remove` and `marketplace/upgrade` as the reference 0.169.0 does them [observed]:
 * a local directory is recorded where it is (`[marketplaces.<name>] source_type = "local"`); a git source is
 * cloned into `$CODEX_HOME/.tmp/marketplaces/<name>` and recorded with `source_type = "git"` (and `ref`).
 */
export class MarketplaceSources {
  readonly #config: LoadedConfig;
  readonly #env: GitEnv;

  constructor(config: LoadedConfig, env: GitEnv) {
    this.#config = config;
    this.#env = env;
  }

  async add(
    rawSource: string,
    ref: string | null,
    sparsePaths: readonly string[],
  ): Promise<{ marketplaceName: string; installedRoot: string; alreadyAdded: boolean }> {
    const source = parseSource(rawSource, this.#env['HOME']);
    if (sparsePaths.length > 0 && source.kind !== 'git') {
      throw new PluginRequestError('--sparse is only supported for git marketplace sources');
    }
    const configured = configuredMarketplaces(this.#config.table);
    if (source.kind === 'local') {
      let path: string;
      try {
        path = await realpath(source.path);
      } catch (error) {
        throw new PluginRequestError(`failed to resolve local marketplace source path: ${osMessage(error)}`);
      }
      const name = await marketplaceNameAt(path);
      const existing = configured.find((m) => m.sourceType === 'local' && m.source === path);
      if (existing === undefined) {
        if (name === RESERVED_MARKETPLACE) throw reserved();
        if (configured.some((m) => m.name === name)) throw addedElsewhere(name);
      }
      await this.#record({ name, sourceType: 'local', source: path, ref: null, sparsePaths: [] });
      return { marketplaceName: name, installedRoot: path, alreadyAdded: existing !== undefined };
    }

    const existing = configured.find((m) => m.sourceType === 'git' && m.source === source.url && m.ref === ref);
    if (existing !== undefined) {
      const root = configuredMarketplaceRoot(this.#config.codexHome, existing);
      return { marketplaceName: await marketplaceNameAt(root), installedRoot: root, alreadyAdded: true };
    }
    const installDir = gitMarketplacesDir(this.#config.codexHome);
    const staging = join(installDir, '.staging');
    await mkdir(staging, { recursive: true });
    const staged = await mkdtemp(join(staging, 'marketplace-add-'));
    try {
      await cloneRepository(this.#env, source.url, ref, sparsePaths, join(staged, 'checkout'));
      const name = await marketplaceNameAt(join(staged, 'checkout'));
      if (name === RESERVED_MARKETPLACE) throw reserved();
      if (!isValidSegment(name)) throw new PluginRequestError(`invalid marketplace name: ${name}`);
      const destination = join(installDir, name);
      if (configured.some((m) => m.name === name) || (await findMarketplaceManifest(destination)) !== null) {
        throw addedElsewhere(name);
      }
      await rename(join(staged, 'checkout'), destination);
      await this.#record({ name, sourceType: 'git', source: source.url, ref, sparsePaths });
      return { marketplaceName: name, installedRoot: destination, alreadyAdded: false };
    } finally {
      await rm(staged, { recursive: true, force: true });
    }
  }

  async remove(name: string): Promise<{ marketplaceName: string; installedRoot: string | null }> {
    const entry = configuredMarketplaces(this.#config.table).find((m) => m.name === name);
    const checkout = join(gitMarketplacesDir(this.#config.codexHome), name);
    const checkedOut = isValidSegment(name) && (await findMarketplaceManifest(checkout)) !== null;
    if (entry === undefined && !checkedOut) {
      throw new PluginRequestError(`marketplace \`${name}\` is not configured or installed`);
    }
    await removeConfigEntry(this.#config, 'marketplaces', name);
    if (!checkedOut) return { marketplaceName: name, installedRoot: null };
    await rm(checkout, { recursive: true, force: true });
    return { marketplaceName: name, installedRoot: checkout };
  }

  /**
   * Re-clones each git marketplace (or the one named) whose remote moved since it was last fetched by an upgrade;
   * a checkout with no recorded commit (fresh from `marketplace/add`) is refreshed too, as the reference does.
   */
  async upgrade(name: string | null): Promise<{
    selectedMarketplaces: string[];
    upgradedRoots: string[];
    errors: Array<{ marketplaceName: string; message: string }>;
  }> {
    const git = configuredMarketplaces(this.#config.table).filter((m) => m.sourceType === 'git');
    const selected = name === null ? git : git.filter((m) => m.name === name);
    if (name !== null && selected.length === 0) {
      throw new PluginRequestError(`marketplace \`${name}\` is not configured as a Git marketplace`);
    }
    const result = { selectedMarketplaces: selected.map((m) => m.name), upgradedRoots: [] as string[], errors: [] as Array<{ marketplaceName: string; message: string }> };
    for (const marketplace of selected) {
      try {
        const upgraded = await this.#upgradeOne(marketplace);
        if (upgraded !== null) result.upgradedRoots.push(upgraded);
      } catch (error) {
        result.errors.push({ marketplaceName: marketplace.name, message: error instanceof Error ? error.message : String(error) });
      }
    }
    return result;
  }

  async #upgradeOne(marketplace: ConfiguredMarketplace): Promise<string | null> {
    const root = configuredMarketplaceRoot(this.#config.codexHome, marketplace);
    const revisionFile = join(gitMarketplacesDir(this.#config.codexHome), `.${marketplace.name}${REVISION_FILE}`);
    const recorded = await readFile(revisionFile, 'utf8').then((text) => text.trim(), () => null);
    const latest = await remoteRevision(this.#env, marketplace.source, marketplace.ref);
    if (recorded !== null && recorded === latest) return null;
    const staging = join(gitMarketplacesDir(this.#config.codexHome), '.staging');
    await mkdir(staging, { recursive: true });
    const staged = await mkdtemp(join(staging, 'marketplace-upgrade-'));
    try {
      const revision = await cloneRepository(this.#env, marketplace.source, marketplace.ref, marketplace.sparsePaths, join(staged, 'checkout'));
      const name = await marketplaceNameAt(join(staged, 'checkout'));
      if (name !== marketplace.name) {
        throw new PluginRequestError(`marketplace name changed from \`${marketplace.name}\` to \`${name}\``);
      }
      await rm(root, { recursive: true, force: true });
      await rename(join(staged, 'checkout'), root);
      await writeFile(revisionFile, `${revision}\n`);
      return root;
    } finally {
      await rm(staged, { recursive: true, force: true });
    }
  }

  async #record(marketplace: ConfiguredMarketplace): Promise<void> {
    const value: Record<string, unknown> = { source_type: marketplace.sourceType, source: marketplace.source };
    if (marketplace.ref !== null) value['ref'] = marketplace.ref;
    if (marketplace.sparsePaths.length > 0) value['sparse_paths'] = [...marketplace.sparsePaths];
    await writeUserConfig(this.#config, {
      edits: [{ keyPath: `marketplaces."${marketplace.name}"`, value, mergeStrategy: 'replace' }],
    });
  }
}

/**
 * What `source` names, as the reference reads it: a path (absolute, `./`, `../` or `~/`) is local; an
 * http(s), ssh or scp-style URL, or GitHub's `owner/repo`, is git. Other forms (including `file://`) are refused.
 */
function parseSource(raw: string, home: string | undefined): ParsedSource {
  const source = raw.trim();
  if (source === '') throw new PluginRequestError('marketplace source must not be empty');
  if (source.startsWith('/') || source.startsWith('./') || source.startsWith('../')) return { kind: 'local', path: source };
  if (source.startsWith('~/')) return { kind: 'local', path: join(home ?? '/', source.slice(2)) };
  if (/^https?:\/\//.test(source)) {
    const github = source.startsWith('https://github.com/') && !source.endsWith('.git');
    return { kind: 'git', url: github ? `${source}.git` : source };
  }
  if (source.startsWith('ssh://') || (source.startsWith('git@') && source.includes(':'))) return { kind: 'git', url: source };
  if (/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/.test(source)) return { kind: 'git', url: `https://github.com/${source}.git` };
  throw new PluginRequestError('invalid marketplace source format; expected owner/repo, a git URL, or a local marketplace path');
}

async function marketplaceNameAt(root: string): Promise<string> {
  const manifest = await findMarketplaceManifest(root);
  if (manifest === null) {
    throw new PluginRequestError(`invalid marketplace file \`${root}\`: marketplace root does not contain a supported manifest`);
  }
  return (await loadMarketplace(manifest)).name;
}

function reserved(): PluginRequestError {
  return new PluginRequestError(`marketplace '${RESERVED_MARKETPLACE}' is reserved and cannot be added from this source`);
}

function addedElsewhere(name: string): PluginRequestError {
  return new PluginRequestError(
    `marketplace '${name}' is already added from a different source; remove it before adding this source`,
  );
}

/** An OS error worded as Rust prints it (`No such file or directory (os error 2)`), which the reference passes on. */
function osMessage(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'No such file or directory (os error 2)';
  if (err.code === 'EACCES') return 'Permission denied (os error 13)';
  if (err.code === 'ENOTDIR') return 'Not a directory (os error 20)';
  return err.message;
}
