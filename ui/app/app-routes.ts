/** The workbench's pages: a path → which view shows it, with what ids. */
import { INSTANCE_SORTS, type InstanceSort } from '../../core/records.ts';

export type Route =
  | { view: 'dashboard'; experiment?: string; sort?: InstanceSort; q?: string }
  /** `from`: an instance to start from (its experiment, name and configuration); `sweep`: the sweep form. */
  | { view: 'new-instance'; experiment?: string; from?: string; sweep?: boolean }
  | { view: 'instance'; instanceId: string; edit?: boolean }
  | { view: 'run'; runId: string }
  | { view: 'source'; experiment?: string }
  /** An experiment's runs table; `query` holds its sort, filters and columns. */
  | { view: 'runs'; experiment: string; query: string }
  /** Runs side by side; deltas against `baseline` (by default the first). */
  | { view: 'compare'; runs: string[]; baseline?: string }
  /** What AI agents did through MCP. */
  | { view: 'agents' }
  | { view: 'not-found'; path: string };

const decode = (part: string) => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

/** Reads a route from a path and query (`/experiments/new?experiment=x`). */
export function matchRoute(pathname: string, search = ''): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  const params = new URLSearchParams(search);
  if (path === '/' || path === '/experiments') {
    const experiment = params.get('experiment');
    const sort = params.get('sort') as InstanceSort | null;
    const q = params.get('q')?.trim();
    return { view: 'dashboard', ...(experiment ? { experiment } : {}), ...(sort && INSTANCE_SORTS.includes(sort) ? { sort } : {}), ...(q ? { q } : {}) };
  }
  if (path === '/experiments/new') {
    const experiment = params.get('experiment');
    const from = params.get('from');
    const sweep = params.has('sweep') && params.get('sweep') !== '0';
    return { view: 'new-instance', ...(experiment ? { experiment } : {}), ...(from ? { from } : {}), ...(sweep ? { sweep } : {}) };
  }
  let m = /^\/experiments\/by-name\/([^/]+)\/runs$/.exec(path);
  if (m) return { view: 'runs', experiment: decode(m[1]!), query: params.toString() };
  if (path === '/compare') {
    const runs = (params.get('runs') ?? '').split(',').map((id) => id.trim()).filter(Boolean);
    const baseline = params.get('baseline');
    return { view: 'compare', runs, ...(baseline ? { baseline } : {}) };
  }
  // The original's edit page, `/experiments/:id/edit`: the instance, editing.
  m = /^\/experiments\/([^/]+)\/edit$/.exec(path);
  if (m) return { view: 'instance', instanceId: decode(m[1]!), edit: true };
  m = /^\/experiments\/([^/]+)$/.exec(path);
  if (m) return params.has('edit') ? { view: 'instance', instanceId: decode(m[1]!), edit: true } : { view: 'instance', instanceId: decode(m[1]!) };
  m = /^\/runs\/([^/]+)$/.exec(path);
  if (m) return { view: 'run', runId: decode(m[1]!) };
  if (path === '/source') return { view: 'source' };
  if (path === '/agents') return { view: 'agents' };
  m = /^\/source\/([^/]+)$/.exec(path);
  if (m) return { view: 'source', experiment: decode(m[1]!) };
  return { view: 'not-found', path };
}

/** Whether a same-origin path is one of the app's pages (the router handles its links). */
export function isAppPath(pathname: string): boolean {
  return matchRoute(pathname).view !== 'not-found' && !pathname.startsWith('/api/');
}
