import { createServer, type Server } from 'node:http';
import type { Activity } from 'botbuilder';

export interface ConnectorCall {
  method: string;
  path: string;
  activity: Partial<Activity>;
}

/**
 * A local stand-in for the Bot Connector service at an activity's serviceUrl (what Teams and the
 * other Azure channels run): it records every activity the bot sends and answers like the service.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private server?: Server;
  private waiters: (() => void)[] = [];
  url = '';

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
        this.calls.push({ method: req.method ?? '', path: req.url ?? '', activity });
        for (const wake of this.waiters.splice(0)) wake();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `reply-${++id}` }));
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
