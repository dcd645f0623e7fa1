import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { SummaryActor } from '../../db/summary/summary.service.js';

let seq = 0;

/** Inserts an occurrence row directly (full control of every column); returns its id. */
export async function addOccurrence(
  db: Kysely<Database>,
  o: {
    ref?: string;
    recordedAs?: 'crime' | 'nchi';
    strands: string[];
    source?: string;
    flaggedAt: string;
    district?: string;
    status?: 'open' | 'filed' | 'closed';
    closedAt?: string | null;
    outcome?: string | null;
    satisfied?: boolean | null;
    oic?: string | null;
    supervisor?: string | null;
    location?: string | null;
    victims?: string[];
    suspects?: string[];
    /** When the bot received it (default: when it was flagged, i.e. live). */
    receivedAt?: string;
  },
): Promise<string> {
  const n = ++seq;
  const row = await db
    .insertInto('occurrences')
    .values({
      source: o.source ?? 'rms',
      reference: o.ref ?? `13/9${String(n).padStart(5, '0')}/26`,
      recorded_as: o.recordedAs ?? 'crime',
      offence: (o.recordedAs ?? 'crime') === 'crime' ? 'Racially or religiously aggravated harassment' : null,
      strands: o.strands,
      flagged_at: new Date(o.flaggedAt),
      reported_at: null,
      occurred_at: null,
      allocated_at: null,
      district: o.district ?? 'Leeds',
      location_ref: o.location ?? null,
      location_type: 'street',
      location_description: `Secret location description ${n}`,
      summary: `Secret free-text summary ${n}`,
      oic_upn: o.oic ?? null,
      oic_name: o.oic ? `PC ${o.oic.split('@')[0]}` : null,
      supervisor_upn: o.supervisor ?? null,
      supervisor_name: o.supervisor ? 'DS One' : null,
      status: o.status ?? 'open',
      outcome: o.outcome ?? null,
      victim_satisfied: o.satisfied ?? null,
      content_hash: `h${n}`,
      closed_at: o.closedAt ? new Date(o.closedAt) : null,
      // Received live, as it was flagged (a history load sets `receivedAt` later than the flag).
      created_at: new Date(o.receivedAt ?? o.flaggedAt),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const people = [
    ...(o.victims ?? []).map((p) => ({ role: 'victim' as const, p })),
    ...(o.suspects ?? []).map((p) => ({ role: 'suspect' as const, p })),
  ];
  if (people.length)
    await db
      .insertInto('occurrence_people')
      .values(people.map((x) => ({ occurrence_id: row.id, role: x.role, person_ref: x.p, vulnerable: null, enhanced: null })))
      .execute();
  return row.id;
}

/** Adds review versions with these grades (v1, v2, ...). */
export async function addReviews(db: Kysely<Database>, occurrenceId: string, ...grades: string[]): Promise<void> {
  for (const [i, g] of grades.entries()) {
    await db
      .insertInto('reviews')
      .values({
        occurrence_id: occurrenceId,
        version: i + 1,
        risk_grade: g,
        risk_rationale: g === 'standard' ? null : 'Secret rationale text',
        reviewer_user_id: null,
        reviewer_name: 'Alex',
        reviewed_at: new Date('2026-10-20T10:00:00Z'),
      })
      .execute();
  }
}

/** Adds a scheduled review. */
export async function addScheduled(
  db: Kysely<Database>,
  occurrenceId: string,
  kind: string,
  dueAt: string,
  status: 'pending' | 'done' | 'not_applicable' | 'cancelled',
  completedAt: string | null = null,
  owner = 'supervisor',
): Promise<void> {
  await db
    .insertInto('scheduled_reviews')
    .values({
      occurrence_id: occurrenceId,
      kind,
      seq: 0,
      owner_role: owner,
      due_at: new Date(dueAt),
      status,
      outcome: null,
      note: null,
      completed_by: null,
      completed_by_name: null,
      completed_at: completedAt ? new Date(completedAt) : null,
      next_step_at: null,
      snoozed_until: null,
    })
    .execute();
}

/** Adds a delivery-plan action. */
export async function addAction(
  db: Kysely<Database>,
  a: { ref: string; pillar: string; status: string; due: string | null; district: string | null; agency?: string },
): Promise<void> {
  await db
    .insertInto('actions')
    .values({
      ref: a.ref,
      objective: null,
      text: 'Secret action text',
      pillar: a.pillar,
      owner_kind: 'agency',
      owner_upn: null,
      owner_user_id: null,
      owner_agency: a.agency ?? 'City council',
      status: a.status,
      due_date: a.due,
      district: a.district,
      raised_at_meeting_id: null,
      created_by: null,
    })
    .execute();
}

/** Actors for the service. */
export const actors = {
  force: { label: 'user:force', upn: 'ci@force.police.uk', roles: ['coordinator'], districts: ['*'] } satisfies SummaryActor,
  leedsManager: { label: 'user:mgr', upn: 'insp@force.police.uk', roles: ['manager'], districts: ['Leeds'] } satisfies SummaryActor,
  officerOne: { label: 'user:pc1', upn: 'PC.One@force.police.uk', roles: ['officer'], districts: [] } satisfies SummaryActor,
  leedsPartner: { label: 'user:partner', upn: 'cs@council.gov.uk', roles: ['partner'], districts: ['Leeds'] } satisfies SummaryActor,
};

/**
 * The fixed dataset of the figures tests (see summary.figures.test.ts for the hand-computed
 * expectations). October 2026 in Leeds has A, B, C, D; September has F, G; E is 1 Nov.
 */
export async function seedFixedDataset(db: Kysely<Database>): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  ids.A = await addOccurrence(db, {
    ref: 'REF-A-001',
    strands: ['race'],
    flaggedAt: '2026-09-30T23:00:00Z',
    oic: 'pc.one@force.police.uk',
    supervisor: 'ds.one@force.police.uk',
    location: 'LOC-1',
    victims: ['PER-V1'],
    suspects: ['PER-S1'],
  });
  ids.B = await addOccurrence(db, {
    ref: 'REF-B-002',
    strands: ['race', 'religion'],
    source: 'online',
    flaggedAt: '2026-10-15T12:00:00Z',
    oic: 'pc.one@force.police.uk',
    supervisor: 'ds.one@force.police.uk',
    location: 'LOC-2',
    victims: ['PER-V2'],
  });
  ids.C = await addOccurrence(db, {
    ref: 'REF-C-003',
    recordedAs: 'nchi',
    strands: ['sexual_orientation', 'transgender'],
    source: 'third_party',
    flaggedAt: '2026-10-25T00:30:00Z',
    oic: 'pc.two@force.police.uk',
    supervisor: 'ds.one@force.police.uk',
    status: 'filed',
    victims: ['PER-V2'],
  });
  ids.D = await addOccurrence(db, {
    ref: 'REF-D-004',
    strands: ['disability'],
    flaggedAt: '2026-10-31T23:59:59Z',
    supervisor: 'ds.one@force.police.uk',
    location: 'LOC-1',
    status: 'closed',
    closedAt: '2026-10-31T23:59:59.500Z',
    outcome: 'Charge/summons',
    satisfied: true,
    victims: ['PER-V3'],
  });
  ids.E = await addOccurrence(db, { ref: 'REF-E-005', strands: ['race'], flaggedAt: '2026-11-01T00:00:00Z' });
  ids.F = await addOccurrence(db, {
    ref: 'REF-F-006',
    strands: ['race'],
    flaggedAt: '2026-09-30T22:59:59Z',
    status: 'closed',
    closedAt: '2026-10-05T10:00:00Z',
    outcome: 'Evidential difficulties',
    satisfied: false,
  });
  ids.G = await addOccurrence(db, { ref: 'REF-G-007', strands: ['religion'], source: 'manual', flaggedAt: '2026-09-10T10:00:00Z' });
  ids.H = await addOccurrence(db, {
    ref: 'REF-H-008',
    strands: ['race'],
    district: 'Bradford',
    flaggedAt: '2026-10-10T10:00:00Z',
    suspects: ['PER-S1'],
  });
  ids.R = await addOccurrence(db, {
    ref: 'REF-R-009',
    strands: ['race'],
    flaggedAt: '2026-03-01T10:00:00Z',
    status: 'closed',
    outcome: 'Charge/summons',
    victims: ['PER-V1'],
  });
  ids.Q = await addOccurrence(db, { ref: 'REF-Q-010', strands: ['race'], flaggedAt: '2025-06-01T10:00:00Z', victims: ['PER-V3'] });
  await addReviews(db, ids.A, 'standard', 'high');
  await addReviews(db, ids.B, 'medium');
  await addReviews(db, ids.D, 'standard');
  await addReviews(db, ids.G, 'high');
  await addReviews(db, ids.F, 'high');
  await addScheduled(db, ids.A, 'task_review', '2026-10-02T10:00:00Z', 'done', '2026-10-02T09:00:00Z');
  await addScheduled(db, ids.A, 'coordinator_review', '2026-10-11T10:00:00Z', 'done', '2026-10-12T10:00:00Z', 'coordinator');
  await addScheduled(db, ids.B, 'task_review', '2026-10-16T12:00:00Z', 'pending');
  await addScheduled(db, ids.B, 'victim_contact', '2026-10-16T12:00:00Z', 'not_applicable');
  await addScheduled(db, ids.C, 'task_review', '2026-10-26T00:30:00Z', 'cancelled');
  await addScheduled(db, ids.D, 'task_review', '2026-11-01T10:00:00Z', 'pending');
  await addAction(db, { ref: '1.1 a', pillar: 'prevention', status: 'not_started', due: '2026-11-01', district: 'Leeds' });
  await addAction(db, { ref: '1.1 b', pillar: 'prevention', status: 'completed', due: '2026-10-01', district: 'Leeds' });
  await addAction(db, { ref: '4.2 a', pillar: 'supporting_victims', status: 'in_progress', due: '2026-12-01', district: null });
  await addAction(db, { ref: '4.2 b', pillar: 'supporting_victims', status: 'in_progress', due: '2026-10-01', district: 'Bradford' });
  return ids;
}

/** Settings with the defaults of bot/config.ts. */
export const settings = {
  strands: ['race', 'religion', 'sexual_orientation', 'disability', 'transgender'],
  repeat: { windowMonths: 12, minOccurrences: 2 },
  suppressBelow: 5,
  scrutinySampleSize: 5,
  scrutinyMinClosed: 10,
  complianceFrom: null,
};
