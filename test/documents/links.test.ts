import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit/audit.service.js';
import { bootHarness, type Harness } from '../helpers/harness.js';
import { knownUser, say } from '../helpers/teams.js';
import { addOccurrence } from '../summary/helpers.js';
import { documentLink, download, notInOrder, paragraphsOf } from './docx.js';

const manager = { id: '29:mgr', aadObjectId: 'aad-mgr', upn: 'insp@force.police.uk', name: 'Insp Leeds' };
const partner = { id: '29:partner', aadObjectId: 'aad-partner', upn: 'cs@council.gov.uk', name: 'Community Safety' };
const ZIP = Buffer.from('PK');

/** Changes a user's roster roles and districts, as a new roster import would. */
const reRoster = (h: Harness, upn: string, roles: string[], districts: string[]) =>
  h.db.updateTable('users').set({ roles, districts }).where('upn', '=', upn).execute();

describe('document links: short-lived, audited, checked again at download', () => {
  let h: Harness;
  // The file's database is created and migrated once, on first boot: allow for a busy machine there.
  beforeAll(async () => (await bootHarness()).close(), 300_000);
  beforeEach(async () => {
    h = await bootHarness();
    await knownUser(h, manager, { roles: ['manager'], districts: ['Leeds'], onRoster: true });
    await knownUser(h, partner, { roles: ['partner'], districts: ['Leeds'], onRoster: true });
    // October in Leeds: 12 crimes from the RMS, 3 through a third party reporting centre, 2 online; 9 closed.
    for (let i = 0; i < 17; i++)
      await addOccurrence(h.db, {
        strands: ['race'],
        source: i < 12 ? 'rms' : i < 15 ? 'third_party' : 'online',
        flaggedAt: `2026-10-${String(2 + i).padStart(2, '0')}T10:00:00Z`,
        status: i < 9 ? 'closed' : 'open',
        closedAt: i < 9 ? `2026-10-${String(20 + i).padStart(2, '0')}T10:00:00Z` : null,
        outcome: i < 9 ? (i < 6 ? 'Charge/summons' : 'Evidential difficulties: victim does not support action') : null,
      });
    await addOccurrence(h.db, { strands: ['religion'], flaggedAt: '2026-10-05T10:00:00Z', district: 'Bradford', victims: ['P-SECRET'] });
  });
  afterEach(async () => h.close());

  it('`summary last month as document`: the monthly report for the Chief Inspector, audited as a disclosure and on download', async () => {
    const r = await say(h, 'summary last month district Leeds as document', manager);
    expect(r.text).toContain('Monthly hate crime report to the Chief Inspector');
    expect(r.text).toContain('Leeds · Last month (October 2026)');
    const file = await download(h, documentLink(r.replies));
    expect(file.status).toBe(200);
    expect(file.disposition).toBe('attachment; filename="hate-crime-report-leeds-2026-10-01.docx"');
    const p = paragraphsOf(file.body);
    expect(
      notInOrder(p, [
        'Hate crime monthly report to the Operational Chief Inspector',
        'Prepared by: Insp Leeds',
        '1. Headline figures',
        '2. Hate occurrences',
        '3. Risk and repeats',
        '4. Review compliance',
        '5. Progress against the strategic aims (delivery plan)',
        '6. Outcomes and victim satisfaction',
        "7. Chief Inspector's review",
      ]),
    ).toEqual([]);
    expect(p.find((x) => x.startsWith('Hate occurrences flagged'))).toBe(
      'Hate occurrences flagged: 17 (previous period, 1–30 Sep 2026: 0).',
    );
    expect(p).toContain('Third party reporting centre: 3.');
    expect(p).toContain('Online report: 2.');
    expect(p).toContain('Closed or filed: 9; positive criminal justice outcomes: 6.');
    expect(p.join('\n')).not.toMatch(/Bradford|P-SECRET|Secret/); // another district, people, free text
    expect((await listAudit(h.db, 'summary')).at(-1)).toMatchObject({
      action: 'summary.disclosed',
      details: { reason: 'summary document' },
    });
    expect((await listAudit(h.db, 'document')).map((a) => a.action)).toEqual(['document.created', 'document.downloaded']);
  });

  it('a partner’s report holds aggregates only, with the same suppression as the card', async () => {
    const r = await say(h, 'summary last month as document', partner);
    const p = paragraphsOf((await download(h, documentLink(r.replies))).body);
    expect(p.some((x) => x.startsWith('Aggregates only. Counts below 5 show as <5'))).toBe(true);
    expect(p).toContain('Third party reporting centre: <5.');
    expect(p).toContain(
      'Police-only sections (reviews and who owns them, named overdue actions) are not shown to partners: they are case work, not aggregates.',
    ); // no review compliance, and why
    expect(p).not.toContain('Overdue reviews now, by owner');
  });

  it('an expired link, an unknown one and a link taken to the CSV route are refused without data', async () => {
    const r = await say(h, 'summary last month as document', manager);
    const url = documentLink(r.replies);
    const token = /documents\/([^/]+)\.docx$/.exec(url)![1]!;
    const foreign = await fetch(`${h.bot.url}/api/exports/${token}.csv`); // the scrutiny CSV's route
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toContain('PK');
    const unknown = await download(h, url.replace(token, 'A'.repeat(43)));
    expect(unknown.status).toBe(404);
    expect(unknown.body.toString()).toBe('This download link has expired or is not valid. Ask the bot for the document again.');
    h.clock.advance(60 * 60 * 1000 + 1);
    const expired = await download(h, url);
    expect(expired.status).toBe(404);
    expect(expired.body.subarray(0, 2).equals(ZIP)).toBe(false);
    expect((await listAudit(h.db, 'document')).map((a) => a.action)).toEqual(['document.created']); // nothing downloaded
  });

  it('a requester who has since lost the right gets a refusal (audited) and no data', async () => {
    const report = documentLink((await say(h, 'summary last month as document', manager)).replies);
    await reRoster(h, manager.upn, ['manager'], ['Bradford']); // moved to another district
    const refused = await download(h, report);
    expect(refused.status).toBe(403);
    expect(refused.body.toString()).toContain('Sorry, this document is not shown');
    expect(refused.body.subarray(0, 2).equals(ZIP)).toBe(false);
    const trail = await listAudit(h.db, 'document');
    expect(trail.at(-1)).toMatchObject({ action: 'access_refused', details: { what: 'document.download' } });

    await reRoster(h, manager.upn, ['manager', 'coordinator'], ['Leeds']);
    const pack = documentLink((await say(h, 'meeting pack', manager)).replies);
    expect((await download(h, pack)).status).toBe(200);
    await reRoster(h, manager.upn, ['officer'], ['Leeds']); // no longer a manager
    const gone = await download(h, pack);
    expect(gone.status).toBe(403);
    expect(gone.body.toString()).toContain('meeting packs are for coordinators and managers');
  });
});
