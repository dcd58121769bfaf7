/** A sign-in waiting for the user (browser callback or device-code approval). */
export interface PendingLogin {
  readonly loginId: string;
  /** Ends it as not completed; its own completion path reports that. */
  cancel(): void;
}

/**
 * The one sign-in a server runs at a time, as in the reference: starting another, logging in some other way, or
 * logging out ends the pending one. A finished sign-in removes itself only if it is still the current one.
 */
export class ActiveLogin {
  #current: PendingLogin | null = null;

  /** Makes `login` the pending sign-in, ending the previous one. */
  replace(login: PendingLogin): void {
    const previous = this.#current;
    this.#current = login;
    previous?.cancel();
  }

  /** `canceled` when `loginId` was the pending sign-in (now ended), else `notFound` [observed]. */
  cancel(loginId: string): 'canceled' | 'notFound' {
    if (this.#current?.loginId !== loginId) return 'notFound';
    this.endAny();
    return 'canceled';
  }

  /** Ends whatever sign-in is pending. */
  endAny(): void {
    const current = this.#current;
    this.#current = null;
    current?.cancel();
  }

  /** Called when `loginId` finished by itself. */
  finished(loginId: string): void {
    if (this.#current?.loginId === loginId) this.#current = null;
  }
}
