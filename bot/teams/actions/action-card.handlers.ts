import type { TurnContext } from 'botbuilder';
import { renderActionCard } from '../../../cards/action.card.js';
import {
  actionStatusSubmitSchema,
  actionUpdateSubmitSchema,
  assignSubmitSchema,
  type AssignSubmitData,
} from '../../../cards/actions.verbs.js';
import { renderAssignForm } from '../../../cards/assign-form.card.js';
import type { AdaptiveCard } from '../../../cards/card.js';
import {
  assignableUsers,
  assignAction,
  changeAction,
  isUpn,
  normaliseRef,
  parsePillar,
  parseUkDate,
  showAction,
  type ActionChange,
  type PersonSpec,
} from '../../../db/actions/actions.service.js';
import type { BotDeps } from '../context.js';
import { answeringLostConnection, CONNECTION_LOST_REASON, lostSave, SAVE_UNCONFIRMED } from '../lost-connection.js';
import { actorOf, canEdit, conversationOf } from './actions.shared.js';
import { canAssignActions } from '../../../db/access/access.service.js';
import { refused } from '../refusals.js';
import { isRefusedOrGone, problemOf } from '../replies.js';

const ID = /^[0-9a-f-]{36}$/i;

/**
 * Update or Status pressed on an action card: validates the card data, records the change
 * through the actions service and returns the refreshed card (invalid input shown on the card;
 * an access refusal is a plain message, audited).
 */
type ToChange = (raw: Record<string, unknown>) => { ok: true; change: ActionChange } | { ok: false; problem: string };

/** A lost database connection fails only this change (see lost-connection.ts). */
function changeFromCard(deps: BotDeps, ctx: TurnContext, raw: Record<string, unknown>, toChange: ToChange): Promise<AdaptiveCard | string> {
  return answeringLostConnection(deps.logger, 'action card', () => changeOnCard(deps, ctx, raw, toChange));
}

async function changeOnCard(
  deps: BotDeps,
  ctx: TurnContext,
  raw: Record<string, unknown>,
  toChange: ToChange,
): Promise<AdaptiveCard | string> {
  const id = typeof raw.actionId === 'string' && ID.test(raw.actionId) ? raw.actionId : null;
  if (!id) return 'This card does not name an action the bot holds. Type `actions mine` for yours.';
  const actor = actorOf(ctx);
  const now = deps.clock();
  const refused = async (text: string) => {
    // The card comes back with the problem on it; a card the sender may not see (or that is gone) becomes the plain problem.
    const d = await showAction(deps.db, { id, actor, conversationId: conversationOf(ctx) }).catch((e: unknown) => {
      if (isRefusedOrGone(e)) return null;
      throw e;
    });
    return d
      ? renderActionCard({
          detail: d,
          mode: 'view',
          now,
          editable: canEdit(actor, d.action),
          banner: { kind: 'error', text: `Not saved: ${text}` },
        })
      : `Not saved: ${text}`;
  };
  const parsed = toChange(raw);
  if (!parsed.ok) return refused(parsed.problem);
  try {
    const res = await changeAction(deps.db, { id, change: parsed.change, actor, now });
    const text =
      parsed.change.kind === 'update'
        ? 'Update saved. Thank you.'
        : res.changed
          ? 'Status saved.'
          : 'The status was already that; nothing changed.';
    return renderActionCard({ detail: res, mode: 'view', now, editable: canEdit(actor, res.action), banner: { kind: 'success', text } });
  } catch (e) {
    const lost = lostSave(e);
    if (!lost) {
      const p = await problemOf(deps, ctx, e, { what: `action.${parsed.change.kind}`, entityType: 'action', entityId: id });
      // An access refusal is a plain, audited message: the card is not shown again.
      return p.kind === 'refused' ? p.text : refused(p.text);
    }
    deps.logger.warn({ err: e, actionId: id, lost }, 'action card: database connection lost while saving');
    if (lost === 'not-saved') return refused(CONNECTION_LOST_REASON);
    // Dropped during COMMIT: show what is saved now rather than guess.
    const d = await showAction(deps.db, { id, actor, conversationId: conversationOf(ctx) }).catch(() => null);
    if (!d) return SAVE_UNCONFIRMED;
    return renderActionCard({
      detail: d,
      mode: 'view',
      now,
      editable: canEdit(actor, d.action),
      banner: {
        kind: 'warning',
        text: 'The database connection dropped while saving. This is what is saved now: check whether your change is here before trying again.',
      },
    });
  }
}

/** `action.update`: the Update box of an action card. */
export function handleUpdateSubmit(deps: BotDeps, ctx: TurnContext, raw: Record<string, unknown>): Promise<AdaptiveCard | string> {
  return changeFromCard(deps, ctx, raw, (r) => {
    const p = actionUpdateSubmitSchema.safeParse(r);
    return p.success
      ? { ok: true, change: { kind: 'update', text: p.data.updateText } }
      : { ok: false, problem: p.error.issues.map((i) => i.message).join('; ') };
  });
}

/** `action.status`: the Status choice of an action card. */
export function handleStatusSubmit(deps: BotDeps, ctx: TurnContext, raw: Record<string, unknown>): Promise<AdaptiveCard | string> {
  return changeFromCard(deps, ctx, raw, (r) => {
    const p = actionStatusSubmitSchema.safeParse(r);
    return p.success
      ? { ok: true, change: { kind: 'status', status: p.data.newStatus } }
      : { ok: false, problem: p.error.issues.map((i) => i.message).join('; ') };
  });
}

function personOf(d: AssignSubmitData): PersonSpec | null {
  if (d.holder === 'me') return { kind: 'me' };
  if (d.holder) return { kind: 'userId', userId: d.holder.slice(5) };
  if (!d.holderOther) return null;
  const other = d.holderOther.replace(/^@/, '');
  return isUpn(other) ? { kind: 'upn', upn: other } : { kind: 'name', name: other };
}

/** Reads the form's optional fields the same way as the command. @returns the values or the problems */
function formFields(
  d: AssignSubmitData,
  now: Date,
): { ok: true; pillar: ReturnType<typeof parsePillar>; due: string | null; ref: string | null } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const pillar = d.pillar ? parsePillar(d.pillar) : null;
  if (d.pillar && !pillar) problems.push(`"${d.pillar}" is not a pillar`);
  const due = d.due ? parseUkDate(d.due, now) : null;
  if (due && !due.ok) problems.push(`due date: ${due.message}`);
  const ref = d.ref ? normaliseRef(d.ref) : null;
  if (d.ref && !ref) problems.push(`"${d.ref}" is not a ref (e.g. 3.3 h)`);
  return problems.length ? { ok: false, problems } : { ok: true, pillar, due: due?.ok ? due.date : null, ref };
}

/** `action.assign`: the assign form. Returns the new action's card, or the form with the problems and what was entered. */
export function handleAssignSubmit(deps: BotDeps, ctx: TurnContext, raw: Record<string, unknown>): Promise<AdaptiveCard | string> {
  return answeringLostConnection(deps.logger, 'assign form', () => assignFromForm(deps, ctx, raw));
}

async function assignFromForm(deps: BotDeps, ctx: TurnContext, raw: Record<string, unknown>): Promise<AdaptiveCard | string> {
  const actor = actorOf(ctx);
  const now = deps.clock();
  // Asked first: the form lists people (names, UPNs) only a coordinator may assign to.
  const no = await refused(deps, ctx, canAssignActions(actor), { what: 'action.assign' });
  if (no) return no;
  const values = Object.fromEntries(Object.entries(raw).filter(([k, v]) => typeof v === 'string' && k !== 'verb')) as Record<
    string,
    string
  >;
  const form = async (text: string) =>
    renderAssignForm({
      people: await assignableUsers(deps.db, actor.userId),
      actorUserId: actor.userId,
      values,
      banner: { kind: 'error', text: `Not assigned: ${text}` },
    });
  const p = assignSubmitSchema.safeParse(raw);
  if (!p.success) return form(p.error.issues.map((i) => i.message).join('; '));
  const fields = formFields(p.data, now);
  if (!fields.ok) return form(fields.problems.join('; '));
  try {
    const done = await assignAction(deps.db, {
      text: p.data.text,
      person: personOf(p.data),
      agency: p.data.agency || null,
      pillar: fields.pillar,
      due: fields.due,
      ref: fields.ref,
      objective: p.data.objective || null,
      actor,
      now,
    });
    deps.kickOutbox();
    const who =
      done.action.holderUserId === actor.userId ? 'you' : (done.action.holderName ?? done.action.ownerUpn ?? done.action.ownerAgency);
    return renderActionCard({
      detail: done,
      mode: 'view',
      now,
      editable: true,
      banner: {
        kind: 'success',
        text: `Assigned ${done.action.ref} to ${who}.${done.holderNotified ? ' They have been sent the action in their personal chat.' : ''}`,
      },
    });
  } catch (e) {
    const lost = lostSave(e);
    if (lost === 'not-saved') return form(CONNECTION_LOST_REASON);
    if (lost === 'unknown') return `${SAVE_UNCONFIRMED} Type \`actions mine\` to see whether the action is there.`;
    const p = await problemOf(deps, ctx, e, { what: 'action.assign' });
    return p.kind === 'refused' ? p.text : form(p.text);
  }
}
