import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import type { Config } from '../config';
import type { Logger } from '../log';
import { requestLog } from '../requestLog';
import type { Metrics } from '../metrics';
import { ConversationBusyError, TurnSerializer } from '../state/turnSerializer';
import type { ConversationStore } from '../state/conversationStore';

interface AdapterDeps {
  config: Config;
  store: ConversationStore;
  i18n: i18n;
  log: Logger;
  metrics: Metrics;
  /** The language to apologise in; falls back to the default when state cannot be read. */
  localeOf(context: TurnContext): Promise<string>;
}

/**
 * The CloudAdapter: Bot Framework authentication when credentials are configured (none: local
 * mode), turn serialisation, and a polite answer when a turn fails.
 */
export function createAdapter(deps: AdapterDeps): CloudAdapter {
  const { config, log, metrics, i18n } = deps;
  const app = config.microsoftApp;
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: app.appId,
    MicrosoftAppPassword: app.appPassword,
    MicrosoftAppType: app.appType,
    MicrosoftAppTenantId: app.tenantId,
  });
  const adapter = new CloudAdapter(auth);
  adapter.use(
    new TurnSerializer(deps.store, {
      lockTtlMs: config.turnLockTtlMs,
      maxWaitMs: config.turnLockWaitMs,
      onWait: () => metrics.lockWaits.inc(),
    }),
  );
  adapter.onTurnError = async (context, error) => {
    const busy = error instanceof ConversationBusyError;
    metrics.errors.inc({ where: busy ? 'busy' : 'turn' });
    const turnLog = requestLog(log);
    turnLog.error({ err: error }, busy ? 'conversation busy, turn refused' : 'turn failed');
    let lng = config.defaultLocale;
    try {
      lng = await deps.localeOf(context);
    } catch {
      // state unreadable (store down): apologise in the default language
    }
    try {
      await context.sendActivity({ type: 'message', text: i18n.t(busy ? 'error.busy' : 'error.generic', { lng }), locale: lng });
    } catch (sendError) {
      turnLog.error({ err: sendError }, 'could not tell the user about the failed turn');
    }
  };
  return adapter;
}
