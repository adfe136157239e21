import { type Activity, CloudAdapter, type Middleware, ConfigurationBotFrameworkAuthentication, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import type { ConnectorClient } from 'botframework-connector';
import type { Config } from '../config';
import { errorForLog, type Logger } from '../log';
import { ReusableClientsAuthentication } from './reusableClients';
import { DialogStateConfigCache } from './dialogStateConfigCache';
import { requestLog } from '../requestLog';
import type { Metrics } from '../metrics';
import { ConversationBusyError, TurnSerializer } from '../state/turnSerializer';
import type { ReadBesideLock } from '../state/readBesideLock';
import type { SafetyScreen } from '../nlu/safety';
import { SafetyMiddleware, type SafetyCheckStore } from './safetyMiddleware';
import type { ConversationStore } from '../state/conversationStore';
import { isStoreOutage } from '../server/outage';
import { TeamsCardMiddleware } from '../channels/teams/teamsCards';

interface AdapterDeps {
  config: Config;
  store: ConversationStore;
  i18n: i18n;
  log: Logger;
  metrics: Metrics;
  /** The language to apologise in; falls back to the default when state cannot be read. */
  localeOf(context: TurnContext): Promise<string>;
  /** The safety screen, built from the configured folders (LOCALES_DIR, DIALOGS_DIR). */
  safety: SafetyScreen;
  /** The language a message is written in (the recogniser's identifier), for the safety screen. */
  languageOf?(text: string): string | undefined;
  /** Where the screen remembers its borderline question. */
  safetyChecks?: SafetyCheckStore;
  /** Self-hosted channels' clients for their own serviceUrls (replies and proactive messages). */
  ownConnector?: (serviceUrl: string) => ConnectorClient | undefined;
  /** Channel-specific steps inside the turn lock and before the safety screen (e.g. SMS: STOP, one text per turn). */
  channelMiddleware?: Middleware[];
  /** The handoff's middleware: the transcript recorder (before the safety screen) and the conversation router (after it). */
  handoff?: { recorder: Middleware; router: Middleware; afterAlarm(context: TurnContext, language: string): Promise<void>; besideLock?: ReadBesideLock<unknown>[] };
}

/**
 * CloudAdapter with one more entry point: an activity that the route has already parsed and
 * checked. Stock `process()` builds its zod schemas afresh and validates the body again on every
 * request, a measurable share of a turn; authentication is unchanged.
 */
export class IntegrationAdapter extends CloudAdapter {
  /** Authenticates `authHeader` and runs the turn; returns the invoke or expectReplies response, if any. */
  processParsed(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, withDates(activity), logic);
  }

  /**
   * The Bot Connector client at `serviceUrl`, signed as the bot, outside any turn: for messages that
   * answer nobody (the caseworkers' Teams channel), which therefore take no conversation's turn lock
   * and run no middleware. The same client cache as every turn.
   */
  connectorClientFor(botAppId: string, serviceUrl: string): Promise<ConnectorClient> {
    return this.botFrameworkAuthentication.createConnectorFactory(this.createClaimsIdentity(botAppId)).create(serviceUrl, undefined);
  }
}

/** Timestamps arrive as strings; botbuilder expects Dates and keeps the raw strings beside them. */
function withDates(activity: Activity): Activity {
  const raw = activity as Activity & Record<string, unknown>;
  for (const [field, rawField] of [['timestamp', 'rawTimestamp'], ['localTimestamp', 'rawLocalTimestamp'], ['expiration', 'rawExpiration']] as const) {
    const value = raw[field];
    if (typeof value === 'string') {
      raw[rawField] = value;
      raw[field] = new Date(value);
    }
  }
  return activity;
}

/**
 * The CloudAdapter: Bot Framework authentication when credentials are configured (none: local
 * mode), turn serialisation, and a polite answer when a turn fails.
 */
export function createAdapter(deps: AdapterDeps): IntegrationAdapter {
  const { config, log, metrics, i18n } = deps;
  const app = config.microsoftApp;
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: app.appId,
    MicrosoftAppPassword: app.appPassword,
    MicrosoftAppType: app.appType,
    MicrosoftAppTenantId: app.tenantId,
  });
  const adapter = new IntegrationAdapter(new ReusableClientsAuthentication(auth, undefined, deps.ownConnector, (status) => metrics.connectorTransientResponses.inc({ status: String(status) })));
  adapter.use(
    new TurnSerializer(deps.store, {
      lockTtlMs: config.turnLockTtlMs,
      leaseMs: config.turnLockLeaseMs,
      maxWaitMs: config.turnLockWaitMs,
      dedupWindowMs: config.turnDedupSeconds * 1000,
      onWait: () => metrics.lockWaits.inc(),
      onDuplicate: () => metrics.duplicateTurns.inc(),
      besideLock: deps.handoff?.besideLock,
    }),
  );
  for (const middleware of deps.channelMiddleware ?? []) adapter.use(middleware);
  if (deps.handoff) adapter.use(deps.handoff.recorder);
  adapter.use(
    new SafetyMiddleware({
      screen: deps.safety,
      checks: deps.safetyChecks,
      localeOf: deps.localeOf,
      languageOf: deps.languageOf,
      onAlarm: (category) => metrics.safetyAlarms.inc({ category }),
      afterAlarm: deps.handoff?.afterAlarm,
    }),
  );
  if (deps.handoff) adapter.use(deps.handoff.router);
  adapter.use(new DialogStateConfigCache());
  adapter.use(new TeamsCardMiddleware({ i18n, enabledLocales: config.enabledLocales, localeOf: deps.localeOf }));
  adapter.onTurnError = async (context, error) => {
    const busy = error instanceof ConversationBusyError;
    metrics.errors.inc({ where: busy ? 'busy' : 'turn' });
    const turnLog = requestLog(log);
    const ids = [context.activity.conversation?.id, context.activity.from?.id];
    turnLog.error({ err: errorForLog(error, ids) }, busy ? 'conversation busy, turn refused' : 'turn failed');
    let lng = config.defaultLocale;
    try {
      // the store is down: do not wait for it a second time, apologise in the default language
      if (!isStoreOutage(error)) lng = await deps.localeOf(context);
    } catch {
      // state unreadable (store down): apologise in the default language
    }
    try {
      const key = busy ? 'error.busy' : 'error.generic';
      await context.sendActivity({ type: 'message', text: i18n.t(key, { lng }), locale: lng, channelData: { node: key } });
    } catch (sendError) {
      turnLog.error({ err: errorForLog(sendError, ids) }, 'could not tell the user about the failed turn');
    }
  };
  return adapter;
}
