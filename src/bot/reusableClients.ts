import {
  BotFrameworkAuthentication,
  ConnectorFactory,
  JwtTokenValidation,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botbuilder';

/**
 * Bot Framework authentication that reuses its outbound clients. Stock CloudAdapter builds a new
 * ConnectorClient and a new UserTokenClient, each with a full HTTP pipeline, on every turn, even
 * when the turn sends nothing (expectReplies). Both are stateless apart from their credentials, so
 * one per bot identity, service URL and audience serves every turn. Authentication itself is not
 * cached: every request is still validated by the wrapped implementation.
 */
export class ReusableClientsAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly userTokenClients = new Map<string, Promise<UserTokenClient>>();

  /**
   * @param ownConnector a self-hosted channel's client for its own serviceUrls (src/channels/directline),
   *   which signs with the channel's token instead of asking Azure AD; undefined for any other URL.
   * @param onTransientResponse called for every 429 and 5xx answer of the Bot Connector, each
   *   attempt of the client's own retries included (a metric).
   */
  constructor(
    private readonly inner: BotFrameworkAuthentication,
    private readonly maxClients = 256,
    private readonly ownConnector?: (serviceUrl: string) => ConnectorClient | undefined,
    private readonly onTransientResponse?: (status: number) => void,
  ) {
    super();
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return { ...result, connectorFactory: this.reusing(result.connectorFactory, result.claimsIdentity) };
  }

  async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
    return { ...result, connectorFactory: this.reusing(result.connectorFactory, result.claimsIdentity) };
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(this.inner.createConnectorFactory(claimsIdentity), claimsIdentity);
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.remember(this.userTokenClients, appIdOf(claimsIdentity), () => this.inner.createUserTokenClient(claimsIdentity));
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  private reusing(factory: ConnectorFactory | undefined, claimsIdentity: ClaimsIdentity): ConnectorFactory {
    if (!factory) return factory as unknown as ConnectorFactory;
    const appId = appIdOf(claimsIdentity);
    const cache = this.connectors;
    const remember = this.remember.bind(this);
    const own = this.ownConnector;
    const onTransient = this.onTransientResponse;
    return new (class extends ConnectorFactory {
      create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        const client = own?.(serviceUrl);
        if (client) return Promise.resolve(client);
        return remember(cache, `${appId}\n${serviceUrl}\n${audience ?? ''}`, () => factory.create(serviceUrl, audience).then((made) => countTransientResponses(made, onTransient)));
      }
    })();
  }

  /** A bounded cache: the oldest entry goes when it is full; a failed creation is not kept. */
  private remember<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit) return hit;
    if (cache.size >= this.maxClients) cache.delete(cache.keys().next().value as string);
    const made = make();
    cache.set(key, made);
    made.catch(() => cache.delete(key));
    return made;
  }
}

/** The part of @azure/core-rest-pipeline's Pipeline used here. */
interface PipelineLike {
  addPolicy(policy: { name: string; sendRequest(request: unknown, next: (request: unknown) => Promise<{ status: number }>): Promise<{ status: number }> }, options: { afterPhase: 'Retry' }): void;
}

/**
 * Reports every throttled or failed answer the client gets. botframework-connector's client runs on
 * @azure/core-client, whose default pipeline already retries 429 and 5xx (Retry-After, else
 * exponential backoff, 3 retries); a policy after its Retry phase sees each attempt. The pipeline
 * sits on a private field of the compat client: when it is not there, nothing is counted.
 */
function countTransientResponses(client: ConnectorClient, onTransient: ((status: number) => void) | undefined): ConnectorClient {
  const pipeline = (client as unknown as { client?: { pipeline?: PipelineLike } }).client?.pipeline;
  if (!onTransient || typeof pipeline?.addPolicy !== 'function') return client;
  pipeline.addPolicy(
    {
      name: 'countTransientResponses',
      async sendRequest(request, next) {
        const response = await next(request);
        if (response.status === 429 || response.status >= 500) onTransient(response.status);
        return response;
      },
    },
    { afterPhase: 'Retry' },
  );
  return client;
}

function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return JwtTokenValidation.getAppIdFromClaims(claimsIdentity?.claims ?? []) ?? '';
}
