import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import type { AppInfo } from '../../protocol/v2/apps.js';
import { type AppBackendScope, appBackendJson } from './app-backend-json.js';
import { appInstallUrl, byName, trimmedOrNull } from './app-names.js';
import { HeldListing } from './held-listing.js';

/*
 * ChatGPT's app directory, `GET <chatgpt_base_url>/connectors/directory/list?external_logos=true` (paged with
 * `token`), plus `…/list_workspace` for workspace accounts, as the reference 0.169.0 reads it for `app/list`.
 */

/** How long a directory listing is served without asking again (the reference keeps it an hour). */
const FRESH_FOR_MS = 60 * 60_000;
/** How long one page may take. */
const PAGE_TIMEOUT_MS = 60_000;

/** A failed directory read, worded as the reference words it (after `failed to list apps: `). */
export class AppDirectoryError extends Error {}

const StringMap = lazySchema(() => z.record(z.string(), z.string()));
const DirectoryAppSchema = lazySchema(() => z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  appMetadata: z.looseObject({}).nullish(),
  app_metadata: z.looseObject({}).nullish(),
  branding: z.looseObject({}).nullish(),
  labels: StringMap.nullish(),
  logoUrl: z.string().nullish(),
  logo_url: z.string().nullish(),
  logoUrlDark: z.string().nullish(),
  logo_url_dark: z.string().nullish(),
  iconAssets: StringMap.nullish(),
  icon_assets: StringMap.nullish(),
  iconDarkAssets: StringMap.nullish(),
  icon_dark_assets: StringMap.nullish(),
  distributionChannel: z.string().nullish(),
  distribution_channel: z.string().nullish(),
  visibility: z.string().nullish(),
}));
type DirectoryApp = z.infer<typeof DirectoryAppSchema>;
const DirectoryPageSchema = lazySchema(() => z.looseObject({
  apps: z.array(DirectoryAppSchema),
  next_token: z.string().nullish(),
  nextToken: z.string().nullish(),
}));

const BrandingSchema = lazySchema(() => z.looseObject({
  category: z.string().nullish(),
  developer: z.string().nullish(),
  website: z.string().nullish(),
  privacyPolicy: z.string().nullish(),
  termsOfService: z.string().nullish(),
  isDiscoverableApp: z.boolean().default(false),
}));
const MetadataSchema = lazySchema(() => z.looseObject({
  review: z.looseObject({ status: z.string() }).nullish(),
  categories: z.array(z.string()).nullish(),
  subCategories: z.array(z.string()).nullish(),
  seoDescription: z.string().nullish(),
  screenshots: z
    .array(z.looseObject({ url: z.string().nullish(), fileId: z.string().nullish(), userPrompt: z.string() }))
    .nullish(),
  developer: z.string().nullish(),
  version: z.string().nullish(),
  versionId: z.string().nullish(),
  versionNotes: z.string().nullish(),
  firstPartyRequiresInstall: z.boolean().nullish(),
  showInComposerWhenUnlinked: z.boolean().nullish(),
}));

/** Who the listing is for: the directory answers per base URL, account and user, and workspaces see more. */
export interface AppDirectoryScope extends AppBackendScope {
  readonly accountId: string | null;
  readonly userId: string | null;
  readonly workspaceAccount: boolean;
}

/** Reads the directory, keeping the last listing for an hour. */
export class AppDirectory {
  readonly #held: HeldListing<AppInfo[]>;

  constructor(now: () => number = Date.now) {
    this.#held = new HeldListing(FRESH_FOR_MS, now);
  }

  /** The listing held for `scope`, if still fresh (served first while a refetch runs). */
  cached(scope: AppDirectoryScope): AppInfo[] | null {
    return this.#held.get(keyOf(scope));
  }

  /** Every directory app, merged by id, named and sorted; from the held listing unless `forceRefetch`. */
  async list(scope: AppDirectoryScope, forceRefetch: boolean): Promise<{ apps: AppInfo[]; fetched: boolean }> {
    const cached = forceRefetch ? null : this.cached(scope);
    if (cached !== null) return { apps: cached, fetched: false };
    const entries = await directoryPages(scope);
    if (scope.workspaceAccount) {
      // The workspace's own apps are a bonus: the reference lists without them when they cannot be read.
      entries.push(...(await workspaceApps(scope).catch(() => [])));
    }
    const apps = mergedById(entries).map(toAppInfo).sort(byName);
    this.#held.set(keyOf(scope), apps);
    return { apps, fetched: true };
  }
}

function keyOf(scope: AppDirectoryScope): string {
  return JSON.stringify([scope.backend.baseUrl, scope.accountId, scope.userId, scope.workspaceAccount]);
}

async function directoryPages(scope: AppDirectoryScope): Promise<DirectoryApp[]> {
  const apps: DirectoryApp[] = [];
  let token: string | null = null;
  do {
    const query: string = token === null ? 'external_logos=true' : `token=${encodeURIComponent(token)}&external_logos=true`;
    const page = await fetchPage(scope, `connectors/directory/list?${query}`);
    apps.push(...page.apps.filter(visible));
    token = trimmedOrNull(page.next_token ?? page.nextToken);
  } while (token !== null);
  return apps;
}

async function workspaceApps(scope: AppDirectoryScope): Promise<DirectoryApp[]> {
  const page = await fetchPage(scope, 'connectors/directory/list_workspace?external_logos=true');
  return page.apps.filter(visible);
}

function visible(app: DirectoryApp): boolean {
  return app.visibility !== 'HIDDEN';
}

function fetchPage(scope: AppDirectoryScope, path: string): Promise<z.infer<typeof DirectoryPageSchema>> {
  // The reference sends a JSON content type on these GETs; so does this server.
  const request = { method: 'GET', path, headers: { 'content-type': 'application/json' }, timeoutMs: PAGE_TIMEOUT_MS } as const;
  return appBackendJson(scope, request, DirectoryPageSchema, AppDirectoryError);
}

/** One entry per id, in first-seen order: later entries fill what earlier ones left empty (a description replaces). */
function mergedById(apps: readonly DirectoryApp[]): DirectoryApp[] {
  const merged = new Map<string, DirectoryApp>();
  for (const app of apps) {
    const existing = merged.get(app.id);
    if (existing === undefined) {
      merged.set(app.id, { ...app });
      continue;
    }
    if (existing.name.trim() === '' && app.name.trim() !== '') existing.name = app.name;
    if (trimmedOrNull(app.description) !== null) existing.description = app.description;
    for (const key of ['logoUrl', 'logo_url', 'logoUrlDark', 'logo_url_dark', 'distributionChannel', 'distribution_channel', 'labels'] as const) {
      if (existing[key] == null && app[key] != null) (existing as Record<string, unknown>)[key] = app[key];
    }
    existing.branding = fillGaps(existing.branding, app.branding);
    existing.appMetadata = fillGaps(existing.appMetadata ?? existing.app_metadata, app.appMetadata ?? app.app_metadata);
  }
  return [...merged.values()];
}

/** `existing` with the fields it lacks taken from `incoming` (a discoverable flag, once set, stays set). */
function fillGaps(
  existing: Record<string, unknown> | null | undefined,
  incoming: Record<string, unknown> | null | undefined,
): Record<string, unknown> | null | undefined {
  if (incoming == null) return existing;
  if (existing == null) return incoming;
  const filled = { ...existing };
  for (const [key, value] of Object.entries(incoming)) {
    if (filled[key] == null || (key === 'isDiscoverableApp' && value === true)) filled[key] = value;
  }
  return filled;
}

function toAppInfo(app: DirectoryApp): AppInfo {
  const name = app.name.trim() === '' ? app.id : app.name.trim();
  const branding = BrandingSchema.safeParse(app.branding ?? undefined);
  const metadata = MetadataSchema.safeParse(app.appMetadata ?? app.app_metadata ?? undefined);
  return {
    id: app.id,
    name,
    description: trimmedOrNull(app.description),
    logoUrl: app.logoUrl ?? app.logo_url ?? null,
    logoUrlDark: app.logoUrlDark ?? app.logo_url_dark ?? null,
    iconAssets: app.iconAssets ?? app.icon_assets ?? null,
    iconDarkAssets: app.iconDarkAssets ?? app.icon_dark_assets ?? null,
    distributionChannel: app.distributionChannel ?? app.distribution_channel ?? null,
    branding: branding.success
      ? {
          category: branding.data.category ?? null,
          developer: branding.data.developer ?? null,
          website: branding.data.website ?? null,
          privacyPolicy: branding.data.privacyPolicy ?? null,
          termsOfService: branding.data.termsOfService ?? null,
          isDiscoverableApp: branding.data.isDiscoverableApp,
        }
      : null,
    appMetadata: metadata.success
      ? {
          review: metadata.data.review == null ? null : { status: metadata.data.review.status },
          categories: metadata.data.categories ?? null,
          subCategories: metadata.data.subCategories ?? null,
          seoDescription: metadata.data.seoDescription ?? null,
          screenshots:
            metadata.data.screenshots?.map((shot) => ({ url: shot.url ?? null, fileId: shot.fileId ?? null, userPrompt: shot.userPrompt })) ??
            null,
          developer: metadata.data.developer ?? null,
          version: metadata.data.version ?? null,
          versionId: metadata.data.versionId ?? null,
          versionNotes: metadata.data.versionNotes ?? null,
          firstPartyRequiresInstall: metadata.data.firstPartyRequiresInstall ?? null,
          showInComposerWhenUnlinked: metadata.data.showInComposerWhenUnlinked ?? null,
        }
      : null,
    labels: app.labels ?? null,
    // The slug comes from the name as the directory gave it, before it is trimmed.
    installUrl: appInstallUrl(app.name, app.id),
    isAccessible: false,
    isEnabled: true,
    pluginDisplayNames: [],
  };
}
