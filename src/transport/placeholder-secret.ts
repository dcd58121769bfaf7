/**
 * Words that only a template's stand-in for a secret contains. A manifest applied as shipped would otherwise run
 * with a "secret" everyone can read in the repository (beyond the reference, which accepts any text).
 */
const PLACEHOLDER_WORDS = ['REPLACE', 'CHANGEME', 'CHANGE-ME', 'CHANGE_ME', 'PLACEHOLDER', 'YOUR-SECRET', 'YOUR_SECRET',
  'YOUR-TOKEN', 'YOUR_TOKEN', 'EXAMPLE', 'TODO', 'FIXME'];

/** The placeholder word `secret` contains, or null when it does not look like a template's stand-in. */
export function placeholderWord(secret: string): string | null {
  const upper = secret.toUpperCase();
  if (/^<.*>$/.test(secret.trim())) return '<…>';
  return PLACEHOLDER_WORDS.find((word) => upper.includes(word)) ?? null;
}

/** Why the server refuses the websocket secret in `path`, and how to make a real one; never prints the secret. */
export function placeholderSecretMessage(path: string, word: string): string {
  return (
    `refusing to start: websocket auth secret ${path} is a placeholder (it contains "${word}"), not a secret. ` +
    `Generate a real one, e.g. \`head -c 48 /dev/urandom | base64 > ${path}\` (in Kubernetes: ` +
    '`kubectl create secret generic codex-app-server-jwt --from-file=jwt-secret=<(head -c 48 /dev/urandom | base64)`).'
  );
}
