// The SOC console: a token, the alert queue and the alert detail, routed by the address's fragment
// (`#/` the queue with its filters, `#/alerts/<id>` one alert), so the service serves static files only.
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from './lib/html.js';
import { ApiError, SocApi } from './lib/api.js';
import { followAlertStream } from './lib/sse.js';
import { adoptTokenFromFragment, currentToken, forgetToken, saveToken } from './lib/token.js';
import { AlertQueue } from './views/queue.js';
import { AlertDetail } from './views/detail.js';
import { TokenForm } from './views/token-form.js';

function parseRoute(hash) {
  const path = hash.replace(/^#/, '') || '/';
  const [pathname, query = ''] = path.split('?');
  const detail = /^\/alerts\/(.+)$/.exec(pathname);
  if (detail) return { view: 'detail', alertId: decodeURIComponent(detail[1]) };
  return { view: 'queue', query: new URLSearchParams(query) };
}

function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** One live stream for the whole page; views subscribe to its alerts. */
function useAlertStream(api, onUnauthorized) {
  const listeners = useRef(new Set());
  const [state, setState] = useState('connecting');
  useEffect(() => {
    if (!api) return undefined;
    return followAlertStream({
      url: api.streamUrl(),
      token: api.token,
      onAlert: (alert) => listeners.current.forEach((fn) => fn(alert)),
      onState: setState,
      onUnauthorized,
    });
  }, [api]);
  const subscribe = useMemo(() => (fn) => {
    listeners.current.add(fn);
    return () => listeners.current.delete(fn);
  }, []);
  return { state, subscribe };
}

function Header({ me, streamState, onSignOut }) {
  const label = { live: 'Live', connecting: 'Connecting…', offline: 'Reconnecting…' }[streamState] ?? streamState;
  return html`
    <header class="top">
      <a class="brand" href="#/">telfraud <span>SOC console</span></a>
      <nav aria-label="Main"><a href="#/">Alert queue</a></nav>
      <div class="session">
        <span class=${`stream stream-${streamState}`} role="status" aria-live="polite" title="Live updates from the alert stream">${label}</span>
        <span class="who">${me.name} · <strong class="role" data-role=${me.role}>${me.role}</strong></span>
        <button type="button" class="link" onClick=${onSignOut}>Forget token</button>
      </div>
    </header>`;
}

function Console({ api, me, onUnauthorized, onSignOut }) {
  const route = useRoute();
  const stream = useAlertStream(api, onUnauthorized);
  return html`
    <${Header} me=${me} streamState=${stream.state} onSignOut=${onSignOut} />
    <main id="main">
      ${route.view === 'detail'
        ? html`<${AlertDetail} key=${route.alertId} api=${api} me=${me} alertId=${route.alertId} subscribe=${stream.subscribe} />`
        : html`<${AlertQueue} api=${api} query=${route.query} subscribe=${stream.subscribe} />`}
    </main>`;
}

function App() {
  const [token, setToken] = useState(() => currentToken());
  const [me, setMe] = useState(null);
  const [error, setError] = useState('');
  const api = useMemo(() => (token ? new SocApi(token) : null), [token]);

  useEffect(() => {
    if (!api) return;
    setMe(null);
    api.me().then(setMe, (err) => {
      if (err instanceof ApiError && err.status === 401) {
        forgetToken();
        setToken(null);
        setError('That token was not accepted (401). Paste a valid one.');
      } else {
        setError(`The SOC service did not answer: ${err.message}`);
      }
    });
  }, [api]);

  const signOut = () => {
    forgetToken();
    setToken(null);
    setMe(null);
    setError('');
  };
  const onUnauthorized = () => {
    signOut();
    setError('The token is no longer accepted. Paste a valid one.');
  };

  if (!token) {
    return html`<${TokenForm} error=${error} onToken=${(t) => { saveToken(t); setError(''); setToken(currentToken()); }} />`;
  }
  if (!me) {
    return html`<p class=${error ? 'error' : 'loading'} role=${error ? 'alert' : 'status'}>${error || 'Checking the token…'}</p>`;
  }
  return html`<${Console} api=${api} me=${me} onUnauthorized=${onUnauthorized} onSignOut=${signOut} />`;
}

adoptTokenFromFragment();
render(html`<${App} />`, document.getElementById('app'));
