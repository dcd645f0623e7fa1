/**
 * Teams-shaped test helpers shared by the test files: participants, conversations and activities,
 * sending a message and reading the reply, ids on posted cards, users the bot knows from Teams.
 * No vitest hooks here (unlike harness.ts), so any helper module may import it.
 */
import { FakeConnector, type ConnectorCall } from './fake-connector.js';
import type { Harness } from './harness.js';

/** A Teams user or bot as it appears in an activity's `from`. */
export interface Participant {
  id: string;
  aadObjectId?: string;
  name: string;
}

/** Teams-shaped participants and conversations for activities. */
export const people = {
  coordinator: { id: '29:coord', aadObjectId: 'aad-coord', name: 'Alex Wilber' },
  officer: { id: '29:officer', aadObjectId: 'aad-officer', name: 'Megan Bowen' },
  bot: { id: '28:bot', name: 'Hate Crime Coordinator' },
};

export const channel = { id: '19:review@thread.tacv2', conversationType: 'channel', tenantId: 'tenant-1', name: 'Hate crime reviews' };
export const personal = (user: { id: string }) => ({ id: `a:personal-${user.id}`, conversationType: 'personal', tenantId: 'tenant-1' });

let seq = 0;
/** The next number of the sequence shared by activity ids and test occurrences. */
export const nextSeq = (): number => ++seq;

/** A message activity with text from a user in a conversation. */
export function message(
  text: string,
  from: Participant = people.coordinator,
  conversation: Record<string, unknown> = channel,
): Record<string, unknown> {
  return { type: 'message', id: `msg-${nextSeq()}`, timestamp: new Date().toISOString(), text, from, recipient: people.bot, conversation };
}

/** An Action.Execute invoke from a card posted as `replyToId`. */
export function executeInvoke(
  verb: string,
  data: Record<string, unknown>,
  replyToId: string,
  from: Participant = people.coordinator,
  conversation: Record<string, unknown> = channel,
): Record<string, unknown> {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `inv-${nextSeq()}`,
    replyToId,
    from,
    recipient: people.bot,
    conversation,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/** Text and card JSON of a call, for assertions. */
export const textOf = (c: ConnectorCall | undefined): string => `${c?.body?.text ?? ''} ${JSON.stringify(FakeConnector.card(c) ?? '')}`;

/** Sends a message as `from` in their personal chat (or `conversation`) and returns what the bot posted in reply. */
export async function say(
  h: Harness,
  text: string,
  from: Participant = people.coordinator,
  conversation: Record<string, unknown> = personal(from),
): Promise<{ status: number; replies: ConnectorCall[]; text: string }> {
  const before = h.connector.calls.length;
  const res = await h.send(message(text, from, conversation));
  const replies = h.connector.calls.slice(before).filter((c) => c.method === 'POST' && /\/activities(\/|$)/.test(c.path));
  return { status: res.status, replies, text: replies.map(textOf).join('\n') };
}

/** The personal chat the bot created for a Teams user (proactive messages). */
export const personalChatOf = (h: Harness, teamsId: string): string | undefined =>
  h.connector.creations.find((c) => c.body.members?.[0]?.id === teamsId)?.id;

/** The id under `key` (e.g. `scheduledReviewId`, `actionId`) in the card of a posted call. */
export function idIn(call: ConnectorCall | undefined, key: string): string {
  const m = new RegExp(`"${key}":"([0-9a-f-]{36})"`).exec(JSON.stringify(FakeConnector.card(call) ?? call?.body ?? null));
  if (!m) throw new Error(`no "${key}" in this call's card`);
  return m[1]!;
}

/** Stores a user as if learnt from Teams (Teams id and UPN known), optionally with roster roles and districts. */
export async function knownUser(
  h: Harness,
  u: { id: string; aadObjectId: string; name: string; upn: string },
  { roles = [], districts = [], onRoster = false }: { roles?: string[]; districts?: string[]; onRoster?: boolean } = {},
): Promise<string> {
  const row = await h.db
    .insertInto('users')
    .values({ teams_id: u.id, aad_object_id: u.aadObjectId, upn: u.upn, name: u.name, roles, districts, on_roster: onRoster })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A complete, valid set of answers to the default HCC checklist (standard risk). */
export const ALL_YES = {
  item_flag_strands: 'yes',
  item_recording_decision: 'yes',
  item_investigation_plan: 'yes',
  item_victim_contact_24h: 'yes',
  item_victims_code: 'yes',
  item_repeats_checked: 'yes',
  item_partner_referrals: 'na',
  item_rms_endorsed: 'yes',
  riskGrade: 'standard',
} as const;
