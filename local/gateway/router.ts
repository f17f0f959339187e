/**
 * Route matching as API Gateway HTTP APIs do it: a route key is `METHOD /path/{param}`; a request matches the routes of
 * its method whose template matches its path, and the most specific one wins (literal segments beat parameters, left to
 * right). Unlike AWS, which answers 404 for a known path with the wrong method, the local gateway reports 405 with `Allow`.
 */
import type { RouteDefinition } from '../../functions/catalog/routes';

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string };

export interface CompiledRoute {
  route: RouteDefinition;
  routeKey: string;
  segments: Segment[];
}

export type RouteMatch =
  | { kind: 'matched'; route: RouteDefinition; routeKey: string; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

export function compileRoutes(routes: readonly RouteDefinition[]): CompiledRoute[] {
  const seen = new Set<string>();
  return routes.flatMap((route) =>
    [route.path, ...(route.alsoServes ?? [])].map((path) => {
      const routeKey = `${route.method} ${path}`;
      if (seen.has(routeKey)) throw new Error(`Duplicate route ${routeKey} in the route table`);
      seen.add(routeKey);
      const segments = splitPath(path).map((part): Segment => {
        const param = /^\{([A-Za-z0-9_]+)\}$/.exec(part);
        return param?.[1] ? { kind: 'param', name: param[1] } : { kind: 'literal', value: part };
      });
      return { route, routeKey, segments };
    }),
  );
}

function splitPath(path: string): string[] {
  return path.split('/').slice(1);
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Matches `rawPath` (not decoded: `%2F` stays inside its segment) against the compiled routes. */
export function matchRoute(compiled: readonly CompiledRoute[], method: string, rawPath: string): RouteMatch {
  const parts = splitPath(rawPath);
  const candidates: Array<{ entry: CompiledRoute; params: Record<string, string>; score: string }> = [];
  for (const entry of compiled) {
    if (entry.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let score = '';
    let ok = true;
    for (const [i, segment] of entry.segments.entries()) {
      const part = parts[i] ?? '';
      if (segment.kind === 'literal') {
        if (segment.value !== part) {
          ok = false;
          break;
        }
        score += '1';
      } else {
        if (part === '') {
          ok = false;
          break;
        }
        params[segment.name] = decodeSegment(part);
        score += '0';
      }
    }
    if (ok) candidates.push({ entry, params, score });
  }
  if (candidates.length === 0) return { kind: 'not-found' };
  const forMethod = candidates.filter((c) => c.entry.route.method === method);
  if (forMethod.length === 0) {
    return { kind: 'method-not-allowed', allow: [...new Set(candidates.map((c) => c.entry.route.method))].sort() };
  }
  forMethod.sort((a, b) => b.score.localeCompare(a.score));
  const best = forMethod[0] as (typeof forMethod)[number];
  return { kind: 'matched', route: best.entry.route, routeKey: best.entry.routeKey, pathParameters: best.params };
}
