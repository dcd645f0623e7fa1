import { importRoster } from '../../db/users/users.service.js';
import { runActionReminders } from '../../jobs/actions-reminders.job.js';
import { FakeConnector, type ConnectorCall } from '../helpers/fake-connector.js';
import type { Harness } from '../helpers/harness.js';
import { executeInvoke, idIn, people, personal, personalChatOf } from '../helpers/teams.js';

/** Teams users of the delivery-plan tests, with the UPNs the member API returns. */
export const users = {
  coordinator: { ...people.coordinator, upn: 'alexw@example.com' },
  holder: { id: '29:holder', aadObjectId: 'aad-holder', name: 'Megan Bowen', upn: 'meganb@example.com' },
  manager: { id: '29:manager', aadObjectId: 'aad-manager', name: 'DI Adele Vance', upn: 'adelev@example.com' },
  partner: { id: '29:partner', aadObjectId: 'aad-partner', name: 'Lee Gu', upn: 'leeg@occ.example.gov.uk' },
};
type TestUser = (typeof users)[keyof typeof users];

/** Lets the fake connector's member API return each test user's UPN (as Teams does). */
export function registerMembers(h: Harness): void {
  for (const u of Object.values(users))
    h.connector.members.set(u.id, { id: u.id, name: u.name, userPrincipalName: u.upn, aadObjectId: u.aadObjectId });
}

/** Imports a roster giving each test user their role (ending local mode's "everyone is a coordinator"). */
export async function withRoster(h: Harness): Promise<void> {
  registerMembers(h);
  await importRoster(
    h.db,
    [
      'upn,name,roles,districts',
      'alexw@example.com,Alex Wilber,coordinator,Leeds',
      'meganb@example.com,Megan Bowen,officer,Leeds',
      'adelev@example.com,DI Adele Vance,manager,Leeds',
      'leeg@occ.example.gov.uk,Lee Gu,partner,Leeds',
    ].join('\n'),
    'test',
  );
}

const chat = (u: TestUser) => personal(u);

/** Presses an Action.Execute button on a card as `from`; returns the card (or message) that replaces it. */
export async function press(
  h: Harness,
  verb: string,
  data: Record<string, unknown>,
  from: TestUser = users.coordinator,
): Promise<{ status: number; value: any; text: string }> {
  const res = await h.send(executeInvoke(verb, data, 'card-activity', from, chat(from)));
  return { status: res.status, value: res.body?.value, text: JSON.stringify(res.body?.value ?? '') };
}

/** Runs the reminder job at the harness clock, then sends the outbox. @returns messages queued */
export async function remind(h: Harness): Promise<number> {
  const n = await runActionReminders({ db: h.db, clock: h.clock.now, kickOutbox: () => undefined }, h.config.actions);
  await h.bot.dispatcher.drain();
  return n;
}

/** Cards posted proactively (not as replies) to a user's personal chat, the one they used or one the bot created. */
export function cardsTo(h: Harness, u: TestUser): ConnectorCall[] {
  const ids = [chat(u).id, personalChatOf(h, u.id)];
  return h.connector.calls.filter(
    (c) => c.method === 'POST' && !/\/activities\/msg-\d+$/.test(c.path) && ids.includes(c.conversationId) && FakeConnector.card(c),
  );
}

/** The `actionId` a posted action card answers. */
export const actionIdOf = (call: ConnectorCall | undefined): string => idIn(call, 'actionId');

/** How many actions and updates are stored. */
export async function counts(h: Harness): Promise<{ actions: number; updates: number; meetings: number }> {
  const n = async (t: 'actions' | 'action_updates' | 'meetings') =>
    Number(
      (
        await h.db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { actions: await n('actions'), updates: await n('action_updates'), meetings: await n('meetings') };
}

/** A deterministic generator of malformed commands: fragments of valid ones, shuffled, cut and garbled. */
export function malformedCorpus(n: number, seed = 42): string[] {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const words = [
    'assign',
    'action',
    'actions',
    'meeting',
    'to',
    'me',
    '@',
    '<at>',
    '</at>',
    '<at>Megan',
    'pillar',
    'due',
    'ref',
    'agency',
    'update',
    'status',
    'discharge',
    'schedule',
    'pack',
    'tactical',
    'strategic',
    '31/2',
    '12/13',
    '00/00',
    'yesterday',
    'banana',
    'x@',
    '@@',
    '1.1',
    'a',
    ';DROP TABLE actions;--',
    '${x}',
    '"quoted',
    '\u202e',
    '🙂',
    '\n',
    '',
    '  ',
    'in_progress',
    'discharged',
    'nonsense',
    '9999999999999999999999',
    'to to to',
    'A'.repeat(30),
  ];
  const starts = ['assign', 'action', 'actions', 'meeting', 'meetings'];
  return Array.from({ length: n }, () =>
    [pick(starts), ...Array.from({ length: Math.floor(rnd() * 8) }, () => pick(words))].join(rnd() < 0.2 ? '' : ' '),
  );
}
