/**
 * Need to know (docs/domain.md "Who may see and do what"): every command and card action, for every
 * role, inside (Leeds) and outside (Bradford) their district, over real HTTP through the Teams
 * adapter. Allowed: the effect happens (and a disclosure is audited). Refused: a refusal that
 * says what is missing, no occurrence data in anything sent, nothing written, one
 * `access_refused` audit entry.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bootHarness, resetDatabase, type Harness } from '../helpers/harness.js';
import { say } from '../helpers/teams.js';
import { auditSince, footprint, labelOf, lastAuditId, ROLE_NAMES, SECRETS, seed, sentSince, users, type Seeded } from './helpers.js';
import { CASES, type Ctx, type Where } from './role-matrix.cases.js';

describe('need to know: the role matrix over Teams', () => {
  let h: Harness;
  let s: Seeded;
  let dirty = true;
  beforeAll(async () => {
    h = await bootHarness({ SCRUTINY_MIN_CLOSED: '1' });
  });
  afterAll(async () => h.close());
  // Refused cases write nothing (asserted), so the fixtures are rebuilt only after an allowed one.
  beforeEach(async () => {
    if (!dirty) return;
    await resetDatabase(h.db);
    s = await seed(h);
    // Deliver what seeding queued (the partner's "new action" card) now, so no case's own
    // delivery picks it up and counts the partner's legitimate action text against a refusal.
    await h.bot.dispatcher.drain();
    dirty = false;
  });

  const rows = CASES.flatMap((k) => {
    const districted = Object.values(k.allowed).some((v) => Array.isArray(v));
    return ROLE_NAMES.flatMap((role) => {
      const a = k.allowed[role] ?? (districted ? [false, false] : false);
      const per: [Where, boolean][] = Array.isArray(a)
        ? [
            ['in', a[0]],
            ['out', a[1]],
          ]
        : [['in', a]];
      return per.map(([where, ok]) => ({ k, role, where, ok }));
    });
  });

  it.each(
    rows.map(
      (r) => [`${r.k.name} · ${r.role} · ${r.where === 'in' ? 'in district' : 'outside'} → ${r.ok ? 'allowed' : 'refused'}`, r] as const,
    ),
  )('%s', async (_title, { k, role, where, ok }) => {
    const u = users[role];
    await say(h, 'help', u); // the bot learns the user (and their UPN) first
    const c: Ctx = {
      h,
      s,
      u,
      where,
      occ: where === 'in' ? s.leeds : s.bradford,
      district: where === 'in' ? 'Leeds' : 'Bradford',
      label: await labelOf(h, u),
      since: 0,
    };
    if (k.prepare) {
      await k.prepare(c);
      dirty = true;
    }
    const before = await footprint(h);
    c.since = await lastAuditId(h);
    const from = h.connector.calls.length;
    const response = await k.run(c);
    const text = `${sentSince(h, from)}\n${response}`;
    const entries = (await auditSince(h, c.since)).filter((a) => a.actor === c.label);
    if (ok) {
      dirty = true;
      expect(text).not.toMatch(/Sorry, (only|the whole|meeting packs|you have no)/);
      expect(entries.map((e) => e.action)).not.toContain('access_refused');
      await k.effect({ ...c }, text);
      return;
    }
    expect(text).toMatch(/Sorry, /);
    for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
    expect(await footprint(h)).toEqual(before);
    expect(entries.map((e) => e.action)).toEqual(['access_refused']);
    expect(JSON.stringify(entries[0]!.details)).not.toMatch(/700001|700002|victim abused/);
  });
});
