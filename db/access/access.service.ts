import { sql } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import { ValidationError } from '../errors.js';
import type { Db } from '../schema.js';
import { FORCE_WIDE, type Actor, type OccurrenceFacts } from './access.policy.js';

export * from './access.policy.js';

/**
 * The districts the bot knows: those on occurrences and on the roster (`*` excluded), one
 * spelling each (the most common), sorted case-insensitively. Occurrences' districts and how many
 * carry each spelling come from the monthly rows of the daily rollup (migration 2026-11-29T20,
 * kept by triggers): a few rows a month, not a scan of every occurrence.
 */
export async function knownDistricts(db: Db): Promise<string[]> {
  const rows = await sql<{ district: string; n: number }>`
    select district, sum(n)::int as n from (
      select value as district, n from summary_daily where span = 'month' and dim = 'district'
      union all
      select unnest(districts), 1 from users where on_roster
    ) d where district <> ${FORCE_WIDE} and btrim(district) <> '' group by district having sum(n) > 0`.execute(db);
  const best = new Map<string, { name: string; n: number }>();
  for (const r of rows.rows) {
    const key = r.district.toLowerCase();
    const seen = best.get(key);
    if (!seen || r.n > seen.n) best.set(key, { name: r.district, n: r.n });
  }
  return [...best.values()].map((v) => v.name).sort((a, b) => a.localeCompare(b, 'en-GB', { sensitivity: 'base' }));
}

/**
 * A district named in a command, as the bot knows it (case-insensitive match on
 * `knownDistricts`); a typo is refused with the list of known districts, nothing done.
 * @throws ValidationError `I don't know the district "Leds". Known districts: Bradford, Leeds`
 */
export async function knownDistrict(db: Db, name: string): Promise<string> {
  const known = await knownDistricts(db);
  const hit = known.find((d) => d.toLowerCase() === name.trim().toLowerCase());
  if (hit) return hit;
  const list = known.length
    ? `Known districts: ${known.join(', ')}.`
    : 'The bot knows no districts yet (none on occurrences or on the roster).';
  throw new ValidationError(`I don't know the district "${name.trim()}". ${list}`, [
    { path: 'district', message: `unknown district "${name.trim()}"` },
  ]);
}

/** What was refused, for the audit log: the verb and the entity it was about (ids only). */
export interface Refusal {
  /** e.g. `review.submit`, `summary`, `subscribe`, `action.update`. */
  what: string;
  /** Why, as the refusal says it (no occurrence data). */
  why: string;
  entityType?: string;
  entityId?: string;
  conversationId?: string | null;
}

/** Audits a refusal (`access_refused`: actor, what and why); never carries occurrence data. */
export async function recordRefusal(db: Db, actor: Pick<Actor, 'label' | 'roles' | 'districts'>, r: Refusal): Promise<void> {
  await recordAudit(db, {
    actor: actor.label,
    action: 'access_refused',
    entityType: r.entityType ?? 'access',
    entityId: r.entityId ?? r.what,
    details: {
      what: r.what,
      why: r.why,
      roles: [...actor.roles],
      districts: [...actor.districts],
      conversationId: r.conversationId ?? null,
    },
  });
}

/** What the rule needs of an occurrence, read by id; null when the bot does not hold it. */
export async function occurrenceFacts(db: Db, occurrenceId: string): Promise<OccurrenceFacts | null> {
  const r = await db
    .selectFrom('occurrences')
    .select(['district', 'oic_upn', 'supervisor_upn'])
    .where('id', '=', occurrenceId)
    .executeTakeFirst();
  return r ? { district: r.district, oicUpn: r.oic_upn, supervisorUpn: r.supervisor_upn } : null;
}
