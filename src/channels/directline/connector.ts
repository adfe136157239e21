import type { IncomingMessage } from 'node:http';
import { ConnectorClient, type AuthenticateRequestResult } from 'botframework-connector';
import { type Credentials, type Deliver, DeliveryError, inProcessConnector, trustedTurn } from '../inProcessConnector';
import { DirectLineError } from './errors';
import type { DirectLineTokens } from './tokens';

/** Where the Bot Connector endpoints of the self-hosted channel live (the bot's serviceUrl). */
export const CONNECTOR_PATH = '/directline/bot';
/** How long the bot's own token for the connector endpoints lives. */
const BOT_TOKEN_TTL_SECONDS = 3600;

/** Puts a bot activity into a conversation's log (see botReplies.ts). */
export type { Deliver };

type Signable = Parameters<Credentials['signRequest']>[0];

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
      client = deliver
        ? inProcessConnector(serviceUrl, deliver, 'self-hosted Direct Line', {
            credentials: this.credentials,
            asRefusal: (err) => (err instanceof DirectLineError ? new DeliveryError(err.status, err.code, err.message) : undefined),
          })
        : new ConnectorClient(this.credentials, { baseUri: serviceUrl });
      this.clients.set(serviceUrl, client);
    }
    return client;
  }

  /**
   * What the adapter needs to run a turn from this channel in-process (`processActivityDirect`):
   * the request is the channel's own, so it is trusted as the bot's, and replies go through clientFor().
   */
  authenticated(): AuthenticateRequestResult {
    return trustedTurn(this.options.appId, (url) => this.clientFor(url), 'self-hosted Direct Line');
  }
}
