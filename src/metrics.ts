import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's Prometheus metrics, one registry per process (a fresh one per app in tests). */
export class Metrics {
  readonly registry = new Registry();

  readonly turns = new Counter({
    name: 'bot_turns_total',
    help: 'Turns processed, by channel and activity type.',
    labelNames: ['channel', 'type'] as const,
    registers: [this.registry],
  });

  readonly turnDuration = new Histogram({
    name: 'bot_turn_duration_seconds',
    help: 'Time from receiving an activity to finishing its turn (state saved).',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'bot_errors_total',
    help: 'Errors, by where they happened.',
    labelNames: ['where'] as const,
    registers: [this.registry],
  });

  readonly storeLatency = new Histogram({
    name: 'bot_store_operation_duration_seconds',
    help: "State store round trips (Redis or embedded), by operation (transcript_append: the handoff transcript's append at the end of every turn).",
    labelNames: ['store', 'op'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });

  readonly connectorTransientResponses = new Counter({
    name: 'bot_connector_transient_responses_total',
    help: 'Throttled (429) or failed (5xx) answers from the Bot Connector (Teams, Azure channels), by status. The connector client retries them, up to 3 times, waiting what Retry-After asks or backing off exponentially.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly teamsConnectorFailures = new Counter({
    name: 'teams_connector_failures_total',
    help: 'Bot Connector calls to the caseworkers\' Teams channel that failed after the connector client\'s retries, by operation (post, update, relay).',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  readonly lockWaits = new Counter({
    name: 'bot_turn_lock_waits_total',
    help: 'Times a turn found its conversation busy with another turn and waited.',
    registers: [this.registry],
  });

  readonly duplicateTurns = new Counter({
    name: 'bot_turn_duplicates_total',
    help: 'Retried activities (same activity.id) whose turn was already committed: answered from its record, not applied again.',
    registers: [this.registry],
  });

  readonly stateMisses = new Counter({
    name: 'bot_state_prefetch_misses_total',
    help: 'State reads in a turn that the turn start did not prefetch (each costs an extra round trip).',
    registers: [this.registry],
  });

  readonly besideLockReads = new Counter({
    name: 'bot_beside_lock_reads_total',
    help: "Reads of other slots that a turn needs (the handoff record), by when they ran: beside_lock (sent with the turn's lock-and-read, no extra round trip), in_lock (read by the lock-and-read script itself, one Redis) or after_lock (read again).",
    labelNames: ['read', 'when'] as const,
    registers: [this.registry],
  });

  readonly cluFallbacks = new Counter({
    name: 'nlu_clu_fallbacks_total',
    help: 'Messages the Azure CLU recogniser could not answer in time or at all, understood by the embedded recogniser instead, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly safetyAlarms = new Counter({
    name: 'bot_safety_alarms_total',
    help: 'Messages the safety screen answered with the emergency numbers, by category (never the text).',
    labelNames: ['category'] as const,
    registers: [this.registry],
  });

  readonly smsWebhooks = new Counter({
    name: 'sms_webhooks_total',
    help: 'Twilio webhook deliveries to POST /api/sms, by outcome (accepted, duplicate, forbidden: signature missing or wrong, bad_request).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly smsSent = new Counter({
    name: 'sms_sent_total',
    help: 'SMS texts handed to the provider, by channel (twilio: the self-hosted bridge; azure: the Azure SMS channel).',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly smsSegments = new Histogram({
    name: 'sms_reply_segments',
    help: 'SMS segments of each text sent (carriers bill per segment).',
    buckets: [1, 2, 3, 4, 6, 10],
    registers: [this.registry],
  });

  readonly smsDeliveryFailures = new Counter({
    name: 'sms_delivery_failures_total',
    help: "Calls to Twilio's REST API that failed, by kind (transient: retried; permanent: not retried; gave_up: still failing after the last retry).",
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly smsOptOuts = new Counter({
    name: 'sms_opt_out_keywords_total',
    help: 'STOP, START and HELP keywords received, by keyword.',
    labelNames: ['keyword'] as const,
    registers: [this.registry],
  });

  readonly smsSuppressed = new Counter({
    name: 'sms_suppressed_total',
    help: 'Texts not sent because the number said STOP (until it says START), by direction (reply, proactive, ignored_inbound).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly smsDelivery = new Histogram({
    name: 'sms_webhook_to_send_seconds',
    help: "Time from Twilio's webhook arriving to the reply's call to Twilio's REST API returning.",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Times an async store operation into storeLatency. */
  async timeStore<T>(store: string, op: string, work: () => Promise<T>): Promise<T> {
    const end = this.storeLatency.startTimer({ store, op });
    try {
      return await work();
    } finally {
      end();
    }
  }
}
