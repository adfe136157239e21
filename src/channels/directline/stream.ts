import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../log';
import type { UpgradeRoutes } from '../../server/guard';
import type { DirectLineChannel } from './channel';
import { ConversationFeed } from './feed';

const STREAM = /^\/v3\/directline\/conversations\/([^/?]+)\/stream(?:\?|$)/;
/** An empty frame now and then keeps proxies from closing a quiet socket (as Azure does). */
const KEEP_ALIVE_MS = 20_000;
/** The keep-alive round is spread over this many ticks, so 1,000 sockets never get their frames in one burst. */
const KEEP_ALIVE_TICKS = 20;

/**
 * One timer for every socket's keep-alive: the sockets are dealt into buckets, and each tick
 * (KEEP_ALIVE_MS / KEEP_ALIVE_TICKS) sends the empty frame to one bucket's sockets.
 */
export class KeepAlive {
  private readonly buckets: Set<WebSocket>[] = Array.from({ length: KEEP_ALIVE_TICKS }, () => new Set());
  private readonly timer: NodeJS.Timeout;
  private tick = 0;
  private dealt = 0;

  constructor(everyMs = KEEP_ALIVE_MS) {
    this.timer = setInterval(() => {
      this.tick = (this.tick + 1) % KEEP_ALIVE_TICKS;
      for (const ws of this.buckets[this.tick]) if (ws.readyState === ws.OPEN) ws.send('');
    }, everyMs / KEEP_ALIVE_TICKS);
    this.timer.unref();
  }

  add(ws: WebSocket): void {
    this.dealt = (this.dealt + 1) % KEEP_ALIVE_TICKS;
    const bucket = this.buckets[this.dealt];
    bucket.add(ws);
    ws.once('close', () => bucket.delete(ws));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** The WebSocket URL a client streams a conversation from (`ws:` or `wss:` as the request came). */
export function streamUrl(req: IncomingMessage, conversationId: string, token: string, watermark?: number): string {
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim();
  const secure = forwarded === 'https' || (req.socket as { encrypted?: boolean }).encrypted === true;
  const host = req.headers.host ?? `127.0.0.1:${req.socket.localPort}`;
  const query = new URLSearchParams({ t: token });
  if (watermark !== undefined) query.set('watermark', String(watermark));
  return `${secure ? 'wss' : 'ws'}://${host}/v3/directline/conversations/${encodeURIComponent(conversationId)}/stream?${query.toString()}`;
}

/**
 * The Direct Line stream: `GET /v3/directline/conversations/{id}/stream?t=<token>[&watermark=n]`
 * upgraded to a WebSocket. It sends every activity after the watermark as an ActivitySet (read
 * from the log), then each new one as the log's notification brings it from any instance: the
 * notification carries the stored activity, so a socket reads the log again only on a gap (feed.ts).
 */
export function attachStream(upgrades: UpgradeRoutes, channel: DirectLineChannel, log: Logger): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();
  const keepAlive = new KeepAlive();

  // Behind the server's upgrade guard: a refusal thrown here is answered with its status and the socket closed.
  upgrades.add(STREAM, async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const match = STREAM.exec(req.url ?? '')!;
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const conversationId = decodeURIComponent(match[1]);
    const caller = channel.caller(query.get('t') ?? undefined);
    await channel.authorize(caller, conversationId);
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      keepAlive.add(ws);
      serve(ws, conversationId, Number(/^\d{1,12}$/.test(query.get('watermark') ?? '') ? query.get('watermark') : 0)).catch((err: unknown) => {
        log.warn({ err: { message: (err as Error).message } }, 'direct line stream failed');
        sockets.delete(ws);
        ws.terminate();
      });
    });
  });

  async function serve(ws: WebSocket, conversationId: string, from: number): Promise<void> {
    const feed = new ConversationFeed(from, {
      read: (after) => channel.activities(conversationId, after),
      send: (frame) => ws.send(frame),
      isOpen: () => ws.readyState === ws.OPEN,
      onReadError: (err) => log.warn({ err: { message: (err as Error).message } }, 'direct line stream could not read the log'),
    });
    const unsubscribe = await channel.log.subscribe(conversationId, (logged) => feed.notify(logged));
    ws.on('message', () => undefined); // the client's pings
    ws.on('error', () => undefined);
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
    });
    if (ws.readyState !== ws.OPEN) unsubscribe(); // closed while subscribing
    else await feed.catchUp();
  }

  return {
    close: () => {
      keepAlive.stop();
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}
