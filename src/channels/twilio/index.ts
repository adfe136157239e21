import type { Activity, ChannelAccount, ConversationAccount, TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import * as restify from 'restify';
import twilio from 'twilio';
import type { Config, TwilioConfig } from '../../config';
import type { Logger } from '../../log';
import type { Metrics } from '../../metrics';
import { withRequestLog } from '../../requestLog';
import { DeliveryError, inProcessConnector, trustedTurn, type Deliver } from '../inProcessConnector';
import type { SelfHostedChannel, SelfHostedChannelDeps } from '../selfHosted';
import type { ExpiringKeys } from '../sms/expiringKeys';
import { smsKeys, type NumberHash } from '../sms/numberHash';
import { SMS_CHANNEL } from '../sms/smsTurns';
import { TwilioSender, type SenderOptions } from './sender';

/** Twilio's webhook for incoming texts. */
export const WEBHOOK_PATH = '/api/sms';
/** The bridge's serviceUrl path: the bot's replies to it are texted through Twilio's REST API. */
export const CONNECTOR_PATH = '/api/sms/bot';
/** How long a MessageSid is remembered, so a repeated delivery is processed once. */
const SEEN_TTL_MS = 24 * 3600 * 1000;
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
/** Twilio's own limit for an incoming text is 1,600 characters; more is not a text from Twilio. */
const MAX_BODY_CHARS = 1600;

export interface TwilioBridgeDeps {
  config: Config;
  twilio: TwilioConfig;
  publicUrl: string;
  keys: ExpiringKeys;
  hash: NumberHash;
  metrics: Metrics;
  log: Logger;
  sender?: SenderOptions;
}

function forbidden(res: restify.Response, message: string): void {
  res.status(403);
  res.json({ code: 'Forbidden', message });
}

/**
 * The self-hosted Twilio SMS channel. POST /api/sms takes Twilio's signed webhook, answers at once
 * with empty TwiML and runs the turn; each phone number is one conversation, named by its keyed
 * hash (`sms-<hash>`), so no number is in a conversation id, a key or a log line. The bot's replies
 * (a caseworker's proactive ones included) go to the bridge's serviceUrl and are texted through
 * Twilio's REST API from whichever instance sends them.
 */
export function createTwilioBridge(deps: TwilioBridgeDeps): SelfHostedChannel {
  const { keys, hash, metrics, log } = deps;
  const retentionMs = deps.config.stateTtlSeconds * 1000;
  const serviceUrl = `${deps.publicUrl}${CONNECTOR_PATH}`;
  const sender = new TwilioSender(deps.twilio, metrics, log, deps.sender);
  const botId = deps.config.microsoftApp.appId ?? 'bot';
  /** Numbers of the turns running here now (also after "delete my data" erased the stored one), and when their webhook came. */
  const current = new Map<string, { number: string; since: number; turns: number }>();
  let inFlight = 0;

  const numberOf = async (conversationId: string): Promise<string | undefined> => {
    const here = current.get(conversationId);
    if (here) return here.number;
    const [sealed] = await keys.get([smsKeys(hash.of(conversationId)).number]);
    return sealed ? hash.open(sealed) : undefined;
  };

  const deliver: Deliver = async (conversationId, activity) => {
    if (activity.type !== 'message' || typeof activity.text !== 'string' || activity.text.trim() === '') return { id: '' };
    const number = await numberOf(conversationId);
    if (!number) throw new DeliveryError(404, 'ConversationNotFound', 'This SMS conversation has no number (it expired or was deleted).');
    const outcome = await sender.send(number, activity.text, { conversationId });
    const since = current.get(conversationId)?.since;
    if (since !== undefined && outcome.sid) metrics.smsDelivery.observe((performance.now() - since) / 1000);
    return { id: outcome.sid ?? '' };
  };
  const client = inProcessConnector(serviceUrl, deliver, 'Twilio SMS');
  const connectorFor = (url: string): ConnectorClient | undefined => (url.replace(/\/+$/, '') === serviceUrl ? client : undefined);

  async function runTurn(adapterDeps: SelfHostedChannelDeps, params: Record<string, string>, since: number): Promise<void> {
    const number = params.From;
    const conversationId = `sms-${hash.of(number)}`;
    const turnLog = log.child({ reqId: params.MessageSid, channel: SMS_CHANNEL, type: 'message', conversationId });
    const here = current.get(conversationId) ?? { number, since, turns: 0 };
    here.turns += 1;
    here.since = since;
    current.set(conversationId, here);
    inFlight += 1;
    const endTimer = metrics.turnDuration.startTimer();
    try {
      await keys.set(smsKeys(hash.of(conversationId)).number, hash.seal(number), retentionMs);
      const activity = {
        type: 'message',
        id: params.MessageSid,
        channelId: SMS_CHANNEL,
        serviceUrl,
        from: { id: conversationId, role: 'user' } as ChannelAccount,
        recipient: { id: botId, role: 'bot' } as ChannelAccount,
        conversation: { id: conversationId } as ConversationAccount,
        text: params.Body ?? '',
        timestamp: new Date(),
        channelData: { numMedia: Number(params.NumMedia ?? 0) || 0 },
      } as Activity;
      await withRequestLog(turnLog, () => adapterDeps.adapter.processActivityDirect(trustedTurn(deps.config.microsoftApp.appId, connectorFor), activity, (ctx) => adapterDeps.bot.run(ctx)));
      metrics.turns.inc({ channel: SMS_CHANNEL, type: 'message' });
    } catch (err) {
      metrics.errors.inc({ where: 'sms' });
      turnLog.error({ err }, 'sms turn failed');
    } finally {
      inFlight -= 1;
      endTimer();
      here.turns -= 1;
      if (here.turns === 0) current.delete(conversationId);
    }
  }

  return {
    name: 'twilio',
    connectorFor,
    inFlight: () => inFlight,
    close: async () => {},
    eraseConversation: async (context: TurnContext) => {
      const id = context.activity.conversation?.id;
      if (context.activity.channelId !== SMS_CHANNEL || !id || !connectorFor(context.activity.serviceUrl ?? '')) return;
      const k = smsKeys(hash.of(id));
      // The STOP flag stays: it names no one, and carriers require it to hold.
      await keys.delete([k.number, k.more]);
    },
    register: (server, adapterDeps) => {
      const [, parseForm] = restify.plugins.urlEncodedBodyParser({ mapParams: false }) as restify.RequestHandler[];
      server.post(WEBHOOK_PATH, parseForm, async (req: restify.Request, res: restify.Response) => {
        const since = performance.now();
        if (req.getContentType() !== 'application/x-www-form-urlencoded' || !req.body || typeof req.body !== 'object') {
          metrics.smsWebhooks.inc({ outcome: 'bad_request' });
          res.status(415);
          return res.json({ code: 'UnsupportedMediaType', message: "Send Twilio's webhook form (Content-Type: application/x-www-form-urlencoded)." });
        }
        const params: Record<string, string> = {};
        for (const [key, value] of Object.entries(req.body as Record<string, unknown>)) if (typeof value === 'string') params[key] = value;
        const signature = req.header('x-twilio-signature');
        if (!signature) {
          metrics.smsWebhooks.inc({ outcome: 'forbidden' });
          return forbidden(res, 'X-Twilio-Signature is missing.');
        }
        // Twilio signs the address it was given (PUBLIC_URL + path + query), not this server's own.
        if (!twilio.validateRequest(deps.twilio.authToken, signature, `${deps.publicUrl}${req.url ?? WEBHOOK_PATH}`, params)) {
          metrics.smsWebhooks.inc({ outcome: 'forbidden' });
          log.warn({ path: req.path() }, 'sms webhook with a wrong signature refused');
          return forbidden(res, 'X-Twilio-Signature does not match this request (check TWILIO_AUTH_TOKEN and PUBLIC_URL).');
        }
        const problem = !params.From ? 'From' : !params.MessageSid ? 'MessageSid' : undefined;
        if (problem || (params.Body ?? '').length > MAX_BODY_CHARS) {
          metrics.smsWebhooks.inc({ outcome: 'bad_request' });
          res.status(400);
          return res.json({ code: 'BadRequest', message: problem ? `The webhook has no ${problem}.` : `Body is longer than ${MAX_BODY_CHARS} characters.` });
        }
        const first = await keys.setIfAbsent(`sms:seen:${hash.of(params.MessageSid)}`, '1', SEEN_TTL_MS);
        metrics.smsWebhooks.inc({ outcome: first ? 'accepted' : 'duplicate' });
        res.setHeader('Content-Type', 'text/xml; charset=utf-8');
        res.sendRaw(200, EMPTY_TWIML);
        if (first) await runTurn(adapterDeps, params, since);
      });
    },
  };
}
