import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { districtName } from './inputs.js';
import { listSubscriptions, recordCardPost, subscribe, unsubscribe } from '../../db/conversations/conversations.service.js';
import { findByReference } from '../../db/occurrences/occurrences.service.js';
import { FEATURES } from './features.js';
import { channelConversationId } from './identity.js';
import {
  canSeeOccurrence,
  canSeeOccurrences,
  canUnsubscribe,
  FORCE_WIDE,
  knownDistrict,
  occurrenceFacts,
  subscriptionFor,
} from '../../db/access/access.service.js';
import { problemOf } from './replies.js';
import { getActor, type BotDeps } from './context.js';
import { refuse, refused } from './refusals.js';
import { sendMyReviews } from './prompt.handlers.js';
import { auditCardDisclosure } from './review-card.handlers.js';
import { renderCurrentCard } from '../views/review-view.js';
import { reviewCardForSender } from './review-open.handlers.js';

/** A parsed chat command. */
export type Command =
  | { name: 'help' }
  | { name: 'subscribe'; district: string | null }
  | { name: 'unsubscribe' }
  | { name: 'review'; reference: string }
  | { name: 'myReviews' }
  | { name: 'unknown'; text: string }
  | { name: 'invalid'; problem: string; usage: string };

const USAGE = {
  subscribe: '`subscribe` (your districts) or `subscribe DISTRICT`, e.g. `subscribe Leeds`',
  review: '`review REFERENCE`, e.g. `review 13/204518/26`',
};

const district = districtName();
const reference = z.string().trim().min(1).max(64, 'a reference is at most 64 characters').regex(/^\S+$/, 'a reference has no spaces');

/** Parses command text (mentions already removed). Case-insensitive command words. */
export function parseCommand(text: string): Command {
  const t = text.replace(/\s+/g, ' ').trim();
  const [word = '', ...rest] = t.split(' ');
  const arg = rest.join(' ').trim();
  switch (word.toLowerCase()) {
    case '':
    case 'help':
    case '?':
      return { name: 'help' };
    case 'subscribe': {
      if (!arg) return { name: 'subscribe', district: null };
      const d = district.safeParse(arg);
      return d.success
        ? { name: 'subscribe', district: d.data }
        : { name: 'invalid', problem: d.error.issues[0]!.message, usage: USAGE.subscribe };
    }
    case 'unsubscribe':
      return { name: 'unsubscribe' };
    case 'my':
      return arg.toLowerCase() === 'reviews' ? { name: 'myReviews' } : { name: 'unknown', text: t.slice(0, 60) };
    case 'review': {
      if (!arg) return { name: 'invalid', problem: 'which occurrence? Give its reference.', usage: USAGE.review };
      const r = reference.safeParse(arg);
      return r.success
        ? { name: 'review', reference: r.data }
        : { name: 'invalid', problem: r.error.issues[0]!.message, usage: USAGE.review };
    }
    default:
      return { name: 'unknown', text: t.slice(0, 60) };
  }
}

/** The help text (also the answer to anything the bot does not understand). */
export const HELP_TEXT = (): string =>
  [
    '**Hate Crime Coordinator** – review cards for flagged hate occurrences.',
    '',
    '- `subscribe` – make this conversation a review channel for your districts; `subscribe DISTRICT` for one district (coordinators, admins)',
    '- `unsubscribe` – stop review cards here (coordinators of the districts it receives, admins)',
    '- `review REFERENCE` – post the current review card of an occurrence, e.g. `review 13/204518/26`',
    '- `my reviews` – your reviews due in the next 24 hours and overdue, answerable on the cards',
    ...FEATURES.flatMap((f) => f.commands.flatMap((c) => c.help)),
    '- `help` – this list',
  ].join('\n');

/** Runs one chat command and replies in the conversation. */
export async function runCommand(deps: BotDeps, ctx: TurnContext, text: string): Promise<void> {
  const word = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const feature = FEATURES.flatMap((f) => f.commands).find((c) => c.words.includes(word));
  if (feature) {
    await feature.run(deps, ctx, text.trim());
    return;
  }
  const cmd = parseCommand(text);
  const actor = getActor(ctx);
  const conversationId = channelConversationId(ctx.activity.conversation.id);
  switch (cmd.name) {
    case 'help':
      await ctx.sendActivity(HELP_TEXT());
      return;
    case 'unknown':
      await ctx.sendActivity(`I don't know "${cmd.text}".\n\n${HELP_TEXT()}`);
      return;
    case 'invalid':
      await ctx.sendActivity(`That command is not quite right: ${cmd.problem}\n\nUse ${cmd.usage}.`);
      return;
    case 'subscribe': {
      let district = cmd.district;
      if (district !== null) {
        try {
          district = await knownDistrict(deps.db, district);
        } catch (e) {
          const p = await problemOf(deps, ctx, e, { what: 'subscribe', entityType: 'conversation', entityId: conversationId });
          await ctx.sendActivity(p.kind === 'invalid' ? p.message : p.text);
          return;
        }
      }
      const plan = subscriptionFor(actor, district);
      if (!plan.ok) {
        await ctx.sendActivity(
          await refuse(deps, ctx, { what: 'subscribe', why: plan.why, entityType: 'conversation', entityId: conversationId }),
        );
        return;
      }
      let now: string[] = [];
      for (const d of plan.districts)
        now = await subscribe(deps.db, conversationId, d === FORCE_WIDE ? null : d, {
          id: actor.user.id,
          label: actor.label,
          roles: actor.roles,
          districts: actor.districts,
        });
      const what = now.includes(FORCE_WIDE) ? 'every district' : now.join(', ');
      await ctx.sendActivity(
        `This conversation is now a review channel for ${what}. Review cards for newly flagged occurrences will be posted here.`,
      );
      return;
    }
    case 'unsubscribe': {
      const had = await listSubscriptions(deps.db, conversationId);
      const no = await refused(deps, ctx, canUnsubscribe(actor, had), {
        what: 'unsubscribe',
        entityType: 'conversation',
        entityId: conversationId,
      });
      if (no) {
        await ctx.sendActivity(no);
        return;
      }
      await unsubscribe(deps.db, conversationId, { label: actor.label });
      await ctx.sendActivity(had.length ? 'Review cards will no longer be posted here.' : 'This conversation was not a review channel.');
      return;
    }
    case 'myReviews':
      await sendMyReviews(deps, ctx);
      return;
    case 'review': {
      // Partners and admins are refused before the lookup: not even whether the reference exists.
      const none = await refused(deps, ctx, canSeeOccurrences(actor), { what: 'review command' });
      if (none) {
        await ctx.sendActivity(none);
        return;
      }
      const found = await findByReference(deps.db, cmd.reference);
      if (found.length === 0) {
        await ctx.sendActivity(`No occurrence with reference ${cmd.reference} is held by the bot.`);
        return;
      }
      for (const occ of found) {
        const facts = await occurrenceFacts(deps.db, occ.id);
        if (!facts) continue;
        // Need to know: each occurrence under the reference is shown only to those who may see it.
        const no = await refused(deps, ctx, canSeeOccurrence(actor, facts), {
          what: 'review command',
          entityType: 'occurrence',
          entityId: occ.id,
        });
        if (no) {
          await ctx.sendActivity(no);
          continue;
        }
        // In a personal chat the card is the sender's alone: the form if they may submit. Elsewhere
        // everyone in the conversation sees it: read-only, with the Review button.
        const personalChat = ctx.activity.conversation.conversationType === 'personal';
        const card = personalChat
          ? await reviewCardForSender(deps, ctx, occ.id, 'review command')
          : await renderCurrentCard(deps.db, occ.id, deps.config, deps.clock());
        if (!card) continue;
        const sent = await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
        if (sent?.id) await recordCardPost(deps.db, occ.id, conversationId, sent.id);
        if (!personalChat) await auditCardDisclosure(deps, actor.label, occ.id, conversationId, 'review command');
      }
      return;
    }
  }
}
