/**
 * The directories `skills/extraRoots/set` adds to every skill search, for the life of the server: the reference
 * keeps them in memory only (config.toml is not touched, a restart forgets them) [observed on 0.169.0].
 */
export class SkillExtraRoots {
  #roots: readonly string[] = [];

  get roots(): readonly string[] {
    return this.#roots;
  }

  /** Replaces the whole set (an empty list clears it). */
  replace(roots: readonly string[]): void {
    this.#roots = [...roots];
  }
}
