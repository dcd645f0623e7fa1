/**
 * Fixtures of the need-to-know tests: a roster with one user per role in Leeds (plus a force-wide
 * coordinator and a coordinator with no districts), one occurrence in Leeds and one in Bradford,
 * and a delivery-plan action held by the partner. What a refusal must never show is listed in SECRETS.
 */
import { systemActor } from '../../db/access/access.policy.js';
import { assignAction } from '../../db/actions/actions.service.js';
import { importRoster } from '../../db/users/users.service.js';
import { FakeConnector, type ConnectorCall } from '../helpers/fake-connector.js';
import { occurrence, type Harness } from '../helpers/harness.js';

export const ROLE_NAMES = ['officer', 'supervisor', 'coordinator', 'manager', 'partner', 'admin'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** Teams users; `upn` is what the member API returns (it links them to the roster). */
export const users = {
  officer: { id: '29:officer', aadObjectId: 'aad-officer', name: 'PC Leeds', upn: 'pc.leeds@force.police.uk' },
  supervisor: { id: '29:supervisor', aadObjectId: 'aad-supervisor', name: 'DS Leeds', upn: 'ds.leeds@force.police.uk' },
  coordinator: { id: '29:coordinator', aadObjectId: 'aad-coordinator', name: 'HCC Leeds', upn: 'hcc.leeds@force.police.uk' },
  manager: { id: '29:manager', aadObjectId: 'aad-manager', name: 'Insp Leeds', upn: 'insp.leeds@force.police.uk' },
  partner: { id: '29:partner', aadObjectId: 'aad-partner', name: 'Council Safety', upn: 'cs@council.gov.uk' },
  admin: { id: '29:admin', aadObjectId: 'aad-admin', name: 'Roster Admin', upn: 'admin@force.police.uk' },
  forceWide: { id: '29:hq', aadObjectId: 'aad-hq', name: 'HQ Coordinator', upn: 'hq@force.police.uk' },
  noDistricts: { id: '29:none', aadObjectId: 'aad-none', name: 'No Districts', upn: 'none@force.police.uk' },
};
export type TestUser = (typeof users)[keyof typeof users];

const ROSTER = [
  'upn,name,roles,districts',
  'pc.leeds@force.police.uk,PC Leeds,officer,Leeds',
  'ds.leeds@force.police.uk,DS Leeds,supervisor,Leeds',
  'hcc.leeds@force.police.uk,HCC Leeds,coordinator,Leeds',
  'insp.leeds@force.police.uk,Insp Leeds,manager,Leeds',
  'cs@council.gov.uk,Council Safety,partner,Leeds',
  'admin@force.police.uk,Roster Admin,admin,*',
  'hq@force.police.uk,HQ Coordinator,coordinator,*',
  'none@force.police.uk,No Districts,coordinator;manager,',
].join('\n');

export const LEEDS_REF = '13/700001/26';
export const BRADFORD_REF = '13/700002/26';
const LEEDS_SUMMARY = 'Leeds victim abused outside the mosque on Sample Road';
const BRADFORD_SUMMARY = 'Bradford victim abused at the bus station';

/** Occurrence data (and the partner's action text): none may appear in anything a refusal sends. */
export const SECRETS = [
  LEEDS_REF,
  BRADFORD_REF,
  LEEDS_SUMMARY,
  BRADFORD_SUMMARY,
  'pc.leeds@force.police.uk',
  'ds.leeds@force.police.uk',
  'pc.brad@force.police.uk',
  'ds.brad@force.police.uk',
  'P-VLEEDS',
  'P-VBRAD',
  'L-LEEDS',
  'Deliver the schools hate crime assembly',
];

export interface Seeded {
  leeds: string;
  bradford: string;
  actionId: string;
}

/** Imports the roster, ingests the two occurrences (not yet in the backfill window's channels) and assigns action 1.1 a to the partner. */
export async function seed(h: Harness): Promise<Seeded> {
  for (const u of Object.values(users))
    h.connector.members.set(u.id, { id: u.id, name: u.name, userPrincipalName: u.upn, aadObjectId: u.aadObjectId });
  await importRoster(h.db, ROSTER, 'test');
  // Every test user is known in Teams from the start, so who a prompt can reach never depends on case order.
  for (const u of Object.values(users))
    await h.db.updateTable('users').set({ teams_id: u.id, aad_object_id: u.aadObjectId }).where('upn', '=', u.upn).execute();
  const base = { flaggedAt: '2026-11-18T09:00:00+00:00', allocatedAt: '2026-11-18T10:00:00+00:00' };
  const leeds = occurrence({
    ...base,
    reference: LEEDS_REF,
    district: 'Leeds',
    summary: LEEDS_SUMMARY,
    victims: [{ ref: 'P-VLEEDS', enhanced: true }],
    location: { ref: 'L-LEEDS', type: 'street' },
    oic: { upn: 'pc.leeds@force.police.uk', name: 'PC Leeds' },
    supervisor: { upn: 'ds.leeds@force.police.uk', name: 'DS Leeds' },
  });
  const bradford = occurrence({
    ...base,
    reference: BRADFORD_REF,
    district: 'Bradford',
    summary: BRADFORD_SUMMARY,
    victims: [{ ref: 'P-VBRAD', enhanced: true }],
    oic: { upn: 'pc.brad@force.police.uk', name: 'PC Bradford' },
    supervisor: { upn: 'ds.brad@force.police.uk', name: 'DS Bradford' },
  });
  // Closed last quarter, so a scrutiny pack of Leeds has a case (the role matrix boots with SCRUTINY_MIN_CLOSED=1).
  const closed = occurrence({
    reference: '13/700003/26',
    district: 'Leeds',
    flaggedAt: '2026-08-05T09:00:00+00:00',
    status: 'closed',
    outcome: 'charge_summons',
    victims: [{ ref: 'P-VCLOSED' }],
  });
  const res = await h.ingest({ occurrences: [leeds, bradford, closed] });
  if (res.status !== 201) throw new Error(`ingest failed: ${JSON.stringify(res.body)}`);
  const ids = res.body.results.map((r: { id: string }) => r.id) as string[];
  const now = h.clock.now();
  const action = await assignAction(h.db, {
    text: 'Deliver the schools hate crime assembly',
    person: { kind: 'upn', upn: 'cs@council.gov.uk' },
    agency: null,
    pillar: null,
    due: null,
    ref: '1.1 a',
    objective: null,
    actor: systemActor('Plan import', 'system:test'),
    now,
  });
  return { leeds: ids[0]!, bradford: ids[1]!, actionId: action.action.id };
}

/** Everything a case could change (besides the audit log), to show a refusal wrote nothing. */
export async function footprint(h: Harness): Promise<Record<string, unknown>> {
  const count = async (t: 'reviews' | 'review_subscriptions' | 'actions' | 'action_updates' | 'meetings' | 'summary_exports') =>
    Number(
      (
        await h.db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const open = await h.db.selectFrom('scheduled_reviews').select(['id', 'status', 'snooze_count']).orderBy('id').execute();
  const actions = await h.db.selectFrom('actions').select(['id', 'status', 'pillar', 'owner_upn']).orderBy('id').execute();
  return {
    reviews: await count('reviews'),
    subs: await count('review_subscriptions'),
    actions: await count('actions'),
    updates: await count('action_updates'),
    meetings: await count('meetings'),
    exports: await count('summary_exports'),
    open,
    plan: actions,
  };
}

/** Audit entries since `fromId` (exclusive), oldest first. */
export async function auditSince(
  h: Harness,
  fromId: number,
): Promise<{ actor: string; action: string; entity_id: string; details: any }[]> {
  return h.db
    .selectFrom('audit_log')
    .select(['actor', 'action', 'entity_id', 'details'])
    .where('id', '>', String(fromId))
    .orderBy('id')
    .execute();
}

/** The id of the newest audit entry (0 when none). */
export async function lastAuditId(h: Harness): Promise<number> {
  const r = await h.db.selectFrom('audit_log').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r ? Number(r.id) : 0;
}

/** The audit label of a Teams test user once the bot knows them. */
export async function labelOf(h: Harness, u: TestUser): Promise<string> {
  const r = await h.db.selectFrom('users').select('id').where('upn', '=', u.upn).executeTakeFirstOrThrow();
  return `user:${r.id}`;
}

/** Text of every connector call from `from` on (messages, cards, updates). */
export const sentSince = (h: Harness, from: number): string =>
  h.connector.calls
    .slice(from)
    .map((c: ConnectorCall) => `${c.body?.text ?? ''} ${JSON.stringify(FakeConnector.card(c) ?? c.body ?? '')}`)
    .join('\n');
