import { AuthenticationConstants, ClaimsIdentity, ConnectorClient, ConnectorFactory, type AuthenticateRequestResult } from 'botframework-connector';

export type Credentials = ConstructorParameters<typeof ConnectorClient>[0];
type Signable = Parameters<Credentials['signRequest']>[0];
type HttpClient = NonNullable<NonNullable<ConstructorParameters<typeof ConnectorClient>[1]>['httpClient']>;
type HttpResponse = Awaited<ReturnType<HttpClient['sendRequest']>>;

/** Delivers one bot activity to a conversation of the channel; returns the id it got. */
export type Deliver = (conversationId: string, activity: Record<string, unknown>, replyToId?: string) => Promise<{ id: string }>;

/** A refusal the channel answers the bot with (status and message), instead of a crash. */
export class DeliveryError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'DeliveryError';
  }
}

const SEND = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

/**
 * The end of the bot's Bot Connector pipeline for a self-hosted channel: "send to conversation"
 * and "reply to activity" are delivered in-process instead of over HTTP, so any instance (and one
 * that is shutting down) can send, whichever instance's address the serviceUrl names.
 */
export interface InProcessOptions {
  /** How the bot's calls are signed (default: not at all, nothing leaves the process). */
  credentials?: Credentials;
  /** A channel's own refusal type, as the status and message the bot is answered with. */
  asRefusal?: (err: unknown) => DeliveryError | undefined;
}

class InProcessHttpClient implements HttpClient {
  constructor(private readonly serviceUrl: string, private readonly deliver: Deliver, private readonly channelName: string, private readonly asRefusal?: InProcessOptions['asRefusal']) {}

  async sendRequest(request: Signable): Promise<HttpResponse> {
    const base = new URL(this.serviceUrl).pathname.replace(/\/+$/, '');
    const path = new URL(request.url).pathname;
    const match = path.startsWith(base) ? SEND.exec(path.slice(base.length)) : null;
    let status = 200;
    let body: unknown;
    if (!match || request.method !== 'POST') {
      status = 404;
      body = { error: { code: 'NotSupported', message: `The ${this.channelName} channel has no ${request.method} ${path}.` } };
    } else {
      try {
        const activity: unknown = typeof request.body === 'string' ? JSON.parse(request.body) : request.body;
        if (!activity || typeof activity !== 'object') throw new DeliveryError(400, 'BadArgument', 'The body must be an activity.');
        body = await this.deliver(decodeURIComponent(match[1]), activity as Record<string, unknown>, match[2] ? decodeURIComponent(match[2]) : undefined);
      } catch (err) {
        const refusal = err instanceof DeliveryError ? err : this.asRefusal?.(err);
        if (!refusal) throw err;
        status = refusal.status;
        body = { error: { code: refusal.code, message: refusal.message } };
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

/** Nothing leaves the process, so there is nothing to sign. */
const NO_CREDENTIALS: Credentials = { signRequest: async (resource: Signable) => resource };

/** The ConnectorClient whose calls to `serviceUrl` are delivered in-process by `deliver`. */
export function inProcessConnector(serviceUrl: string, deliver: Deliver, channelName: string, options: InProcessOptions = {}): ConnectorClient {
  return new ConnectorClient(options.credentials ?? NO_CREDENTIALS, { baseUri: serviceUrl, httpClient: new InProcessHttpClient(serviceUrl, deliver, channelName, options.asRefusal) });
}

/**
 * What the adapter needs to run a channel's own turn in-process (`processActivityDirect`): the
 * request comes from the service itself, so it is trusted as the bot's, and replies go to `client`.
 */
export function trustedTurn(appId: string | undefined, clientFor: (serviceUrl: string) => ConnectorClient | undefined, channelName = 'self-hosted'): AuthenticateRequestResult {
  const id = appId ?? '';
  const claimsIdentity = new ClaimsIdentity(
    [
      { type: AuthenticationConstants.AudienceClaim, value: id },
      { type: AuthenticationConstants.AppIdClaim, value: id },
    ],
    true,
  );
  const connectorFactory = new (class extends ConnectorFactory {
    async create(serviceUrl: string): Promise<ConnectorClient> {
      const client = clientFor(serviceUrl);
      if (!client) throw new Error(`The ${channelName} channel only answers to its own serviceUrl.`);
      return client;
    }
  })();
  return { audience: AuthenticationConstants.ToChannelFromBotOAuthScope, callerId: undefined, claimsIdentity, connectorFactory };
}
