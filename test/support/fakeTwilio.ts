import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A text the service asked Twilio's REST API to send. */
export interface SentText {
  accountSid: string;
  to: string;
  from?: string;
  messagingServiceSid?: string;
  body: string;
  authorization: string;
}

/**
 * A local stand-in for Twilio's REST API (POST /2010-04-01/Accounts/{sid}/Messages.json), as the
 * service's TWILIO_API_BASE: it records every text and answers like Twilio (201 with a message
 * SID), or with the failures a test queues (`failNext`).
 */
export class FakeTwilio {
  readonly sent: SentText[] = [];
  private readonly failures: { status: number; code: number }[] = [];
  private server!: Server;
  url = '';
  requests = 0;
  private readonly waiting = new Map<string, ((text: SentText) => void)[]>();

  /** Resolves with the next text to `number` (for measuring; tests use waitForTexts). */
  nextTextTo(number: string): Promise<SentText> {
    return new Promise((resolve) => this.waiting.set(number, [...(this.waiting.get(number) ?? []), resolve]));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        this.requests += 1;
        const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
        if (req.method !== 'POST' || !match) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 20404, message: 'not found', status: 404 }));
          return;
        }
        const failure = this.failures.shift();
        if (failure) {
          res.writeHead(failure.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: failure.code, message: 'failure queued by the test', status: failure.status }));
          return;
        }
        const form = new URLSearchParams(raw);
        const text: SentText = {
          accountSid: match[1],
          to: form.get('To') ?? '',
          body: form.get('Body') ?? '',
          authorization: req.headers.authorization ?? '',
          ...(form.get('From') ? { from: form.get('From')! } : {}),
          ...(form.get('MessagingServiceSid') ? { messagingServiceSid: form.get('MessagingServiceSid')! } : {}),
        };
        this.sent.push(text);
        const waiter = this.waiting.get(text.to)?.shift();
        if (waiter) waiter(text);
        const sid = `SM${String(this.sent.length).padStart(32, '0')}`;
        res.writeHead(201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ sid, status: 'queued', to: text.to, body: text.body, account_sid: match[1] }));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next `count` calls fail with `status` and Twilio error `code`. */
  failNext(count: number, status: number, code: number): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, code });
  }

  textsTo(number: string): SentText[] {
    return this.sent.filter((t) => t.to === number);
  }

  /** Waits until `number` has received `count` texts (at most `withinMs`: a bound, not a timing assertion). */
  async waitForTexts(number: string, count: number, withinMs = 15_000): Promise<SentText[]> {
    const deadline = Date.now() + withinMs;
    while (this.textsTo(number).length < count) {
      if (Date.now() > deadline) throw new Error(`${number} got ${this.textsTo(number).length} texts, expected ${count}: ${JSON.stringify(this.textsTo(number).map((t) => t.body))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.textsTo(number);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
