import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit/audit.service.js';
import { generateOccurrences } from '../../scripts/sample-data.lib.js';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, message, people, personal, type Harness } from '../helpers/harness.js';
import { knownUser } from '../helpers/teams.js';
import { TEAMS_CARD_LIMIT } from '../../cards/format.js';

const NOW = new Date('2026-11-20T10:00:00Z');
const LOCATION_TYPE_LABELS = ['Residential', 'Street', 'Public transport', 'Night time economy', 'School', 'Workplace', 'Online'];

describe('scrutiny pack', () => {
  let h: Harness;
  const sample = generateOccurrences({ count: 500, seed: 11, now: NOW });

  beforeAll(async () => {
    h = await bootHarness();
    expect((await h.ingest({ occurrences: sample })).status).toBe(201);
  });
  afterAll(async () => {
    await h.close();
  });

  async function pack(text = 'scrutiny pack') {
    const conv = personal(people.coordinator);
    const before = h.connector.posted(conv.id).length;
    await h.send(message(text, people.coordinator, conv));
    const card = h.connector
      .posted(conv.id)
      .slice(before)
      .map((c) => FakeConnector.card(c))
      .find(Boolean)!;
    const url = (card.actions as { type: string; url: string }[]).find((a) => a.type === 'Action.OpenUrl')!.url;
    const csv = await (await fetch(`${h.bot.url}${new URL(url).pathname}`)).text();
    return { card, url, csv };
  }

  /** Everything in the dataset that identifies or is free text. */
  function secrets(): string[] {
    const out = new Set<string>();
    for (const o of sample) {
      out.add(o.reference);
      if (o.summary) out.add(o.summary);
      if (o.location?.ref) out.add(o.location.ref);
      if (o.location?.description && !LOCATION_TYPE_LABELS.includes(o.location.description)) out.add(o.location.description);
      for (const p of [...o.victims, ...(o.suspects ?? [])]) out.add(p.ref);
      for (const officer of [o.oic, o.supervisor]) {
        if (officer?.upn) out.add(officer.upn);
        if (officer?.name) out.add(officer.name);
      }
    }
    return [...out];
  }

  it('has a random sample of closed occurrences with nothing that identifies, in the card and the CSV', async () => {
    const { card, csv } = await pack();
    const json = JSON.stringify(card);
    expect(card.body[0].text).toBe('Scrutiny pack (anonymised) · All districts');
    expect(json).toContain('Random sample: 5 of');
    expect(json.length).toBeLessThanOrEqual(TEAMS_CARD_LIMIT);
    expect(json).toMatch(/data:image\/png;base64,/);
    const leaks = secrets().filter((s) => json.includes(s) || csv.includes(s));
    expect(leaks).toEqual([]);
    const audit = (await listAudit(h.db, 'summary', 'force')).filter((a) => a.action === 'scrutiny_pack.disclosed').at(-1)!;
    const ids = audit.details.occurrenceIds as string[];
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    for (const id of ids) expect(json).not.toContain(id);
    const rows = await h.db.selectFrom('occurrences').select(['status', 'closed_at', 'flagged_at']).where('id', 'in', ids).execute();
    // closed or filed, and closed (or, when the closure time is unknown, flagged) in Q3 2026
    for (const r of rows) {
      expect(r.status).not.toBe('open');
      const at = (r.closed_at ?? r.flagged_at).toISOString();
      expect(at >= '2026-06-30T23:00:00.000Z' && at < '2026-09-30T23:00:00.000Z').toBe(true);
    }
  });

  it('coarsens dates to the month and keeps only the pack columns in the CSV', async () => {
    const { csv } = await pack();
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    const header = lines.findIndex((l) => l.startsWith('case,month_flagged'));
    const cases = lines.slice(header + 1, header + 6);
    expect(cases).toHaveLength(5);
    for (const line of cases) {
      expect(line).toMatch(/^Case \d,[A-Z][a-z]{2} 2026,/);
      expect(line).not.toMatch(/\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]{2} \d{4}|\d{1,2}:\d{2}/);
    }
    expect(csv).toContain('table,category,this_period,previous_period');
    expect(csv).toContain('strand (an occurrence counts under each of its strands)');
  });

  it('the CSV link is audited when used and stops working after an hour', async () => {
    const { url } = await pack('scrutiny pack last quarter district Leeds');
    const path = new URL(url).pathname;
    expect(path).toMatch(/^\/api\/exports\/[A-Za-z0-9_-]{43}\.csv$/);
    const res = await fetch(`${h.bot.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="scrutiny-pack-leeds-2026-07-01\.csv"/);
    expect(await res.text()).toContain('Scope,Leeds');
    const downloads = await listAudit(h.db, 'summary_export');
    expect(downloads.at(-1)).toMatchObject({ action: 'export.downloaded' });
    h.clock.advance(61 * 60_000);
    expect((await fetch(`${h.bot.url}${path}`)).status).toBe(404);
    expect((await fetch(`${h.bot.url}/api/exports/not-a-token.csv`)).status).toBe(404);
  });

  it('is refused to officers', async () => {
    await knownUser(h, { ...people.officer, upn: 'pc@force.police.uk', name: 'PC' }, { roles: ['officer'], onRoster: true });
    const conv = personal(people.officer);
    await h.send(message('scrutiny pack', people.officer, conv));
    expect(h.connector.posted(conv.id).at(-1)!.body.text).toContain('scrutiny packs are prepared by coordinators and managers');
  });
});
