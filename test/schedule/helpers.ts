import type { Harness } from '../helpers/harness.js';
import { FakeConnector, type ConnectorCall } from '../helpers/fake-connector.js';
import { idIn } from '../helpers/teams.js';
import { runReviewSweep } from '../../jobs/review-sweep.job.js';

/** Teams users the tests use, as the bot would have learnt them. */
export const officer = { id: '29:officer', aadObjectId: 'aad-officer', name: 'PC Megan Bowen', upn: 'pc.officer@force.police.uk' };
export const supervisor = { id: '29:super', aadObjectId: 'aad-super', name: 'DS Adele Vance', upn: 'ds.super@force.police.uk' };

/** Runs the review sweep at the harness clock, then sends the outbox. */
export async function sweepAndSend(h: Harness): Promise<void> {
  await runReviewSweep({ db: h.db, clock: h.clock.now, kickOutbox: () => undefined }, h.config.schedule);
  await h.bot.dispatcher.drain();
}

const text = (c: ConnectorCall) => JSON.stringify(FakeConnector.card(c) ?? c.body);

/** Prompt cards posted (not updates) whose text matches, optionally in one conversation. */
export function prompts(h: Harness, match: RegExp | string, conversationId?: string): ConnectorCall[] {
  return h.connector
    .posted(conversationId)
    .filter((c) => text(c).includes('"scheduledReviewId"') && (typeof match === 'string' ? text(c).includes(match) : match.test(text(c))));
}

/** The scheduled review id a prompt card answers. */
export const reviewIdOf = (call: ConnectorCall): string => idIn(call, 'scheduledReviewId');
