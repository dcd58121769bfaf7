import type { ClientChannel } from '../clients/client-channel.js';

/**
 * Who is creating, resuming or driving a thread: the connection that hears what follows, and the identity the
 * thread's model requests carry for it.
 */
export interface ThreadCaller {
  readonly channel: ClientChannel;
  /** `clientInfo.name` of the connection: the thread's originator. */
  readonly originator: string;
  readonly userAgent: string;
}

/** A caller's identity without its connection: what a turn started on its behalf (queued, a goal's) carries. */
export type CallerIdentity = Omit<ThreadCaller, 'channel'>;
