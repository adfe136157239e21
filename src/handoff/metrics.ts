import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { HandoffStore } from './types';

/** The handoff's Prometheus metrics, in the service's registry. Labels never carry message text. */
export class HandoffMetrics {
  readonly requests: Counter<'trigger' | 'topic' | 'language' | 'priority'>;
  readonly timeToClaim: Histogram;
  readonly timedOut: Counter;
  readonly relayed: Counter<'direction'>;

  constructor(registry: Registry, store: HandoffStore) {
    this.requests = new Counter({
      name: 'handoff_requests_total',
      help: 'Handoffs to a caseworker asked for, by what asked (asked, path, misunderstood, safety), topic, language and priority.',
      labelNames: ['trigger', 'topic', 'language', 'priority'] as const,
      registers: [registry],
    });
    this.timeToClaim = new Histogram({
      name: 'handoff_time_to_claim_seconds',
      help: 'Time from a handoff request to a caseworker claiming it.',
      buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600],
      registers: [registry],
    });
    this.timedOut = new Counter({
      name: 'handoff_timed_out_total',
      help: 'Handoffs nobody claimed within HANDOFF_CLAIM_TIMEOUT_MINUTES (the user was told when someone will answer).',
      registers: [registry],
    });
    this.relayed = new Counter({
      name: 'handoff_messages_total',
      help: 'Messages relayed during handoffs, by direction (to_caseworker, to_user).',
      labelNames: ['direction'] as const,
      registers: [registry],
    });
    new Gauge({
      name: 'handoff_queue_length',
      help: 'Handoffs waiting for a caseworker (queued, not yet claimed), and assigned ones, by state.',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        try {
          const open = await store.open(1000);
          this.set({ state: 'queued' }, open.filter((r) => r.state === 'queued').length);
          this.set({ state: 'assigned' }, open.filter((r) => r.state === 'assigned').length);
        } catch {
          // store down: the gauge keeps its last value
        }
      },
    });
  }
}
