import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit/audit.service.js';
import { runMonthlySummaries, runWeeklySummaries } from '../../jobs/summary-scheduled.job.js';
import { jobSettingsOf } from '../../bot/app.js';
import { jobList } from '../../jobs/jobs.js';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, message, people, personal, type Harness } from '../helpers/harness.js';
import { knownUser, personalChatOf } from '../helpers/teams.js';
import { seedFixedDataset } from './helpers.js';

const managerLeeds = { id: '29:mgr-leeds', aadObjectId: 'aad-mgr-leeds', name: 'Insp Leeds' };
const superintendent = { id: '29:supt', aadObjectId: 'aad-supt', name: 'Supt Force' };
const coordinator = { id: '29:hcc', aadObjectId: 'aad-hcc', name: 'HCC Leeds and Bradford' };

describe('scheduled summaries', () => {
  let h: Harness;
  const ids: Record<string, string> = {};
  const deps = () => ({ db: h.db, clock: h.clock.now, kickOutbox: () => undefined });

  beforeEach(async () => {
    h = await bootHarness();
    await h.send(message('help', people.coordinator, personal(people.coordinator))); // the bot learns the service URL
    await seedFixedDataset(h.db);
    ids[managerLeeds.name] = await knownUser(
      h,
      { ...managerLeeds, upn: 'insp.leeds@force.police.uk' },
      { roles: ['manager'], districts: ['Leeds'], onRoster: true },
    );
    ids[superintendent.name] = await knownUser(
      h,
      { ...superintendent, upn: 'supt@force.police.uk' },
      { roles: ['manager'], districts: ['*'], onRoster: true },
    );
    ids[coordinator.name] = await knownUser(
      h,
      { ...coordinator, upn: 'hcc@force.police.uk' },
      { roles: ['coordinator'], districts: ['Leeds', 'Bradford'], onRoster: true },
    );
    // in Teams but with no roster districts: need to know gives them no figures (empty is none, not the force)
    await knownUser(
      h,
      { id: '29:nodistricts', aadObjectId: 'aad-nodistricts', name: 'Insp No Districts', upn: 'insp.none@force.police.uk' },
      { roles: ['manager', 'coordinator'], onRoster: true },
    );
    // on the roster but not (yet) known in Teams
    await h.db
      .insertInto('users')
      .values({
        teams_id: null,
        aad_object_id: null,
        upn: 'not.in.teams@force.police.uk',
        name: 'No Teams',
        roles: ['manager'],
        districts: [],
        on_roster: true,
      })
      .execute();
  });
  afterEach(async () => h.close());

  it('registers the weekly and monthly crons from the settings', () => {
    expect(
      jobList(deps(), jobSettingsOf(h.config))
        .filter((j) => j.name.startsWith('summary-'))
        .map((j) => [j.name, j.cron]),
    ).toEqual([
      ['summary-weekly', '0 8 * * 1'],
      ['summary-monthly', '0 8 1 * *'],
    ]);
  });

  it('weekly: last week to each manager in Teams, in their personal chat, once per ISO week, audited', async () => {
    h.clock.current = new Date('2026-11-02T08:00:00Z'); // Monday 08:00 GMT: last week is 26 Oct to 1 Nov
    expect(await runWeeklySummaries(deps())).toBe(2);
    expect(await runWeeklySummaries(deps())).toBe(0); // a second run (or replica) queues nothing
    const keys = (
      await h.db.selectFrom('outbox').select(['dedupe_key', 'conversation_id']).where('dedupe_key', 'like', 'summary-weekly:%').execute()
    )
      .map((r) => `${r.dedupe_key}>${r.conversation_id}`)
      .sort();
    expect(keys).toEqual(
      [
        `summary-weekly:${ids[managerLeeds.name]}:2026-W44>user:${ids[managerLeeds.name]}`,
        `summary-weekly:${ids[superintendent.name]}:2026-W44>user:${ids[superintendent.name]}`,
      ].sort(),
    );
    await h.bot.dispatcher.drain();
    const chat = personalChatOf(h, managerLeeds.id)!;
    const card = FakeConnector.card(h.connector.posted(chat).at(-1));
    expect(card!.body[0].text).toBe('Hate crime summary · Leeds');
    expect(JSON.stringify(card)).toContain('Last week · 26 Oct – 1 Nov 2026');
    expect(JSON.stringify(card)).toContain('"title":"All (distinct)","value":"2 (previous 1, +100%)"'); // D and E (1 Nov 00:00) this week; C the week before
    const supt = FakeConnector.card(h.connector.posted(personalChatOf(h, superintendent.id)).at(-1));
    expect(supt!.body[0].text).toBe('Hate crime summary · All districts');
    const audit = (await listAudit(h.db, 'summary')).filter((a) => a.details.reason === 'weekly summary');
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actor: 'system:weekly-summary', action: 'summary.disclosed' });
  });

  it('monthly: last month per district to the district coordinator', async () => {
    h.clock.current = new Date('2026-11-01T08:00:00Z');
    expect(await runMonthlySummaries(deps())).toBe(2);
    expect(await runMonthlySummaries(deps())).toBe(0);
    const keys = (await h.db.selectFrom('outbox').select('dedupe_key').where('dedupe_key', 'like', 'summary-monthly:%').execute())
      .map((r) => r.dedupe_key)
      .sort();
    expect(keys).toEqual([
      `summary-monthly:bradford:2026-10:${ids[coordinator.name]}`,
      `summary-monthly:leeds:2026-10:${ids[coordinator.name]}`,
    ]);
    await h.bot.dispatcher.drain();
    const cards = h.connector.posted(personalChatOf(h, coordinator.id)).map((c) => FakeConnector.card(c)!);
    expect(cards.map((c) => c.body[0].text).sort()).toEqual(['Hate crime summary · Bradford', 'Hate crime summary · Leeds']);
    const leeds = JSON.stringify(cards.find((c) => c.body[0].text.endsWith('Leeds')));
    expect(leeds).toContain('Last month (October 2026)');
    expect(leeds).toContain('"title":"All (distinct)","value":"4 (previous 2, +100%)"');
  });
});
