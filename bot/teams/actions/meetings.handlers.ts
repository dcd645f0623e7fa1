import type { TurnContext } from 'botbuilder';
import { plural, ukDateTime } from '../../../cards/format.js';
import { renderMeetingPackCard } from '../../../cards/meeting-pack.card.js';
import { MEETING_TITLES } from '../../../db/meetings/meetings.service.js';
import { scheduleMeeting, upcomingMeetings } from '../../../db/meetings/meetings.service.js';
import type { ReminderCounts } from '../../../db/actions/reminders.service.js';
import { meetingPack } from '../../../db/meetings/pack.service.js';
import { canSeeMeetings } from '../../../db/access/access.service.js';
import type { BotDeps } from '../context.js';
import { refused } from '../refusals.js';
import { USAGE, type ActionCommand } from './actions.commands.js';
import { actorOf, answering, conversationOf, sendCard } from './actions.shared.js';

async function schedule(deps: BotDeps, ctx: TurnContext, cmd: Extract<ActionCommand, { name: 'schedule' }>): Promise<void> {
  const now = deps.clock();
  const res = await scheduleMeeting(deps.db, {
    kind: cmd.kind,
    startsAt: cmd.startsAt,
    recurrence: cmd.recurrence,
    conversationId: conversationOf(ctx),
    actor: actorOf(ctx),
    now,
    reminders: deps.config.actions,
  });
  if (res.reminders.messages > 0) deps.kickOutbox();
  const m = res.meeting;
  const repeat = m.recurrence === 'once' ? 'once' : `${m.recurrence} from then on`;
  const lines = [
    `${MEETING_TITLES[m.kind]} scheduled for **${ukDateTime(m.startsAt)}** (${repeat})${cmd.timeGiven ? '' : '; no time was given, so 10:00'}.`,
    res.replaced ? `It replaces ${res.replaced} meeting${res.replaced === 1 ? '' : 's'} of that kind not yet held.` : '',
    m.kind === 'tactical'
      ? `Holders of open actions are asked for an update ${deps.config.actions.updateDaysBefore} days before, and reminded ${deps.config.actions.nudgeDaysBefore} days before if they have not updated.${sentNow(res.reminders)}`
      : '',
    '`meeting pack` posts the headline figures and a link to the full pack (the agenda filled in with the plan) as a Word document.',
  ];
  await ctx.sendActivity(lines.filter(Boolean).join('\n\n'));
}

async function pack(deps: BotDeps, ctx: TurnContext, kind: 'tactical' | 'strategic'): Promise<void> {
  const data = await meetingPack(deps.db, {
    kind,
    actor: actorOf(ctx),
    conversationId: conversationOf(ctx),
    baseUrl: deps.config.publicBaseUrl,
    now: deps.clock(),
  });
  await sendCard(ctx, renderMeetingPackCard(data));
}

async function list(deps: BotDeps, ctx: TurnContext): Promise<void> {
  const no = await refused(deps, ctx, canSeeMeetings(actorOf(ctx)), { what: 'meetings' });
  if (no) {
    await ctx.sendActivity(no);
    return;
  }
  const meetings = await upcomingMeetings(deps.db, deps.clock());
  if (meetings.length === 0) {
    await ctx.sendActivity(`No meetings are scheduled. A coordinator can use ${USAGE.meeting}.`);
    return;
  }
  await ctx.sendActivity(
    [
      'Next meetings:',
      ...meetings.map(
        (m) => `- ${MEETING_TITLES[m.kind]}: ${ukDateTime(m.startsAt)}${m.recurrence === 'once' ? '' : ` (${m.recurrence})`}`,
      ),
    ].join('\n'),
  );
}

/** Runs a parsed `meeting` or `meetings` command, answering problems in the conversation. */
export async function runMeetingCommand(deps: BotDeps, ctx: TurnContext, cmd: ActionCommand): Promise<void> {
  switch (cmd.name) {
    case 'schedule':
      return answering(deps, ctx, 'meeting schedule', USAGE.meeting, () => schedule(deps, ctx, cmd));
    case 'pack':
      return answering(deps, ctx, 'meeting pack', undefined, () => pack(deps, ctx, cmd.kind));
    case 'meetings':
      return answering(deps, ctx, 'meetings', undefined, () => list(deps, ctx));
    default:
      return;
  }
}

/** " Update requests went out now to 1 person (6 actions); 8 actions have nobody to ask in Teams (the coordinator's card lists them)." */
function sentNow(r: ReminderCounts): string {
  if (r.people === 0 && r.unreachable === 0) return '';
  const asked = r.people
    ? `went out now to ${plural(r.people, 'person', 'people')} (${plural(r.actions, 'action')})`
    : 'could go to nobody in Teams';
  const none = r.unreachable
    ? `; ${plural(r.unreachable, 'action')} ${r.unreachable === 1 ? 'has' : 'have'} nobody to ask in Teams (the coordinator's card lists ${r.unreachable === 1 ? 'it' : 'them'})`
    : '';
  return ` Update requests ${asked}${none}.`;
}
