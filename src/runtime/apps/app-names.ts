/** How apps are named, linked and ordered, the same way wherever the reference lists them. */

/** Where ChatGPT offers an app: `https://chatgpt.com/apps/<slug of its name>/<id>`. */
export function appInstallUrl(name: string, id: string): string {
  const slug = [...name]
    .map((char) => (/^[A-Za-z0-9]$/.test(char) ? char.toLowerCase() : '-'))
    .join('')
    .replace(/^-+|-+$/g, '');
  return `https://chatgpt.com/apps/${slug === '' ? 'app' : slug}/${id}`;
}

/** `value` trimmed, or null when nothing is left. */
export function trimmedOrNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** Code-point order, as Rust compares strings (not the locale's). */
function compareText(left: string, right: string): number {
  if (left === right) return 0;
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}

/** By name, then id. */
export function byName(left: { name: string; id: string }, right: { name: string; id: string }): number {
  return compareText(left.name, right.name) || compareText(left.id, right.id);
}

/** Apps the user can use first, then by name and id. */
export function byAccessThenName(
  left: { name: string; id: string; isAccessible?: boolean | undefined },
  right: { name: string; id: string; isAccessible?: boolean | undefined },
): number {
  return Number(right.isAccessible ?? false) - Number(left.isAccessible ?? false) || byName(left, right);
}
