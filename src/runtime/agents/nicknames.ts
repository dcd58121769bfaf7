/**
 * Names sub-agents go by, so that the model and the user can tell them apart. Like the reference, a nickname is
 * drawn at random from a list of scientists' surnames (the list itself is ours), avoiding those in use.
 */
const NICKNAMES = [
  'Ampere', 'Archimedes', 'Avogadro', 'Babbage', 'Bohr', 'Boole', 'Brahe', 'Curie', 'Darwin', 'Dirac',
  'Euclid', 'Euler', 'Faraday', 'Fermi', 'Feynman', 'Franklin', 'Galileo', 'Gauss', 'Hopper', 'Hubble',
  'Hypatia', 'Kepler', 'Lamarr', 'Lovelace', 'Maxwell', 'Meitner', 'Mendel', 'Noether', 'Pascal', 'Planck',
  'Ramanujan', 'Riemann', 'Sagan', 'Tesla', 'Turing', 'Volta',
];

/**
 * A nickname not in `taken` (any one, once every name is taken), from `candidates` when the agent's role names its
 * own (observed: the reference then draws from the role's names only).
 */
export function pickNickname(taken: ReadonlySet<string>, candidates: readonly string[] | null = null): string {
  const names = candidates ?? NICKNAMES;
  const free = names.filter((name) => !taken.has(name));
  const pool = free.length > 0 ? free : names;
  return pool[Math.floor(Math.random() * pool.length)] as string;
}
