import type { ActivityHandler, TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { Server } from 'restify';
import type { IntegrationAdapter } from '../bot/adapter';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { ClientLimits } from '../rateLimit/clientLimits';
import type { UpgradeRoutes } from '../server/guard';

/** What a self-hosted channel gets once the adapter and the bot exist. */
export interface SelfHostedChannelDeps {
  adapter: IntegrationAdapter;
  bot: ActivityHandler;
  log: Logger;
  metrics: Metrics;
  /** The server's guarded WebSocket upgrades (a channel's stream registers there). */
  upgrades: UpgradeRoutes;
  /** Per-client limits for routes anyone may call that create conversations or tokens. */
  limits: ClientLimits;
}

/**
 * A channel this service runs itself (Direct Line for web chat, the Twilio SMS bridge): it turns its
 * inbound traffic into activities for the adapter and answers the bot's Bot Connector calls for its
 * own serviceUrls, so replies and a caseworker's proactive messages reach it like any Azure channel.
 * The composition root keeps a list of them and knows none by name beyond building the list.
 */
export interface SelfHostedChannel {
  readonly name: string;
  /** Channel ids only this channel's own activities carry: refused on /api/messages in local mode. */
  readonly channelIds?: readonly string[];
  /** The client for one of this channel's serviceUrls; undefined for any other. */
  connectorFor(serviceUrl: string): ConnectorClient | undefined;
  /** Its HTTP routes. */
  register(server: Server, deps: SelfHostedChannelDeps): void;
  /** "Delete my data": what this channel keeps of the conversation of `context` (nothing if it is not its own). */
  eraseConversation(context: TurnContext): Promise<void>;
  /** Turns of this channel being processed right now (graceful shutdown waits for them). */
  inFlight(): number;
  /** A few whole turns through the channel before the service listens (after register), so no user meets a cold process. */
  warmUp?(): Promise<{ turns: number; ms: number }>;
  close(): Promise<void>;
}
