import { createServer, type Server } from 'node:http';
import type { Activity } from 'botbuilder';

export interface ConnectorCall {
  method: string;
  path: string;
  activity: Partial<Activity>;
  /** The HTTP status the stand-in answered with. */
  status: number;
  /** The id the stand-in gave the activity (a new post's id in Teams). */
  responseId?: string;
}

/**
 * A local stand-in for the Bot Connector service at an activity's serviceUrl (what Teams and the
 * other Azure channels run): it records every activity the bot sends and answers like the service.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private server?: Server;
  private waiters: (() => void)[] = [];
  private failures: { status: number; headers: Record<string, string> }[] = [];
  url = '';

  /** The next `count` calls are answered with `status` (e.g. 429 with Retry-After), as a throttled or failing service would. */
  failNext(status: number, count = 1, headers: Record<string, string> = {}): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, headers });
  }

  async start(): Promise<void> {
    let id = 0;
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        let activity: Partial<Activity> = {};
        try {
          activity = body ? (JSON.parse(body) as Partial<Activity>) : {};
        } catch {
          // recorded as empty
        }
        const failure = this.failures.shift();
        const responseId = failure ? undefined : `reply-${++id}`;
        this.calls.push({ method: req.method ?? '', path: req.url ?? '', activity, status: failure?.status ?? 200, responseId });
        for (const wake of this.waiters.splice(0)) wake();
        if (failure) {
          res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
          res.end(JSON.stringify({ error: { code: failure.status === 429 ? 'Throttled' : 'ServiceError', message: 'stand-in failure' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: responseId }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}/`;
  }

  /** The activities sent so far in one conversation, and forgets them. */
  take(conversationId: string): Partial<Activity>[] {
    const mine = this.calls.filter((c) => decodeURIComponent(c.path).includes(`/v3/conversations/${conversationId}/`));
    for (const call of mine) this.calls.splice(this.calls.indexOf(call), 1);
    return mine.map((c) => c.activity);
  }

  /** Waits until a call matches (or throws after `ms`), for what the bot sends after the HTTP answer or from another instance. */
  async until(predicate: (call: ConnectorCall) => boolean, what: string, ms = 10_000): Promise<ConnectorCall> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.calls.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}; calls: ${JSON.stringify(this.calls.map((c) => `${c.method} ${decodeURIComponent(c.path)} ${c.status}`))}`);
      await this.waitForCall(Math.max(1, deadline - Date.now()));
    }
  }

  /** Waits until a call arrives (or the time is up), for messages sent after the HTTP answer. */
  async waitForCall(ms = 2000): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
