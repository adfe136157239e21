import type { Activity } from 'botbuilder';

/** A caseworker using the console's JSON API with a session cookie and the CSRF token. */
export class ConsoleClient {
  cookie = '';
  csrf = '';

  constructor(readonly url: string) {}

  async call(method: string, path: string, body?: unknown, options: { csrf?: boolean; cookie?: boolean } = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.cookie !== false && this.cookie) headers.cookie = this.cookie;
    if (options.csrf !== false && this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    const res = await fetch(`${this.url}/console/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { raw: text };
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async login(user: string, password: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const res = await this.call('POST', '/login', { user, password });
    if (res.status === 200) {
      this.cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
      this.csrf = String(res.body.csrfToken);
    }
    return res;
  }
}

const DL = '/v3/directline';

/** A web chat user speaking Direct Line 3.0 over REST (polling). */
export class DirectLineUser {
  conversationId = '';
  token = '';
  private watermark = 0;
  readonly received: Partial<Activity>[] = [];

  constructor(readonly url: string, readonly userId = `dl-user-${Math.random().toString(36).slice(2)}`) {}

  /** Starts the conversation; `body` as the page sends it (e.g. `{ locale }`, the language chosen on the page). */
  async start(body: Record<string, unknown> = {}): Promise<void> {
    const token = (await (await fetch(`${this.url}/api/directline/token`, { method: 'POST' })).json()) as { token: string };
    const res = await fetch(`${this.url}${DL}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const started = (await res.json()) as { conversationId: string; token: string };
    this.conversationId = started.conversationId;
    this.token = started.token;
  }

  async say(text: string): Promise<void> {
    await this.send({ type: 'message', text });
  }

  /** Posts any activity as the user (a message, the page's setLanguage event). */
  async send(activity: Partial<Activity>): Promise<void> {
    const res = await fetch(`${this.url}${DL}/conversations/${this.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...activity, from: { id: this.userId } }),
    });
    if (res.status !== 200) throw new Error(`post answered ${res.status}: ${await res.text()}`);
  }

  /** Reads new activities until one from the bot matches; returns it. */
  async until(predicate: (a: Partial<Activity>) => boolean, what: string, ms = 15_000): Promise<Partial<Activity>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.received.find((a) => a.from?.id !== this.userId && predicate(a));
      if (found) return found;
      const res = await fetch(`${this.url}${DL}/conversations/${this.conversationId}/activities?watermark=${this.watermark}`, { headers: { authorization: `Bearer ${this.token}` } });
      const set = (await res.json()) as { activities: Partial<Activity>[]; watermark: string };
      this.received.push(...set.activities);
      this.watermark = Number(set.watermark) || this.watermark;
      if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}; got ${JSON.stringify(this.received.map((a) => (a.channelData as { node?: string })?.node ?? a.name))}`);
      await new Promise((r) => setTimeout(r, 40));
    }
  }

  /** The nodes of the bot's messages received so far. */
  nodes(): string[] {
    return this.received.filter((a) => a.type === 'message' && a.from?.id !== this.userId).map((a) => String((a.channelData as { node?: string })?.node));
  }
}
