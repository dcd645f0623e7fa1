import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../db/database.js';
import { systemActor } from '../../db/access/access.policy.js';
import { importPlan } from '../../db/actions/plan.service.js';
import { summaryFor, type SummaryActor } from '../../db/summary/summary.service.js';
import { importRoster } from '../../db/users/users.service.js';
import { bootHarness, type Harness } from '../helpers/harness.js';
import { people, say } from '../helpers/teams.js';
import { settings } from '../summary/helpers.js';

/**
 * Issue 10 item 8: plan actions belong to districts through their holder, so a district summary
 * counts that district's actions (plus force-wide ones), not the whole force's.
 */
const hq = { ...people.coordinator, upn: 'hq@force.police.uk' };
const leedsCoordinator = { id: '29:hcc-leeds', aadObjectId: 'aad-hcc-leeds', name: 'HCC Leeds', upn: 'hcc.leeds@force.police.uk' };
const ROSTER = [
  'upn,name,roles,districts',
  'hq@force.police.uk,Alex Wilber,coordinator,*',
  'hcc.leeds@force.police.uk,HCC Leeds,coordinator,Leeds',
  'pc.leeds@force.police.uk,PC Leeds,officer,Leeds',
  'pc.brad@force.police.uk,PC Bradford,officer,Bradford',
  'insp.both@force.police.uk,Insp Both,manager,Leeds;Bradford',
].join('\n');

const HEADER = 'ref,objective,action,pillar,owner,status,due,update';
const plan = (l2Owner: string) =>
  [
    HEADER,
    'F1,,Quarterly analysis of repeat victims,supporting_victims,OCC,in_progress,,',
    `L2,,Leeds schools assembly programme,building_understanding,${l2Owner},not_started,,`,
    'M1,,Audit NFA decisions in both districts,investigation_quality,insp.both@force.police.uk,not_started,,',
  ].join('\n');

const manager = (districts: string[]): SummaryActor => ({ label: 'user:mgr', upn: 'mgr@force.police.uk', roles: ['manager'], districts });
const NOW = new Date('2026-11-20T10:00:00Z');

describe('plan actions belong to districts', () => {
  let h: Harness;
  const pillarsSeenBy = async (districts: string[]) =>
    (
      await summaryFor(
        h.db,
        { actor: manager(districts), periodText: 'this month', district: null, reason: 'test', destination: 'test' },
        settings,
        NOW,
      )
    ).plan.pillars
      .map((p) => p.pillar)
      .sort();
  const districtOf = async (ref: string) =>
    (await h.db.selectFrom('actions').select('district').where('ref', '=', ref).executeTakeFirstOrThrow()).district;

  beforeEach(async () => {
    h = await bootHarness();
    for (const u of [hq, leedsCoordinator])
      h.connector.members.set(u.id, { id: u.id, name: u.name, userPrincipalName: u.upn, aadObjectId: u.aadObjectId });
    await importRoster(h.db, ROSTER, 'test');
  });
  afterEach(async () => h.close());

  it("a district summary counts that district's actions and force-wide ones; the force summary counts all", async () => {
    expect(
      (await say(h, 'assign Patrol the Kirkgate market area to pc.leeds@force.police.uk pillar prevention ref L1', hq)).text,
    ).toContain('L1');
    expect((await say(h, 'assign Visit the bus station staff to pc.brad@force.police.uk pillar responding ref B1', hq)).text).toContain(
      'B1',
    );
    await importPlan(h.db, plan('pc.leeds@force.police.uk'), systemActor('Plan import', 'system:test'), NOW);

    expect(await districtOf('L1')).toBe('Leeds');
    expect(await districtOf('B1')).toBe('Bradford');
    expect(await districtOf('F1')).toBeNull(); // an agency with no named contact: force-wide
    expect(await districtOf('L2')).toBe('Leeds');
    expect(await districtOf('M1')).toBeNull(); // a holder with two districts: force-wide

    expect(await pillarsSeenBy(['Leeds'])).toEqual(['building_understanding', 'investigation_quality', 'prevention', 'supporting_victims']);
    expect(await pillarsSeenBy(['Bradford'])).toEqual(['investigation_quality', 'responding', 'supporting_victims']);
    expect(await pillarsSeenBy(['*'])).toEqual([
      'building_understanding',
      'investigation_quality',
      'prevention',
      'responding',
      'supporting_victims',
    ]);
  });

  it('an action re-assigned by the plan moves to its new holder’s district', async () => {
    await importPlan(h.db, plan('pc.leeds@force.police.uk'), systemActor('Plan import', 'system:test'), NOW);
    const [, l2] = await importPlan(h.db, plan('pc.brad@force.police.uk'), systemActor('Plan import', 'system:test'), NOW);
    expect(l2).toMatchObject({ ref: 'L2', outcome: 'updated', changes: ['owner'] });
    expect(await districtOf('L2')).toBe('Bradford');
    expect(await pillarsSeenBy(['Leeds'])).toEqual(['investigation_quality', 'supporting_victims']);
    expect(await pillarsSeenBy(['Bradford'])).toEqual(['building_understanding', 'investigation_quality', 'supporting_victims']);
  });

  it('a coordinator for Leeds cannot place an action in Bradford; nothing is written', async () => {
    const r = await say(h, 'assign Visit the bus station staff to pc.brad@force.police.uk ref B1', leedsCoordinator);
    expect(r.text).toContain('only a coordinator for Bradford can assign delivery-plan actions');
    expect(await h.db.selectFrom('actions').select('ref').execute()).toEqual([]);
    // Their own district, and force-wide holders, are theirs to assign.
    expect((await say(h, 'assign Patrol the Kirkgate market area to pc.leeds@force.police.uk ref L1', leedsCoordinator)).text).toContain(
      'L1',
    );
    expect((await say(h, 'assign Audit NFA decisions to insp.both@force.police.uk ref M1', leedsCoordinator)).text).toContain('M1');
    expect(await districtOf('L1')).toBe('Leeds');
    expect(await districtOf('M1')).toBeNull();
    // The plan they list is the plan they may open: Leeds' actions and force-wide ones, not Bradford's.
    expect((await say(h, 'assign Visit the bus station staff to pc.brad@force.police.uk ref B1', hq)).text).toContain('B1');
    const list = (await say(h, 'actions', leedsCoordinator)).text;
    expect(list).toContain('L1');
    expect(list).toContain('M1');
    expect(list).not.toContain('B1');
    expect((await say(h, 'actions', hq)).text).toContain('B1');
  });
});

describe("migration 2026-11-29T02: existing actions get their holder's district", () => {
  it('backfills where the roster says it, leaves the rest force-wide, and drops meetings.nudges_sent_at', async () => {
    const db = new Kysely<any>({ dialect: new PGliteDialect(new PGlite()) });
    try {
      const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < '2026-11-29T02'));
      expect((await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest()).error).toBeUndefined();
      const user = async (upn: string, districts: string[], onRoster = true) =>
        (
          await db
            .insertInto('users')
            .values({ upn, name: upn, roles: ['officer'], districts, on_roster: onRoster })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id as string;
      const leeds = await user('pc.leeds@force.police.uk', ['Leeds']);
      await user('pc.brad@force.police.uk', ['Bradford']);
      const both = await user('insp.both@force.police.uk', ['Leeds', 'Bradford']);
      const hq = await user('hq@force.police.uk', ['*']);
      const stranger = await user('left@force.police.uk', ['Leeds'], false);
      const action = (
        ref: string,
        o: { kind?: 'person' | 'agency'; userId?: string | null; upn?: string | null; agency?: string | null; district?: string | null },
      ) =>
        db
          .insertInto('actions')
          .values({
            ref,
            text: ref,
            pillar: 'prevention',
            owner_kind: o.kind ?? 'person',
            owner_user_id: o.userId ?? null,
            owner_upn: o.upn ?? null,
            owner_agency: o.agency ?? null,
            district: o.district ?? null,
          })
          .execute();
      await action('by-id', { userId: leeds, upn: 'pc.leeds@force.police.uk' });
      await action('by-upn', { upn: 'PC.Brad@force.police.uk' }); // learnt before the holder was known in Teams
      await action('contact', { kind: 'agency', agency: 'OCC', userId: leeds });
      await action('agency', { kind: 'agency', agency: 'OCC' });
      await action('two', { userId: both });
      await action('hq', { userId: hq });
      await action('off-roster', { userId: stranger });
      await action('kept', { userId: leeds, district: 'Wakefield' });
      await db
        .insertInto('meetings')
        .values({ kind: 'tactical', starts_at: new Date('2026-12-08T10:00:00Z'), nudges_sent_at: new Date() })
        .execute();

      expect(
        (await new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } }).migrateToLatest()).error,
      ).toBeUndefined();
      const rows = await db.selectFrom('actions').select(['ref', 'district']).orderBy('ref').execute();
      expect(Object.fromEntries(rows.map((r) => [r.ref, r.district]))).toEqual({
        agency: null,
        'by-id': 'Leeds',
        'by-upn': 'Bradford',
        contact: 'Leeds',
        hq: null,
        kept: 'Wakefield',
        'off-roster': null,
        two: null,
      });
      const cols = await sql<{
        column_name: string;
      }>`select column_name from information_schema.columns where table_name = 'meetings'`.execute(db);
      expect(cols.rows.map((c) => c.column_name)).not.toContain('nudges_sent_at');
      expect(cols.rows.map((c) => c.column_name)).toContain('prompts_sent_at');
    } finally {
      await db.destroy();
    }
  });
});
