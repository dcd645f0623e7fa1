import { TeamsInfo, type TurnContext } from 'botbuilder';
import { renderActionCard } from '../../../cards/action.card.js';
import { renderActionsListCard } from '../../../cards/actions-list.card.js';
import { renderActionHistoryCard } from '../../../cards/action-history.card.js';
import { renderAssignForm } from '../../../cards/assign-form.card.js';
import { PILLAR_LABELS, STATUS_LABELS } from '../../../cards/actions.verbs.js';
import {
  assignableUsers,
  assignAction,
  changeAction,
  LIST_PAGE_SIZE,
  listActions,
  ownerLabel,
  reassignAction,
  showAction,
  type ActionFilter,
  type PersonSpec,
} from '../../../db/actions/actions.service.js';
import { canAssignActions } from '../../../db/access/access.service.js';
import type { BotDeps } from '../context.js';
import { refused } from '../refusals.js';
import type { ActionCommand, PersonToken } from './actions.commands.js';
import { USAGE } from './actions.commands.js';
import { actorOf, answering, canEdit, conversationOf, sendCard } from './actions.shared.js';

/** A Teams @mention in the message resolves to the mentioned user; else the name is looked up. */
async function personSpec(ctx: TurnContext, token: PersonToken): Promise<PersonSpec> {
  if (token.kind !== 'mention') return token;
  const entity = (ctx.activity.entities ?? []).find(
    (e) =>
      e.type === 'mention' &&
      e.mentioned?.id !== ctx.activity.recipient?.id &&
      (e.text === `<at>${token.name}</at>` || e.mentioned?.name === token.name),
  );
  const mentioned = entity?.mentioned as { id?: string; name?: string; aadObjectId?: string } | undefined;
  if (!mentioned?.id) return { kind: 'name', name: token.name };
  let upn: string | null = null;
  try {
    const member = await TeamsInfo.getMember(ctx, mentioned.id);
    upn = member.userPrincipalName ?? member.email ?? null;
  } catch {
    // The member API is unavailable (Playground, group chats without the roster): Teams id and name suffice.
  }
  return { kind: 'mention', teamsId: mentioned.id, name: mentioned.name ?? token.name, aadObjectId: mentioned.aadObjectId ?? null, upn };
}

/** The title of the `actions` list card for a filter. */
export const FILTER_TITLES = (f: ActionFilter): string =>
  f.kind === 'mine'
    ? 'Your actions'
    : f.kind === 'overdue'
      ? 'Overdue actions'
      : f.kind === 'pillar'
        ? `Actions · ${PILLAR_LABELS[f.pillar] ?? f.pillar}`
        : f.kind === 'owner'
          ? `Actions held by "${f.owner}"`
          : 'Delivery plan: current actions (not discharged)';

/** `assign` alone: the form (coordinators). */
export async function sendAssignForm(deps: BotDeps, ctx: TurnContext): Promise<void> {
  const actor = actorOf(ctx);
  const no = await refused(deps, ctx, canAssignActions(actor), { what: 'assign form' });
  if (no) {
    await ctx.sendActivity(no);
    return;
  }
  await sendCard(ctx, renderAssignForm({ people: await assignableUsers(deps.db, actor.userId), actorUserId: actor.userId }));
}

async function assign(deps: BotDeps, ctx: TurnContext, cmd: Extract<ActionCommand, { name: 'assign' }>): Promise<void> {
  const actor = actorOf(ctx);
  const now = deps.clock();
  const person = await personSpec(ctx, cmd.person);
  const done = await assignAction(deps.db, {
    text: cmd.text,
    person,
    agency: cmd.agency,
    pillar: cmd.pillar,
    due: cmd.due,
    ref: cmd.ref,
    objective: null,
    actor,
    now,
  });
  deps.kickOutbox();
  const a = done.action;
  const who = a.holderUserId === actor.userId ? 'you' : (a.holderName ?? a.ownerUpn ?? a.ownerAgency ?? 'the holder');
  const notes = [
    done.holderNotified ? `${who} will get it in their personal chat with the bot.` : '',
    !a.holderInTeams
      ? `${who} is not known in Teams yet, so reminders for this action come to the coordinator until they message the bot.`
      : '',
    a.pillar === 'unassigned' ? `No pillar was given: set one with \`action ${a.ref} pillar PILLAR\`.` : '',
  ].filter(Boolean);
  await sendCard(
    ctx,
    renderActionCard({
      detail: done,
      mode: 'view',
      now,
      editable: true,
      banner: { kind: 'success', text: `Assigned ${a.ref} to ${who}.` },
    }),
    [`Action **${a.ref}** assigned to ${who}.`, ...notes].join(' '),
  );
}

async function change(deps: BotDeps, ctx: TurnContext, cmd: Extract<ActionCommand, { name: 'change' }>): Promise<void> {
  const actor = actorOf(ctx);
  const now = deps.clock();
  const res = await changeAction(deps.db, { ref: cmd.ref, change: cmd.change, actor, now });
  const a = res.action;
  const c = cmd.change;
  const what = !res.changed
    ? `Nothing changed: ${a.ref} is already ${c.kind === 'pillar' ? PILLAR_LABELS[a.pillar] : STATUS_LABELS[a.status]}.`
    : c.kind === 'update'
      ? `Update recorded on ${a.ref}.`
      : c.kind === 'discharge'
        ? `${a.ref} is discharged.`
        : c.kind === 'status'
          ? `${a.ref} is now ${STATUS_LABELS[a.status]}.`
          : `${a.ref} is now under ${PILLAR_LABELS[a.pillar]}.`;
  await sendCard(ctx, renderActionCard({ detail: res, mode: 'view', now, editable: canEdit(actor, a) }), what);
}

async function show(deps: BotDeps, ctx: TurnContext, ref: string): Promise<void> {
  const actor = actorOf(ctx);
  const d = await showAction(deps.db, { ref, actor, conversationId: conversationOf(ctx) });
  await sendCard(ctx, renderActionCard({ detail: d, mode: 'view', now: deps.clock(), editable: canEdit(actor, d.action) }));
}

/** One page of `actions …` as a card (also the paging buttons' answer). @throws ForbiddenError */
export async function listCard(deps: BotDeps, ctx: TurnContext, filter: ActionFilter, page: number) {
  const now = deps.clock();
  const res = await listActions(deps.db, { filter, actor: actorOf(ctx), now, conversationId: conversationOf(ctx), page });
  return renderActionsListCard({
    title: FILTER_TITLES(filter),
    items: res.actions,
    total: res.total,
    page: res.page,
    pages: res.pages,
    pageSize: LIST_PAGE_SIZE,
    filter,
    now,
  });
}

async function list(deps: BotDeps, ctx: TurnContext, filter: ActionFilter): Promise<void> {
  await sendCard(ctx, await listCard(deps, ctx, filter, 0));
}

/** An action's full history as a card, one page (also the History and paging buttons' answer). @throws NotFoundError, ForbiddenError */
export async function historyCard(deps: BotDeps, ctx: TurnContext, which: { ref?: string; id?: string }, page: number) {
  const d = await showAction(deps.db, { ...which, actor: actorOf(ctx), conversationId: conversationOf(ctx) });
  return renderActionHistoryCard({ action: d.action, updates: d.updates, page });
}

async function reassign(deps: BotDeps, ctx: TurnContext, cmd: Extract<ActionCommand, { name: 'reassign' }>): Promise<void> {
  const actor = actorOf(ctx);
  const now = deps.clock();
  const res = await reassignAction(deps.db, {
    ref: cmd.ref,
    person: cmd.person ? await personSpec(ctx, cmd.person) : null,
    agency: cmd.agency,
    contact: cmd.contact ? await personSpec(ctx, cmd.contact) : null,
    actor,
    now,
  });
  deps.kickOutbox();
  const a = res.action;
  const told = [
    res.toldNew.length ? `Sent to ${res.toldNew.join(', ')}.` : '',
    res.toldOld.length ? `${res.toldOld.join(', ')} told it is no longer theirs.` : '',
    res.changed && a.contacts.length === 0 ? 'Nobody can be asked for its updates yet, so its reminders will come to the coordinator.' : '',
  ].filter(Boolean);
  const what = res.changed
    ? `${a.ref} is now held by ${ownerLabel(a)}. ${told.join(' ')}`
    : `Nothing changed: ${a.ref} is already held by ${ownerLabel(a)}.`;
  await sendCard(ctx, renderActionCard({ detail: res, mode: 'view', now, editable: canEdit(actor, a) }), what.trim());
}

/** Runs a parsed `assign`, `action` or `actions` command, answering problems in the conversation. */
export async function runActionCommand(deps: BotDeps, ctx: TurnContext, cmd: ActionCommand): Promise<void> {
  switch (cmd.name) {
    case 'assignForm':
      return sendAssignForm(deps, ctx);
    case 'assign':
      return answering(deps, ctx, 'assign', USAGE.assign, () => assign(deps, ctx, cmd));
    case 'change':
      return answering(
        deps,
        ctx,
        `action ${cmd.change.kind}`,
        cmd.change.kind === 'update' || cmd.change.kind === 'status' ? undefined : USAGE.action,
        () => change(deps, ctx, cmd),
      );
    case 'show':
      return answering(deps, ctx, 'action show', undefined, () => show(deps, ctx, cmd.ref));
    case 'history':
      return answering(deps, ctx, 'action history', undefined, async () =>
        sendCard(ctx, await historyCard(deps, ctx, { ref: cmd.ref }, 0)),
      );
    case 'reassign':
      return answering(deps, ctx, 'action holder', USAGE.action, () => reassign(deps, ctx, cmd));
    case 'list':
      // The access rule refuses the whole plan; the reply points to the command for one's own.
      return answering(deps, ctx, { what: `actions ${cmd.filter.kind}`, hint: '`actions mine` lists yours' }, undefined, () =>
        list(deps, ctx, cmd.filter),
      );
    default:
      return;
  }
}
