/**
 * A small method + path-template router: `/subjects/{subject}/versions/{version}` matches one
 * segment per `{name}`, percent-decoded. The template is also the route's metrics label.
 */
export interface RouteMatch<H> {
  handler: H;
  template: string;
  params: Record<string, string>;
}

interface Route<H> {
  method: string;
  template: string;
  segments: string[];
  handler: H;
}

export type Lookup<H> = { found: RouteMatch<H> } | { methodNotAllowed: true } | undefined;

export class RouteTable<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, template: string, handler: H): this {
    this.routes.push({ method, template, segments: split(template), handler });
    return this;
  }

  /** undefined when no template matches the path; methodNotAllowed when one does for another method. */
  lookup(method: string, path: string): Lookup<H> {
    const segments = split(path);
    let pathKnown = false;
    for (const route of this.routes) {
      const params = match(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { found: { handler: route.handler, template: route.template, params } };
      pathKnown = true;
    }
    return pathKnown ? { methodNotAllowed: true } : undefined;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function match(template: string[], path: string[]): Record<string, string> | undefined {
  if (template.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i] as string;
    const p = path[i] as string;
    if (t.startsWith('{') && t.endsWith('}')) {
      try {
        params[t.slice(1, -1)] = decodeURIComponent(p);
      } catch {
        return undefined;
      }
    } else if (t !== p) {
      return undefined;
    }
  }
  return params;
}
