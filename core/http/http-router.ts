/** A small route table: `GET /api/runs/:id` → handler with `params.id`; 404 and 405 otherwise. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-errors.ts';
import { checkTextParam } from './input-rules.ts';

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export type RouteHandler = (context: RouteContext) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

export class Router {
  readonly #routes: Route[] = [];

  /**
   * Adds a route; `:name` segments become params (URL-decoded). Every route refuses query
   * parameters that are not storable text (a NUL) before its handler runs.
   */
  on(method: string, path: string, handler: RouteHandler): this {
    const names: string[] = [];
    const source = path.replace(/:([a-zA-Z]+)/g, (_, name: string) => (names.push(name), '([^/]+)'));
    const checked: RouteHandler = (context) => {
      for (const [name, value] of context.url.searchParams) checkTextParam('query parameter', name, value);
      return handler(context);
    };
    this.#routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler: checked });
    return this;
  }

  /** Finds the handler for a request; throws 404/405 HttpErrors. */
  match(method: string, pathname: string): { handler: RouteHandler; params: Record<string, string> } {
    let pathMatched = false;
    for (const route of this.#routes) {
      const found = route.pattern.exec(pathname);
      if (!found) continue;
      pathMatched = true;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        let value: string;
        try {
          value = decodeURIComponent(found[i + 1]!);
        } catch {
          throw new HttpError(400, 'ERR_BAD_INPUT', `the path segment ${JSON.stringify(found[i + 1])} is not valid URL encoding`);
        }
        checkTextParam('path segment', name, value);
        params[name] = value;
      });
      return { handler: route.handler, params };
    }
    if (pathMatched) throw new HttpError(405, 'ERR_METHOD', `${method} is not allowed on ${pathname}`);
    throw new HttpError(404, 'ERR_NOT_FOUND', `no route ${method} ${pathname}`);
  }
}
