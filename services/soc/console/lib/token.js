// The bearer token lives only in this tab's sessionStorage: it arrives in the `#token=` fragment
// (never sent to the server, never in access logs) and is removed from the address bar at once.
const KEY = 'telfraud.soc.token';

/** Moves a `#token=...` fragment into sessionStorage and rewrites the address bar without it. */
export function adoptTokenFromFragment() {
  const hash = window.location.hash.replace(/^#/, '');
  const params = new URLSearchParams(hash.startsWith('/') ? '' : hash);
  const token = params.get('token');
  if (!token) return;
  saveToken(token);
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
}

export function currentToken() {
  return window.sessionStorage.getItem(KEY);
}

export function saveToken(token) {
  window.sessionStorage.setItem(KEY, token.trim());
}

export function forgetToken() {
  window.sessionStorage.removeItem(KEY);
}
