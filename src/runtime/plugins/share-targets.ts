import type { PluginShareDiscoverability } from '../../protocol/v2/plugins.js';
import { RemoteCatalogueError } from './remote-catalogue-client.js';

/** A share target as the client names it. */
export interface ShareTarget {
  readonly principalType: 'user' | 'group' | 'workspace';
  readonly principalId: string;
  readonly role: 'reader' | 'editor';
}

/** A share target as ChatGPT's plugin service names it. */
export interface ServiceShareTarget {
  principal_type: string;
  principal_id: string;
  role: string;
}

/**
 * The share targets in the service's words. An unlisted share is opened to the user's workspace (the login's
 * account) as a reader, which link access needs: the reference 0.169.0 adds that target when it is missing.
 */
export function shareTargetsFor(
  accountId: string | null,
  discoverability: PluginShareDiscoverability | null,
  targets: readonly ShareTarget[] | null,
): ServiceShareTarget[] | null {
  const wanted =
    targets?.map((target) => ({ principal_type: target.principalType, principal_id: target.principalId, role: target.role })) ??
    null;
  if (discoverability !== 'UNLISTED') return wanted;
  if (accountId === null) throw new RemoteCatalogueError('workspace plugin share requires an account id');
  const all = wanted ?? [];
  if (!all.some((target) => target.principal_type === 'workspace' && target.principal_id === accountId)) {
    all.push({ principal_type: 'workspace', principal_id: accountId, role: 'reader' });
  }
  return all;
}
