/** The review card submits `npm run bench` sends, and how it reads the bot's answers. */
import type { AdaptiveCard } from '../../cards/card.js';
import { VERBS } from '../../cards/verbs.js';
import { ALL_YES } from '../../test/helpers/teams.js';

/**
 * A valid, complete review: all 8 default checklist items answered, standard risk (the tests'
 * answers), and for the NCHIs among the bench's occurrences the Code of Practice 2023 decisions
 * (NCHI_POLICY=code-2023: threshold met, subject refs kept, so a re-grade finds them unchanged).
 * A crime's review ignores the NCHI fields.
 */
export const completeReview = { ...ALL_YES, nchiThreshold: 'yes', nchiSubjectRefs: 'keep_harm' };

/**
 * Teams-shaped participants and the review channel (the same shapes as test/helpers/harness.ts,
 * which cannot be imported outside vitest).
 */
export const coordinator = { id: '29:bench-coord', aadObjectId: 'aad-bench-coord', name: 'Alex Wilber' };
const bot = { id: '28:bot', name: 'Hate Crime Coordinator' };
const reviewChannel = { id: '19:bench-review@thread.tacv2', conversationType: 'channel', tenantId: 'tenant-1', name: 'Hate crime reviews' };

let seq = 0;

/** An Action.Execute invoke (`adaptiveCard/action`) from the coordinator in the review channel, as Teams sends it, serialised. */
export function invokeBody(serviceUrl: string, verb: string, occurrenceId: string, expectedVersion: number): string {
  return JSON.stringify({
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `bench-inv-${++seq}`,
    timestamp: new Date().toISOString(),
    serviceUrl,
    channelId: 'msteams',
    replyToId: 'bench-card-activity',
    from: coordinator,
    recipient: bot,
    conversation: reviewChannel,
    value: { action: { type: 'Action.Execute', verb, data: { occurrenceId, expectedVersion, ...completeReview } }, trigger: 'manual' },
  });
}

export type SubmitOutcome = 'saved' | 'stale' | 'refused' | 'error';

/** What a submit's invoke response says: saved, stale (someone saved first), refused (validation/role), or an error. */
export function classify(status: number, body: any): SubmitOutcome {
  const value: unknown = body?.value;
  if (status !== 200 || body?.statusCode !== 200 || !value || typeof value !== 'object') return 'error';
  const text = JSON.stringify(value);
  if (text.includes('Your answers were not saved')) return 'stale';
  if (text.includes('was not saved') || text.includes('Only a Hate Crime Coordinator')) return 'refused';
  return 'saved';
}

/** The `expectedVersion` the card's review.submit action carries (what Teams would send next), or null. */
export function cardVersion(node: unknown): number | null {
  if (!node || typeof node !== 'object') return null;
  if (Array.isArray(node)) {
    for (const n of node) {
      const v = cardVersion(n);
      if (v !== null) return v;
    }
    return null;
  }
  const o = node as Record<string, unknown>;
  const data = o.data as Record<string, unknown> | undefined;
  if (o.type === 'Action.Execute' && o.verb === VERBS.reviewSubmit && data && data.expectedVersion !== undefined)
    return Number(data.expectedVersion);
  for (const v of Object.values(o)) {
    const found = cardVersion(v);
    if (found !== null) return found;
  }
  return null;
}

/** One load run: `count` invokes round-robin over `ids`, at most `concurrency` in flight. */
export interface RunSpec {
  url: string;
  serviceUrl: string;
  verb: string;
  ids: string[];
  count: number;
  concurrency: number;
}

export interface RunResult {
  /** Client round-trip of each invoke, ms, in send order. */
  client: number[];
  wallMs: number;
  /** CPU time (user + system) the client process used during the run, ms. */
  cpuMs: number;
  outcomes: Record<SubmitOutcome, number>;
  /** The first refused or failed answer, for the report. */
  firstProblem: string | null;
  /** The first card returned for a saved submit. */
  card: AdaptiveCard | null;
}
