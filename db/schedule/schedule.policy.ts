import { DateTime } from 'luxon';
import { z } from 'zod';
import { LONDON } from '../time/london-time.js';
import { addWorkingDays } from './working-days.js';

/** Scheduled review kinds (docs/domain.md "Review cadence"). */
export const REVIEW_KINDS = [
  'victim_contact',
  'task_review',
  'victim_support_referral',
  'coordinator_review',
  'monthly_review',
  'closure_call',
  'victim_update',
  'marac_referral',
  'partner_support',
  'pso_recorded',
  'inspector_contact',
] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

/** Who owns a kind of review: a person named on the occurrence (OIC, supervisor) or a role of its district. */
export const OWNER_ROLES = ['supervisor', 'oic', 'coordinator', 'manager'] as const;
export type OwnerRole = (typeof OWNER_ROLES)[number];

/**
 * Follow-up tasks (issue 12, item 3): opened by what happens to the occurrence (a high risk grade,
 * a dissatisfied closure), not planned from its dates, so bringing the schedule in line with the
 * feed never cancels them (schedule.service.ts syncSchedule).
 */
export const TASK_KINDS: readonly ReviewKind[] = ['marac_referral', 'partner_support', 'pso_recorded', 'inspector_contact'];
/** The tasks a high risk grade opens (docs/domain.md "Risk grading"; seed 000, output 10). */
export const HIGH_RISK_TASKS: readonly ReviewKind[] = ['marac_referral', 'partner_support', 'pso_recorded'];

/** How long after its starting event a review falls due. */
const offset = z.union([
  z.object({ hours: z.number().positive() }).strict(),
  z.object({ days: z.number().int().positive() }).strict(),
  z.object({ workingDays: z.number().int().positive() }).strict(),
  z.object({ months: z.number().int().positive() }).strict(),
]);
export type Offset = z.infer<typeof offset>;

const rule = z.object({ enabled: z.boolean().default(true), after: offset, owner: z.enum(OWNER_ROLES) });

/**
 * The Victims' Code update rule (docs/domain.md "Review cadence"): `after` applies when the victim
 * gets the enhanced service (1 working day), `afterNotEnhanced` otherwise (default 5 working days).
 * Unknown keys are refused, so a misspelt setting is not silently ignored.
 */
const victimUpdateRule = rule.extend({ afterNotEnhanced: offset.default({ workingDays: 5 }) }).strict();

/** Schema of REVIEW_POLICY_FILE: any kind may be overridden or disabled. */
export const reviewPolicySchema = z
  .object({
    victim_contact: rule.optional(),
    task_review: rule.optional(),
    victim_support_referral: rule.optional(),
    coordinator_review: rule.optional(),
    monthly_review: rule.optional(),
    closure_call: rule.optional(),
    victim_update: victimUpdateRule.optional(),
    marac_referral: rule.optional(),
    partner_support: rule.optional(),
    pso_recorded: rule.optional(),
    inspector_contact: rule.optional(),
  })
  .strict();

export type ReviewRule = z.infer<typeof rule>;
export type ReviewPolicy = Record<ReviewKind, ReviewRule> & { victim_update: z.infer<typeof victimUpdateRule> };

/**
 * Default cadence (docs/domain.md, seeds 001 and 004, Victims' Code): supervisor victim contact 24h
 * after allocation; supervisor task review 24h after the flag; victim-support referral by the OIC
 * within 2 working days; coordinator review at 10 days; supervisor review monthly while open;
 * closure call by the supervisor within 1 working day of filing or closing; a Victims' Code update
 * by the OIC 1 working day after an investigation event (5 when the victim is not enhanced); for a high risk grade, the coordinator's
 * MARAC referral decision in 2 working days, partner support in 5 and, for a repeat suspect, the
 * NPT's Problem Solving Occurrence in 10 (seed 000, output 10); an inspector's contact within 5
 * working days of a dissatisfied closure (seed 001 §2.2).
 */
export const DEFAULT_REVIEW_POLICY: ReviewPolicy = {
  victim_contact: { enabled: true, after: { hours: 24 }, owner: 'supervisor' },
  task_review: { enabled: true, after: { hours: 24 }, owner: 'supervisor' },
  victim_support_referral: { enabled: true, after: { workingDays: 2 }, owner: 'oic' },
  coordinator_review: { enabled: true, after: { days: 10 }, owner: 'coordinator' },
  monthly_review: { enabled: true, after: { months: 1 }, owner: 'supervisor' },
  closure_call: { enabled: true, after: { workingDays: 1 }, owner: 'supervisor' },
  victim_update: { enabled: true, after: { workingDays: 1 }, afterNotEnhanced: { workingDays: 5 }, owner: 'oic' },
  marac_referral: { enabled: true, after: { workingDays: 2 }, owner: 'coordinator' },
  partner_support: { enabled: true, after: { workingDays: 5 }, owner: 'coordinator' },
  pso_recorded: { enabled: true, after: { workingDays: 10 }, owner: 'coordinator' },
  inspector_contact: { enabled: true, after: { workingDays: 5 }, owner: 'manager' },
};

/** Titles users see. */
export const REVIEW_TITLES: Record<ReviewKind, string> = {
  victim_contact: 'Supervisor contact with the victim (24h after allocation)',
  task_review: 'Supervisor task review: NCRS, VCC, victim-support referral (24h)',
  victim_support_referral: 'Referral to victim support made or declined (2 working days)',
  coordinator_review: 'Coordinator (SPOC) review (10 days)',
  monthly_review: 'Monthly supervisor review of actions and VCC',
  closure_call: 'Closure call to the victim (inspector contact if dissatisfied)',
  victim_update: "Victims' Code update to the victim after an investigation event",
  marac_referral: 'High risk: MARAC referral considered (made, or not needed and why)',
  partner_support: 'High risk: partner support arranged',
  pso_recorded: 'High risk, repeat suspect: Problem Solving Occurrence recorded by the NPT',
  inspector_contact: 'Inspector contact with the victim, dissatisfied at closure',
};

/** Titles users see for an NCHI: a complainant, a subject and no crime (docs/domain.md "Occurrences"). */
export const NCHI_REVIEW_TITLES: Record<ReviewKind, string> = {
  victim_contact: 'Supervisor contact with the complainant (24h after allocation)',
  task_review: 'Supervisor task review: NCHI threshold, complainant support referral (24h)',
  victim_support_referral: 'Referral to a support service made or declined (2 working days)',
  coordinator_review: 'Coordinator (SPOC) review (10 days)',
  monthly_review: 'Monthly supervisor review of actions and complainant support',
  closure_call: 'Closure call to the complainant (inspector contact if dissatisfied)',
  victim_update: 'Update to the complainant after an investigation event',
  marac_referral: 'High risk: MARAC referral considered (made, or not needed and why)',
  partner_support: 'High risk: partner support arranged for the complainant',
  pso_recorded: 'High risk, repeat subject: Problem Solving Occurrence recorded by the NPT',
  inspector_contact: 'Inspector contact with the complainant, dissatisfied at closure',
};

/** Applies an offset in Europe/London: hours are elapsed time; days and months keep the local time. */
export function applyOffset(from: Date, o: Offset, times = 1): Date {
  // Elapsed hours need no time zone.
  if ('hours' in o) return new Date(from.getTime() + o.hours * times * 3_600_000);
  if ('workingDays' in o) return addWorkingDays(from, o.workingDays * times);
  const d = DateTime.fromJSDate(from, { zone: LONDON });
  if ('days' in o) return d.plus({ days: o.days * times }).toJSDate();
  return d.plus({ months: o.months * times }).toJSDate();
}

/** The facts a schedule is computed from. */
export interface ScheduleInput {
  recordedAs: 'crime' | 'nchi';
  status: 'open' | 'filed' | 'closed';
  flaggedAt: Date;
  allocatedAt: Date | null;
  /** When the bot saw the occurrence become filed or closed (null while open). */
  closedAt: Date | null;
  /** The victim's satisfaction at closure as the feed gave it (null: not recorded). */
  victimSatisfied: boolean | null;
  /** Investigation events (none: absent), each with its own backfill cutoff (when the bot first saw it). */
  events?: readonly { seq: number; type: string; at: Date; from?: PlanFrom }[];
  /** Whether the victims get the enhanced service (default true: hate crime victims do). */
  enhanced?: boolean;
}

/** One review the occurrence should have. */
export interface PlannedReview {
  kind: ReviewKind;
  seq: number;
  ownerRole: OwnerRole;
  dueAt: Date;
  /** The investigation event a victim_update is about. */
  event?: { type: string; at: Date };
}

/** The earliest deadline worth planning: reviews due before it (or at it, unless `inclusive`) are left out. */
export interface PlanFrom {
  after: Date;
  inclusive: boolean;
}

/** The first monthly review (n) that can be due at or after `from`: each is at most 31 days (and an hour) after the one before. */
function firstMonthWorthPlanning(flaggedAt: Date, o: Offset, from: PlanFrom | undefined): number {
  if (!from || !('months' in o)) return 1;
  const maxStep = o.months * 31 * 86_400_000 + 3_600_000;
  return Math.max(1, Math.floor((from.after.getTime() - flaggedAt.getTime()) / maxStep));
}

/**
 * The reviews an occurrence should have now, from the policy. Monthly reviews are planned up
 * to `horizon` (the next one after now) while the occurrence is open; the victim-support
 * referral applies to crimes only (Victims' Code); the closure call once filed or closed, and the
 * inspector's contact when the feed says the victim was not satisfied at closure; a Victims' Code
 * update for each investigation event of a crime (none for an NCHI: no crime, no Victims' Code),
 * sequenced as its event, open or closed (a decision to take no further action comes with closure).
 * With `from`, reviews due before it are not planned at all (history loaded from the feed:
 * a year-old occurrence's past monthly reviews are skipped, not computed and discarded).
 */
export function planReviews(o: ScheduleInput, policy: ReviewPolicy, horizon: Date, from?: PlanFrom): PlannedReview[] {
  const out: PlannedReview[] = [];
  const wanted = (due: Date, cut = from) => !cut || due > cut.after || (cut.inclusive && due.getTime() === cut.after.getTime());
  const push = (kind: ReviewKind, seq: number, dueAt: Date) => {
    if (wanted(dueAt)) out.push({ kind, seq, ownerRole: policy[kind].owner, dueAt });
  };
  const add = (kind: ReviewKind, seq: number, at: Date) => {
    const r = policy[kind];
    if (r.enabled) push(kind, seq, applyOffset(at, r.after));
  };
  if (o.allocatedAt) add('victim_contact', 0, o.allocatedAt);
  add('task_review', 0, o.flaggedAt);
  if (o.recordedAs === 'crime') add('victim_support_referral', 0, o.flaggedAt);
  add('coordinator_review', 0, o.flaggedAt);
  const monthly = policy.monthly_review;
  if (o.status === 'open' && monthly.enabled) {
    for (let n = firstMonthWorthPlanning(o.flaggedAt, monthly.after, from); n <= 600; n++) {
      const due = applyOffset(o.flaggedAt, monthly.after, n);
      push('monthly_review', n, due);
      if (due > horizon) break;
    }
  }
  if (o.status !== 'open' && o.closedAt) add('closure_call', 0, o.closedAt);
  // Seed 001 §2.2: dissatisfaction after the investigation needs an inspector's contact.
  if (o.status !== 'open' && o.closedAt && o.victimSatisfied === false) add('inspector_contact', 0, o.closedAt);
  const update = policy.victim_update;
  if (o.recordedAs === 'crime' && update.enabled) {
    for (const e of o.events ?? []) {
      const dueAt = applyOffset(e.at, o.enhanced === false ? update.afterNotEnhanced : update.after);
      if (wanted(dueAt, e.from ?? from))
        out.push({ kind: 'victim_update', seq: e.seq, ownerRole: update.owner, dueAt, event: { type: e.type, at: e.at } });
    }
  }
  return out;
}
