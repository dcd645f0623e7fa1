import { sql } from 'kysely';
import { allow, canSeeAction, canSeeOccurrence, canSeeOccurrences, type Actor } from '../access/access.policy.js';
import { actionsQuery, fetchActions } from '../actions/actions.repository.js';
import type { Action } from '../actions/actions.model.js';
import { recordAudit } from '../audit/audit.service.js';
import type { RepeatRule } from '../occurrences/occurrences.service.js';
import { seeOccurrence, type Disclosure, type SeenOccurrence } from '../reviews/endorsement.service.js';
import type { Db } from '../schema.js';

export { showAction } from '../actions/actions.service.js';
export type { Action } from '../actions/actions.model.js';
export type { SeenOccurrence } from '../reviews/endorsement.service.js';

// Search from the Teams compose box (issue 12 item 9): occurrences by reference, actions by ref or
// words. Every hit is passed through the one access rule before anyone sees it; what was shown
// (ids only) and how much was withheld is audited.

/** An occurrence as a search result shows it: reference and classifications, no detail. */
export interface OccurrenceHit {
  id: string;
  reference: string;
  recordedAs: 'crime' | 'nchi';
  district: string;
  strands: string[];
  flaggedAt: Date;
  status: string;
  riskGrade: string | null;
}

/** How far a search looks before the access rule filters (a reference or phrase this vague finds too much anyway). */
const CANDIDATES = 200;

/** `text` as a LIKE pattern that matches it anywhere, its own % and _ taken literally. */
const containing = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** What a search asked, for its audit entry. */
interface Asked {
  actor: Actor;
  text: string;
  limit: number;
  conversationId: string | null;
}

/**
 * The first `limit` of `found` that the access rule lets the actor see; audited (`search.results`:
 * the query, the ids shown, how many were withheld, where).
 */
async function visibleHits<T extends { id: string }>(
  db: Db,
  kind: 'occurrence' | 'action',
  input: Asked,
  found: T[],
  maySee: (t: T) => boolean,
) {
  const visible = found.filter(maySee);
  const hits = visible.slice(0, input.limit);
  await recordAudit(db, {
    actor: input.actor.label,
    action: 'search.results',
    entityType: kind,
    entityId: '*',
    details: {
      query: input.text,
      shown: hits.map((h) => h.id),
      withheld: found.length - visible.length,
      conversationId: input.conversationId,
    },
  });
  return hits;
}

/**
 * Occurrences whose reference contains `text` (case-insensitive), newest flag first, that `actor`
 * may see (canSeeOccurrence), at most `limit`. Audited (`search.results`: the ids shown and how many
 * were withheld).
 * @throws ForbiddenError for partners and admins (no occurrence detail at all), before any lookup
 */
export async function searchOccurrences(db: Db, input: Asked): Promise<OccurrenceHit[]> {
  allow(canSeeOccurrences(input.actor));
  if (!input.text.trim()) return [];
  const rows = await db
    .selectFrom('occurrences')
    .select([
      'id',
      'reference',
      'recorded_as',
      'district',
      'strands',
      'flagged_at',
      'status',
      'oic_upn',
      'supervisor_upn',
      'current_risk_grade',
    ])
    .where(sql`lower(reference)`, 'like', containing(input.text.trim()))
    .orderBy('flagged_at', 'desc')
    .limit(CANDIDATES)
    .execute();
  const maySee = (r: (typeof rows)[number]) =>
    canSeeOccurrence(input.actor, { district: r.district, oicUpn: r.oic_upn, supervisorUpn: r.supervisor_upn }).ok;
  const hits = await visibleHits(db, 'occurrence', input, rows, maySee);
  return hits.map((r) => ({
    id: r.id,
    reference: r.reference,
    recordedAs: r.recorded_as as 'crime' | 'nchi',
    district: r.district,
    strands: r.strands,
    flaggedAt: r.flagged_at,
    status: r.status,
    riskGrade: r.current_risk_grade,
  }));
}

/**
 * Delivery-plan actions whose ref starts with `text`, or whose text or objective holds every word of
 * it, that `actor` may see (canSeeAction: holder, coordinator, manager), by ref, at most `limit`.
 * Audited like `searchOccurrences`.
 */
export async function searchActions(db: Db, input: Asked): Promise<Action[]> {
  const text = input.text.trim().toLowerCase();
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const q = actionsQuery(db)
    .where((eb) =>
      eb.or([
        eb(sql`lower(a.ref)`, 'like', `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
        eb.and(
          words.map((w) =>
            eb.or([eb(sql`lower(a.text)`, 'like', containing(w)), eb(sql`lower(coalesce(a.objective, ''))`, 'like', containing(w))]),
          ),
        ),
      ]),
    )
    .orderBy('a.ref')
    .limit(CANDIDATES);
  return visibleHits(db, 'action', input, await fetchActions(q, db), (a) => canSeeAction(input.actor, a).ok);
}

/**
 * An occurrence and its current review for a card inserted from the compose box: asked of the one
 * access rule, and audited as a card disclosure (`card.disclosed`, with where and why).
 * @throws NotFoundError, ForbiddenError (see seeOccurrence)
 */
export async function discloseOccurrence(
  db: Db,
  input: Disclosure & { occurrenceId: string; repeat: RepeatRule },
): Promise<SeenOccurrence> {
  const seen = await seeOccurrence(db, input.occurrenceId, input.actor, input.repeat);
  await recordAudit(db, {
    actor: input.actor.label,
    action: 'card.disclosed',
    entityType: 'occurrence',
    entityId: input.occurrenceId,
    details: { conversationId: input.conversationId, reason: input.reason },
  });
  return seen;
}
