/**
 * The pages the browser sees at the end of a sign-in. Ours, deliberately small: the browser tab only needs to say
 * whether it worked and where to go next.
 */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function page(title: string, body: string): string {
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8" /><title>' +
    escapeHtml(title) +
    '</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}' +
    'code{background:#f3f3f3;padding:0 .25rem}</style></head><body>' +
    body +
    '</body></html>\n'
  );
}

export const SIGNED_IN_PAGE = page(
  'Signed in to Codex',
  '<h1>You are signed in</h1><p>Codex now uses your ChatGPT account. You can close this tab and return to your editor or terminal.</p>',
);

export function signInFailedPage(message: string, code: string): string {
  return page(
    'Sign-in could not be completed',
    `<h1>Sign-in could not be completed</h1><p>${escapeHtml(message)}</p><p>Error code: <code>${escapeHtml(code)}</code></p>` +
      '<p>Return to Codex to start the sign-in again, switch accounts, or ask your workspace administrator if access ' +
      'is restricted.</p>',
  );
}
