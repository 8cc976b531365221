// The SOC HTTP API (JSON, bearer token). Errors carry the server's status and message.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export class SocApi {
  constructor(token, base = '/api/v1') {
    this.token = token;
    this.base = base;
  }

  async request(path, { method = 'GET', body } = {}) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (!res.ok) throw new ApiError(res.status, json?.message ?? `${method} ${path} answered ${res.status}`);
    return json;
  }

  me() {
    return this.request('/me');
  }

  rules() {
    return this.request('/rules');
  }

  /** `filters`: rule, severity, status (arrays or strings), entity, entity_type, from, to (ms), limit, cursor. */
  alerts(filters) {
    const q = new URLSearchParams();
    for (const [key, value] of Object.entries(filters)) {
      if (value === undefined || value === null || value === '') continue;
      q.set(key, Array.isArray(value) ? value.join(',') : String(value));
    }
    return this.request(`/alerts?${q}`);
  }

  alert(id) {
    return this.request(`/alerts/${encodeURIComponent(id)}`);
  }

  triage(id, body) {
    return this.request(`/alerts/${encodeURIComponent(id)}/triage`, { method: 'POST', body });
  }

  liftBlock(entityType, entity) {
    return this.request('/blocks/lift', { method: 'POST', body: { entity_type: entityType, entity } });
  }

  streamUrl() {
    return `${this.base}/alerts/stream`;
  }

  /**
   * Downloads an export (victims of an alert or a campaign) with the token in a header, then hands
   * it to the browser as a file: a plain link could not authenticate.
   */
  async download(path, fallbackName) {
    const res = await fetch(`${this.base}${path}`, { headers: { Authorization: `Bearer ${this.token}` }, cache: 'no-store' });
    if (!res.ok) {
      const json = await res.json().catch(() => undefined);
      throw new ApiError(res.status, json?.message ?? `download answered ${res.status}`);
    }
    const disposition = res.headers.get('content-disposition') ?? '';
    const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
    const name = match ? decodeURIComponent(match[1]) : fallbackName;
    const url = URL.createObjectURL(await res.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return name;
  }
}
