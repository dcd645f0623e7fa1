/**
 * The cases of the role matrix (role-matrix.test.ts): each command or card action, the roles allowed
 * inside and outside their district, how to send it as the user, and what an allowed run must do.
 */
import { expect } from 'vitest';
import { ACTION_VERBS } from '../../cards/actions.verbs.js';
import { VERBS } from '../../cards/verbs.js';
import { executeInvoke, personal, type Harness } from '../helpers/harness.js';
import { ALL_YES, say } from '../helpers/teams.js';
import { auditSince, type RoleName, type Seeded, type TestUser } from './helpers.js';

/** The occurrence of a case: inside (Leeds) or outside (Bradford) the user's district. */
export type Where = 'in' | 'out';

const allYes = ALL_YES;

/** What a case runs with: the harness, the seeded fixtures, the user and where. */
export interface Ctx {
  h: Harness;
  s: Seeded;
  u: TestUser;
  where: Where;
  /** The occurrence of the case: Leeds inside the user's district, Bradford outside. */
  occ: string;
  district: string;
  label: string;
  since: number;
}

/** One command or card action of the matrix. */
export interface Case {
  name: string;
  /** Roles allowed [inside, outside]; a single boolean when the case has no district. */
  allowed: Partial<Record<RoleName, boolean | [boolean, boolean]>>;
  prepare?(c: Ctx): Promise<void>;
  /** Sends the command or card action as the user; returns the invoke response's text ('' for messages). */
  run(c: Ctx): Promise<string>;
  /** What an allowed run must have done. */
  effect(c: Ctx, text: string): Promise<void>;
}

const invoke = async (c: Ctx, verb: string, data: Record<string, unknown>) => {
  const res = await c.h.send(executeInvoke(verb, data, 'card-activity', c.u, personal(c.u)));
  expect(res.status).toBe(200);
  return JSON.stringify(res.body ?? '');
};
const command = async (c: Ctx, text: string) => {
  await say(c.h, text, c.u);
  return '';
};
const reviewId = async (c: Ctx, kind: string) =>
  (
    await c.h.db
      .selectFrom('scheduled_reviews')
      .select('id')
      .where('occurrence_id', '=', c.occ)
      .where('kind', '=', kind)
      .orderBy('due_at')
      .executeTakeFirstOrThrow()
  ).id;
const audited = async (c: Ctx, action: string) =>
  (await auditSince(c.h, c.since)).filter((a) => a.actor === c.label && a.action === action);
const promptStatus = async (c: Ctx, kind: string) =>
  (
    await c.h.db
      .selectFrom('scheduled_reviews')
      .select('status')
      .where('id', '=', await reviewId(c, kind))
      .executeTakeFirstOrThrow()
  ).status;

/** Every command and card action the need-to-know rules cover. */
export const CASES: Case[] = [
  {
    name: '`review <ref>`',
    allowed: { officer: [true, false], supervisor: [true, false], coordinator: [true, false], manager: [true, false] },
    run: (c) => command(c, `review ${c.where === 'in' ? '13/700001/26' : '13/700002/26'}`),
    async effect(c, text) {
      expect(text).toContain(c.where === 'in' ? '13/700001/26' : '13/700002/26');
      expect(await audited(c, 'card.disclosed')).toHaveLength(1);
    },
  },
  {
    name: 'review card: submit the HCC review',
    allowed: { coordinator: [true, false] },
    run: (c) => invoke(c, VERBS.reviewSubmit, { verb: VERBS.reviewSubmit, occurrenceId: c.occ, expectedVersion: 0, ...allYes }),
    async effect(c) {
      expect(await c.h.db.selectFrom('reviews').select('occurrence_id').execute()).toEqual([{ occurrence_id: c.occ }]);
    },
  },
  {
    name: 'prompt: coordinator review, not applicable',
    allowed: { coordinator: [true, false] },
    run: async (c) =>
      invoke(c, VERBS.promptNotApplicable, {
        scheduledReviewId: await reviewId(c, 'coordinator_review'),
        reason: 'Reviewed at the HCC meeting',
      }),
    async effect(c) {
      expect(await promptStatus(c, 'coordinator_review')).toBe('not_applicable');
    },
  },
  {
    name: 'prompt addressed to the OIC, not escalated',
    allowed: { officer: [true, false] },
    run: async (c) =>
      invoke(c, VERBS.promptNotApplicable, {
        scheduledReviewId: await reviewId(c, 'victim_support_referral'),
        reason: 'Victim declined a referral',
      }),
    async effect(c) {
      expect(await promptStatus(c, 'victim_support_referral')).toBe('not_applicable');
    },
  },
  {
    name: 'prompt addressed to the OIC, escalated',
    allowed: { officer: [true, false], supervisor: [true, false], coordinator: [true, false] },
    async prepare(c) {
      await c.h.db.updateTable('scheduled_reviews').set({ step: 3 }).where('kind', '=', 'victim_support_referral').execute();
    },
    run: async (c) =>
      invoke(c, VERBS.promptNotApplicable, {
        scheduledReviewId: await reviewId(c, 'victim_support_referral'),
        reason: 'Victim declined a referral',
      }),
    async effect(c) {
      expect(await promptStatus(c, 'victim_support_referral')).toBe('not_applicable');
    },
  },
  {
    name: '`subscribe <district>`',
    allowed: { coordinator: [true, false], admin: [true, true] },
    run: (c) => command(c, `subscribe ${c.district}`),
    async effect(c) {
      expect((await c.h.db.selectFrom('review_subscriptions').select('district').execute()).map((r) => r.district)).toEqual([c.district]);
    },
  },
  {
    name: '`summary district <district>`',
    allowed: {
      officer: [true, true],
      supervisor: [true, true],
      coordinator: [true, false],
      manager: [true, false],
      partner: [true, false],
    },
    run: (c) => command(c, `summary district ${c.district}`),
    async effect(c, text) {
      expect(text).toContain('Hate crime summary');
      expect(await audited(c, 'summary.disclosed')).toHaveLength(1);
    },
  },
  {
    name: '`scrutiny pack district <district>`',
    allowed: { coordinator: [true, false], manager: [true, false] },
    run: (c) => command(c, `scrutiny pack district ${c.district}`),
    async effect(c, text) {
      expect(text).not.toMatch(/sorry|too few/i);
      expect(await audited(c, 'scrutiny_pack.disclosed')).toHaveLength(1);
    },
  },
  {
    name: '`assign … to me`',
    allowed: { coordinator: true },
    run: (c) => command(c, 'assign Refresh the third-party reporting posters to me ref 2.1 a'),
    async effect(c) {
      expect(await c.h.db.selectFrom('actions').select('ref').where('ref', '=', '2.1 a').execute()).toHaveLength(1);
    },
  },
  {
    name: 'assign form: submit',
    allowed: { coordinator: true },
    run: (c) =>
      invoke(c, ACTION_VERBS.assign, { verb: ACTION_VERBS.assign, text: 'Refresh the reporting posters', holder: 'me', ref: '2.1 b' }),
    async effect(c) {
      expect(await c.h.db.selectFrom('actions').select('ref').where('ref', '=', '2.1 b').execute()).toHaveLength(1);
    },
  },
  {
    name: '`action 1.1 a update …` (held by the partner)',
    allowed: { partner: true, coordinator: true },
    run: (c) => command(c, 'action 1.1 a update Assembly booked for March'),
    async effect(c) {
      expect(await c.h.db.selectFrom('action_updates').select('text').execute()).toEqual([
        expect.objectContaining({ text: 'Assembly booked for March' }),
      ]);
    },
  },
  {
    name: 'action card: save update',
    allowed: { partner: true, coordinator: true },
    run: (c) =>
      invoke(c, ACTION_VERBS.update, { verb: ACTION_VERBS.update, actionId: c.s.actionId, updateText: 'Assembly booked for March' }),
    async effect(c) {
      expect(await c.h.db.selectFrom('action_updates').select('text').execute()).toEqual([
        expect.objectContaining({ text: 'Assembly booked for March' }),
      ]);
    },
  },
  {
    name: '`actions` (the whole plan)',
    allowed: { coordinator: true, manager: true },
    run: (c) => command(c, 'actions'),
    async effect(c, text) {
      expect(text).toContain('Deliver the schools hate crime assembly');
      expect(await audited(c, 'actions.listed')).toHaveLength(1);
    },
  },
  {
    name: '`action 1.1 a` (open it)',
    allowed: { partner: true, coordinator: true, manager: true },
    run: (c) => command(c, 'action 1.1 a'),
    async effect(c, text) {
      expect(text).toContain('Deliver the schools hate crime assembly');
      expect(await audited(c, 'action.disclosed')).toHaveLength(1);
    },
  },
  {
    name: '`action 1.1 a history`',
    allowed: { partner: true, coordinator: true, manager: true },
    run: (c) => command(c, 'action 1.1 a history'),
    async effect(c, text) {
      expect(text).toContain('History · 1.1 a');
      expect(await audited(c, 'action.disclosed')).toHaveLength(1);
    },
  },
  {
    name: '`action 1.1 a discharge`',
    allowed: { manager: true },
    run: (c) => command(c, 'action 1.1 a discharge'),
    async effect(c) {
      expect((await c.h.db.selectFrom('actions').select('status').where('id', '=', c.s.actionId).executeTakeFirstOrThrow()).status).toBe(
        'discharged',
      );
    },
  },
  {
    name: '`meeting schedule tactical …`',
    allowed: { coordinator: true },
    run: (c) => command(c, 'meeting schedule tactical 1/12 10:00'),
    async effect(c) {
      expect(await c.h.db.selectFrom('meetings').select('kind').execute()).toEqual([{ kind: 'tactical' }]);
    },
  },
  {
    name: '`meeting pack tactical`',
    allowed: { coordinator: true, manager: true },
    run: (c) => command(c, 'meeting pack tactical'),
    async effect(c, text) {
      expect(text).toContain('Tactical');
      expect((await auditSince(c.h, c.since)).some((a) => a.actor === c.label && a.action.startsWith('meeting'))).toBe(true);
    },
  },
];
