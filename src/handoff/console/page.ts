import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { PROJECT_ROOT } from '../../projectRoot';

const DIR = join(PROJECT_ROOT, 'public', 'console');
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};
/** Nothing from another host, no inline script: user text can never run as code. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; media-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The caseworker console's page: /console and its two files, read once at start-up from
 * public/console/ (self-contained; no CDN, no build step). The API is in routes.ts.
 */
export function registerConsolePage(server: Server): void {
  const files = new Map(Object.entries(FILES).map(([name, type]) => [name, { type, body: readFileSync(join(DIR, name)) }]));
  const send = (name: string) => async (_req: Request, res: Response) => {
    const file = files.get(name)!;
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Length': file.body.length,
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    res.end(file.body);
  };
  server.get('/console', send('index.html'));
  server.get('/console/', send('index.html'));
  for (const name of Object.keys(FILES)) server.get(`/console/${name}`, send(name));
}
