import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';

/** Shown when this tab has no token: paste one (the demo prints an address that carries one). */
export function TokenForm({ error, onToken }) {
  const [value, setValue] = useState('');
  const submit = (e) => {
    e.preventDefault();
    if (value.trim()) onToken(value.trim());
  };
  return html`
    <main class="token-page">
      <h1>telfraud SOC console</h1>
      <p>Open the address <code>make demo</code> prints (it carries a token after <code>#token=</code>), or paste an access token.
        The token stays in this browser tab only.</p>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <form onSubmit=${submit} class="token-form">
        <label for="token-input">Access token</label>
        <input id="token-input" type="password" autocomplete="off" spellcheck="false" value=${value}
          onInput=${(e) => setValue(e.currentTarget.value)} required />
        <button type="submit">Open the console</button>
      </form>
    </main>`;
}
