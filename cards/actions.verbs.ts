import { z } from 'zod';
import { TEXT_LIMITS, tooLong, type TextLimit } from '../db/text-limits.js';

/** Universal Action verbs of the delivery-plan cards (also the `verb` of their Action.Submit fallbacks). */
export const ACTION_VERBS = {
  update: 'action.update',
  status: 'action.status',
  assign: 'action.assign',
  /** Open (or page) an action's full history. */
  history: 'action.history',
  /** Page the `actions` list. */
  listPage: 'actions.page',
  /** Save an update from a reminder card that lists several actions (refreshed in place). */
  batchUpdate: 'action.batch_update',
  /** Page a reminder card that lists several actions. */
  batchPage: 'action.batch_page',
} as const;

/** An Action.Execute button (with its Action.Submit fallback for older clients) carrying `data`. */
export const executeButton = (title: string, verb: string, data: Record<string, unknown>) => ({
  type: 'Action.Execute',
  title,
  verb,
  data,
  fallback: { type: 'Action.Submit', title, data: { verb, ...data } },
});

/** A card's outcome line: an error (red) or a success (green). */
export const bannerBlock = (b: { kind: 'error' | 'warning' | 'success'; text: string } | undefined): Record<string, unknown>[] =>
  b
    ? [
        {
          type: 'TextBlock',
          text: b.text,
          wrap: true,
          weight: 'Bolder',
          color: b.kind === 'error' ? 'Attention' : b.kind === 'warning' ? 'Warning' : 'Good',
        },
      ]
    : [];

/** Display names of action statuses (seed 004's "Update Key"). */
export const STATUS_LABELS: Record<string, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  bau: 'Business as usual (BAU)',
  completed: 'Completed',
  discharged: 'Discharged',
};
/** Statuses a holder may choose on the card (discharge is the tactical lead's command). */
export const CARD_STATUSES = ['not_started', 'in_progress', 'bau', 'completed'] as const;

/**
 * Overdue on the London day `today` (YYYY-MM-DD): past due while not started or in progress.
 * Mirrors db/actions' OVERDUE_STATUSES rule (cards cannot import db/).
 */
export const isOverdueOn = (a: { dueDate: string | null; status: string }, today: string): boolean =>
  Boolean(a.dueDate && a.dueDate < today && (a.status === 'not_started' || a.status === 'in_progress'));

/** Display names of pillars (seed 001's "6 key actions"). */
export const PILLAR_LABELS: Record<string, string> = {
  prevention: 'Prevention',
  responding: 'Responding in communities',
  increasing_reporting: 'Increasing reporting',
  supporting_victims: 'Supporting victims',
  building_understanding: 'Building understanding',
  investigation_quality: 'Investigation quality',
  unassigned: 'No pillar yet',
};

const actionId = z.string().uuid('the card does not name a valid action');
const text = (limit: TextLimit, what: string) =>
  z
    .union([z.string(), z.undefined(), z.null()])
    .transform((s) => (typeof s === 'string' ? s.trim() : ''))
    .pipe(z.string().max(TEXT_LIMITS[limit], tooLong(what, limit)));

/** Submit data of the Update box on an action card. */
export const actionUpdateSubmitSchema = z.object({
  actionId,
  updateText: text('actionUpdate', 'an update').pipe(z.string().min(2, 'write the update before pressing Save update')),
});

/** Submit data of the Status choice on an action card. */
export const actionStatusSubmitSchema = z.object({
  actionId,
  newStatus: z.enum(CARD_STATUSES, { errorMap: () => ({ message: 'choose not started, in progress, BAU or completed' }) }),
});

/** Submit data of the assign form; `holder` is `me`, `user:<uuid>` or empty (then `holderOther` or `agency`). */
export const assignSubmitSchema = z.object({
  text: text('actionText', 'the action'),
  holder: z
    .union([z.literal(''), z.literal('me'), z.string().regex(/^user:[0-9a-f-]{36}$/i), z.undefined(), z.null()], {
      errorMap: () => ({ message: 'choose the holder from the list' }),
    })
    .transform((v) => v || null),
  holderOther: text('personTyped', 'the person'),
  agency: text('agency', 'an agency name'),
  pillar: text('formWord', 'a pillar'),
  due: text('formWord', 'a due date'),
  ref: text('ref', 'a ref'),
  objective: text('objective', 'an objective'),
});
export type AssignSubmitData = z.infer<typeof assignSubmitSchema>;

const page = z.coerce.number().int('the page is a whole number').min(0).max(1000).catch(0);

/** Submit data of the History button and its paging. */
export const actionHistorySubmitSchema = z.object({ actionId, page });

/** Which list the `actions` card shows (structurally db/actions' ActionFilter). */
export const listFilterSchema = z.union([
  z.object({ kind: z.enum(['all', 'mine', 'overdue']) }),
  z.object({ kind: z.literal('pillar'), pillar: z.string().max(40) }),
  z.object({ kind: z.literal('owner'), owner: z.string().min(1).max(TEXT_LIMITS.personName) }),
]);
export type ListFilter = z.infer<typeof listFilterSchema>;

/** Submit data of the `actions` list's paging buttons. */
export const listPageSubmitSchema = z.object({ filter: listFilterSchema, page });

/** Which reminder a multi-action card is (the same for every person and cycle; see db/actions/reminder-batch.ts). */
export const batchSpecSchema = z.object({
  kind: z.enum(['update_request', 'nudge', 'overdue']),
  /** The tactical meeting (update requests and nudges); null for overdue chases. */
  meetingId: z.string().uuid().nullable(),
  /** The coordinator's copy: the actions nobody could be asked for, and who was asked for the rest. */
  coordinator: z.boolean(),
});
export type BatchSpec = z.infer<typeof batchSpecSchema>;

/** Submit data of a reminder card's paging buttons. */
export const batchPageSubmitSchema = z.object({ batch: batchSpecSchema, page });

/** Submit data of Save update on one action of a reminder card; the text is in the input named `field`. */
export const batchUpdateSubmitSchema = z.object({
  batch: batchSpecSchema,
  page,
  actionId,
  field: z.string().regex(/^u[0-9]{1,3}$/, 'the card is damaged'),
});
