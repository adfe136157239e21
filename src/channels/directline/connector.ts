import type { IncomingMessage } from 'node:http';
import {
  AuthenticationConstants,
  ClaimsIdentity,
  ConnectorClient,
  ConnectorFactory,
  type AuthenticateRequestResult,
} from 'botframework-connector';
import { DirectLineError } from './errors';
import type { DirectLineTokens } from './tokens';

/** Where the Bot Connector endpoints of the self-hosted channel live (the bot's serviceUrl). */
export const CONNECTOR_PATH = '/directline/bot';
/** How long the bot's own token for the connector endpoints lives. */
const BOT_TOKEN_TTL_SECONDS = 3600;

type Credentials = ConstructorParameters<typeof ConnectorClient>[0];
type Signable = Parameters<Credentials['signRequest']>[0];
type HttpClient = NonNullable<NonNullable<ConstructorParameters<typeof ConnectorClient>[1]>['httpClient']>;
type HttpResponse = Awaited<ReturnType<HttpClient['sendRequest']>>;

/** Puts a bot activity into a conversation's log (see botReplies.ts). */
export type Deliver = (conversationId: string, activity: unknown, replyToId?: string) => Promise<{ id: string }>;

const SEND = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

/**
 * The end of the bot's Bot Connector pipeline for this channel: instead of an HTTP call to the
 * channel's own endpoints it delivers in-process, into the shared log (every instance sees it). So
 * replies need no loopback request, work while the server is shutting down and whichever instance's
 * address the serviceUrl names. Only "send to conversation" and "reply to activity" exist here.
 */
class InProcessDelivery implements HttpClient {
  constructor(private readonly serviceUrl: string, private readonly deliver: Deliver) {}

  async sendRequest(request: Signable): Promise<HttpResponse> {
    const base = new URL(this.serviceUrl).pathname.replace(/\/+$/, '');
    const path = new URL(request.url).pathname;
    const match = path.startsWith(base) ? SEND.exec(path.slice(base.length)) : null;
    let status = 200;
    let body: unknown;
    if (!match || request.method !== 'POST') {
      status = 404;
      body = { error: { code: 'NotSupported', message: `The self-hosted Direct Line channel has no ${request.method} ${path}.` } };
    } else {
      try {
        const activity: unknown = typeof request.body === 'string' ? JSON.parse(request.body) : request.body;
        body = await this.deliver(decodeURIComponent(match[1]), activity, match[2] ? decodeURIComponent(match[2]) : undefined);
      } catch (err) {
        if (!(err instanceof DirectLineError)) throw err;
        status = err.status;
        body = { error: { code: err.code, message: err.message } };
      }
    }
    const headers = { 'content-type': 'application/json; charset=utf-8' };
    return {
      request,
      status,
      bodyAsText: JSON.stringify(body),
      headers: { toJson: () => ({ ...headers }), get: (name: string) => headers[name.toLowerCase() as 'content-type'] },
    } as unknown as HttpResponse;
  }
}

/** Signs the bot's calls to the channel's connector endpoints with a short-lived bot token. */
class BotTokenCredentials implements Credentials {
  private token = '';
  private renewAt = 0;

  constructor(private readonly tokens: DirectLineTokens) {}

  async signRequest(webResource: Signable): Promise<Signable> {
    const now = Date.now();
    if (now >= this.renewAt) {
      this.token = this.tokens.issue({ kind: 'bot', conversationId: '', userId: '' }, BOT_TOKEN_TTL_SECONDS);
      this.renewAt = now + (BOT_TOKEN_TTL_SECONDS / 2) * 1000;
    }
    webResource.headers.set('authorization', `Bearer ${this.token}`);
    return webResource;
  }
}

/**
 * The bot side of the self-hosted channel: which serviceUrls are this channel's, and the
 * ConnectorClient the bot uses for them. It signs with the channel's own bot token instead of asking
 * Azure AD, so replies and proactive messages work with or without Bot Framework credentials.
 */
export class SelfHostedConnector {
  private readonly credentials: BotTokenCredentials;
  private readonly clients = new Map<string, ConnectorClient>();
  private readonly ownUrls = new Set<string>();

  constructor(
    tokens: DirectLineTokens,
    private readonly options: { serviceUrl: string | undefined; appId: string | undefined; deliver?: Deliver },
  ) {
    this.credentials = new BotTokenCredentials(tokens);
    if (options.serviceUrl) this.ownUrls.add(options.serviceUrl);
  }

  /**
   * The serviceUrl for an activity that arrived on `req`: the configured one, or this channel's path
   * on loopback. Replies are delivered in-process (any instance owns a loopback serviceUrl), so the
   * address only has to be recognisable, and a stored reference works on every instance.
   */
  serviceUrlFor(req: IncomingMessage): string {
    return this.options.serviceUrl ?? `http://127.0.0.1:${req.socket.localPort ?? 3978}${CONNECTOR_PATH}`;
  }

  /** True when the bot's token may be sent to `serviceUrl`: ours, or this channel's path on loopback. */
  owns(serviceUrl: string | undefined): boolean {
    if (!serviceUrl) return false;
    const url = serviceUrl.replace(/\/+$/, '');
    if (this.ownUrls.has(url)) return true;
    try {
      const parsed = new URL(url);
      const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
      return loopback && parsed.protocol === 'http:' && parsed.pathname === CONNECTOR_PATH;
    } catch {
      return false;
    }
  }

  /** The ConnectorClient for one of this channel's serviceUrls, or undefined for any other. */
  clientFor(serviceUrl: string | undefined): ConnectorClient | undefined {
    if (!serviceUrl || !this.owns(serviceUrl)) return undefined;
    let client = this.clients.get(serviceUrl);
    if (!client) {
      if (this.clients.size >= 64) this.clients.delete(this.clients.keys().next().value as string);
      const deliver = this.options.deliver;
      client = new ConnectorClient(this.credentials, { baseUri: serviceUrl, ...(deliver ? { httpClient: new InProcessDelivery(serviceUrl, deliver) } : {}) });
      this.clients.set(serviceUrl, client);
    }
    return client;
  }

  /**
   * What the adapter needs to run a turn from this channel in-process (`processActivityDirect`):
   * the request is the channel's own, so it is trusted as the bot's, and replies go through clientFor().
   */
  authenticated(): AuthenticateRequestResult {
    const appId = this.options.appId ?? '';
    const claimsIdentity = new ClaimsIdentity(
      [
        { type: AuthenticationConstants.AudienceClaim, value: appId },
        { type: AuthenticationConstants.AppIdClaim, value: appId },
      ],
      true,
    );
    const clientFor = (url: string) => this.clientFor(url);
    const connectorFactory = new (class extends ConnectorFactory {
      async create(serviceUrl: string): Promise<ConnectorClient> {
        const client = clientFor(serviceUrl);
        if (!client) throw new Error('The self-hosted Direct Line channel only answers to its own serviceUrl.');
        return client;
      }
    })();
    return { audience: AuthenticationConstants.ToChannelFromBotOAuthScope, callerId: undefined, claimsIdentity, connectorFactory };
  }
}
