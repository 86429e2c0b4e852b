/** A plain page at `/` saying what the workbench has, for when the UI bundle is not served. */
import type { ServerResponse } from 'node:http';
import type { Workbench } from '../workbench.ts';

/**
 * The app's own origin, and nothing else: no inline scripts, no `eval`. (The forms validate
 * with the server's own validator, which the workbench precompiles and serves as a module:
 * core/experiment/validator-module.ts.)
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  // The SharedWorker holding the browser's one live connection (/athanor-live-worker.js).
  "worker-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page a browser gets for a refused access token: what happened and what to do, not the API's JSON. */
export function sendTokenPage(response: ServerResponse, message: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Athanor: access token needed</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>This workbench needs its access token</h1>
<p>${escape(message.charAt(0).toUpperCase() + message.slice(1))}.</p>
<p>The URL <code>athanor dev</code> printed when it started ends in <code>?token=…</code>; opening it once lets this browser in.</p>
</body></html>`;
  response.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': CONTENT_SECURITY_POLICY });
  response.end(html);
}

export function sendPlaceholderPage(response: ServerResponse, workbench: Workbench): void {
  const experiments = workbench.registry
    .list()
    .map((e) => `<li><code>${escape(e.name)}</code> (${escape(e.file)})${e.error ? ` — <strong>error:</strong> ${escape(e.error.message)}` : ''}</li>`)
    .join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Athanor</title></head><body>
<h1>Athanor workbench</h1>
<p>The workbench is running. Experiments in <code>${escape(workbench.experimentsDir)}</code>:</p>
<ul>${experiments || '<li>none yet</li>'}</ul>
<p>API: <a href="/api/experiments">/api/experiments</a>, <a href="/api/instances">/api/instances</a>; live events at <code>/api/events</code>.</p>
</body></html>`;
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(html);
}
