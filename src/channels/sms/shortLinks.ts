import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../log';
import type { ExpiringKeys } from './expiringKeys';
import type { NumberHash } from './numberHash';

const URL_IN_TEXT = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;
const CODE = /^[A-Za-z0-9_-]{6,16}$/;
/** Where short links are served. */
export const SHORT_LINK_PATH = '/l';

/**
 * Short links served by this service (never a third-party shortener): PUBLIC_URL/l/<code> answers
 * with a redirect to the long address. A code is derived from the address (the same link always
 * gets the same code) and kept for the retention time after its last use.
 */
export class ShortLinks {
  private readonly base: string;
  /** Codes this process stored recently: a link used on every turn is written once an hour, not every turn. */
  private readonly fresh = new Map<string, number>();

  constructor(private readonly keys: ExpiringKeys, publicUrl: string, private readonly ttlMs: number, private readonly hash: NumberHash) {
    this.base = `${publicUrl.replace(/\/+$/, '')}${SHORT_LINK_PATH}/`;
  }

  /** `text` with every address longer than its short link replaced by the short link. */
  async shorten(text: string): Promise<string> {
    const found = [...new Set(text.match(URL_IN_TEXT) ?? [])].filter((url) => !url.startsWith(this.base) && url.length > this.base.length + 8);
    let out = text;
    for (const url of found) {
      const code = this.hash.of(`link\n${url}`).slice(0, 8);
      const storedAt = this.fresh.get(code);
      if (storedAt === undefined || Date.now() - storedAt > 3_600_000) {
        await this.keys.set(`sms:link:${code}`, url, this.ttlMs);
        if (this.fresh.size > 1000) this.fresh.clear();
        this.fresh.set(code, Date.now());
      }
      out = out.split(url).join(this.base + code);
    }
    return out;
  }

  async resolve(code: string): Promise<string | undefined> {
    if (!CODE.test(code)) return undefined;
    return (await this.keys.get([`sms:link:${code}`]))[0];
  }
}

/** GET /l/<code>: 302 to the long address; an unknown or expired code gets 404 with a message. */
export function registerShortLinks(server: Server, links: ShortLinks, log: Logger): void {
  server.get(`${SHORT_LINK_PATH}/:code`, async (req: Request, res: Response) => {
    try {
      const url = await links.resolve(String(req.params.code));
      if (!url) {
        res.status(404);
        res.json({ code: 'NotFound', message: 'This short link does not exist or has expired.' });
        return;
      }
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, url, () => {});
    } catch (err) {
      log.error({ err }, 'short link lookup failed');
      res.status(503);
      res.json({ code: 'Unavailable', message: 'The link cannot be looked up right now. Try again in a moment.' });
    }
  });
}
