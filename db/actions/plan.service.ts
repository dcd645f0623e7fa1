import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import { ValidationError } from '../errors.js';
import type { Database, Db } from '../schema.js';
import type { Action, ActionActor, ActionUpdate } from './actions.model.js';
import { actionsQuery, fetchActions, findByRef, insertUpdate, reviseUpdate, updatesFor } from './actions.repository.js';
import { holderDistrict } from './districts.js';
import { parsePlanCsv, writePlanCsv, type PlanRow } from './plan-csv.js';
import { londonDate } from '../time/london-time.js';

export { parsePlanCsv, PLAN_COLUMNS, splitDatedUpdate, writePlanCsv } from './plan-csv.js';

/** One line of an import's report. */
export interface PlanImportResult {
  line: number;
  ref: string;
  outcome: 'created' | 'updated' | 'unchanged';
  /** What changed on an update: field names such as status, due, update. */
  changes: string[];
}

const latestText = (updates: readonly ActionUpdate[]) => updates.find((u) => u.text !== null) ?? null;

/**
 * The export writes a person known by no UPN (assigned as `me` or by @mention before Teams gave
 * one) by name; reading that name back is the same person, not an agency of that name.
 */
function sameUnnamedPerson(r: PlanRow, before: Action | null): boolean {
  return r.owner.kind === 'agency' && before?.ownerKind === 'person' && !before.ownerUpn && before.holderName === r.owner.agency;
}

async function ownerIds(
  db: Db,
  r: PlanRow,
  before: Action | null,
): Promise<{ owner_kind: 'person' | 'agency'; owner_upn: string | null; owner_user_id: string | null; owner_agency: string | null }> {
  if (sameUnnamedPerson(r, before))
    return { owner_kind: 'person', owner_upn: null, owner_user_id: before!.ownerUserId, owner_agency: null };
  if (r.owner.kind === 'person') {
    const u = await db.selectFrom('users').select('id').where('upn', '=', r.owner.upn).executeTakeFirst();
    const same = before?.ownerKind === 'person' && before.ownerUpn === r.owner.upn;
    return {
      owner_kind: 'person',
      owner_upn: r.owner.upn,
      owner_user_id: same ? (before!.ownerUserId ?? u?.id ?? null) : (u?.id ?? null),
      owner_agency: null,
    };
  }
  if (r.contact) {
    const u = await db.selectFrom('users').select('id').where('upn', '=', r.contact).executeTakeFirst();
    return { owner_kind: 'agency', owner_agency: r.owner.agency, owner_upn: r.contact, owner_user_id: u?.id ?? null };
  }
  // No contact in the file: a named contact set in Teams is kept while the agency is unchanged.
  const keep = before?.ownerKind === 'agency' && before.ownerAgency === r.owner.agency;
  return {
    owner_kind: 'agency',
    owner_agency: r.owner.agency,
    owner_upn: keep ? before!.ownerUpn : null,
    owner_user_id: keep ? before!.ownerUserId : null,
  };
}

/**
 * The history entry a row's update stands for: on the same date (an undated one: the undated
 * entry), so a re-import that changed its text revises it rather than adding a second entry.
 */
function twinOf(r: PlanRow, updates: readonly ActionUpdate[]): ActionUpdate | null {
  const u = r.update;
  if (!u) return null;
  return updates.find((x) => x.text !== null && (u.date === null ? x.undated : x.date === u.date)) ?? null;
}

function changesOf(r: PlanRow, a: Action, updates: readonly ActionUpdate[]): string[] {
  const ownerSame =
    sameUnnamedPerson(r, a) ||
    (r.owner.kind === 'person'
      ? a.ownerKind === 'person' && a.ownerUpn === r.owner.upn
      : a.ownerKind === 'agency' && a.ownerAgency === r.owner.agency && (!r.contact || a.ownerUpn === r.contact));
  // An undated update also matches the latest update with the same text, whatever its date.
  const latest = latestText(updates);
  const updateSame = !r.update || twinOf(r, updates)?.text === r.update.text || (r.update.date === null && latest?.text === r.update.text);
  return [
    ...(a.ref !== r.ref ? ['ref'] : []),
    ...(a.objective !== r.objective ? ['objective'] : []),
    ...(a.text !== r.text ? ['action'] : []),
    ...(a.pillar !== r.pillar ? ['pillar'] : []),
    ...(!ownerSame ? ['owner'] : []),
    ...(a.status !== r.status ? ['status'] : []),
    ...(a.dueDate !== r.due ? ['due'] : []),
    ...(!updateSame ? ['update'] : []),
  ];
}

async function applyRow(trx: Db, r: PlanRow, actor: ActionActor, now: Date): Promise<PlanImportResult> {
  const today = londonDate(now);
  const before = await findByRef(trx, r.ref);
  const history = before ? ((await updatesFor(trx, [before.id])).get(before.id) ?? []) : [];
  const changes = before ? changesOf(r, before, history) : [];
  if (before && changes.length === 0) return { line: r.line, ref: r.ref, outcome: 'unchanged', changes };
  const owner = await ownerIds(trx, r, before);
  // A new action, or one whose holder changed, belongs to its holder's district (districts.ts).
  const placed =
    !before || changes.includes('owner')
      ? { district: await holderDistrict(trx, { userId: owner.owner_user_id, upn: owner.owner_upn }) }
      : {};
  const fields = {
    ref: r.ref,
    objective: r.objective,
    text: r.text,
    pillar: r.pillar,
    due_date: r.due,
    updated_at: now,
    ...owner,
    ...placed,
  };
  let id: string;
  if (before) {
    id = before.id;
    await trx.updateTable('actions').set(fields).where('id', '=', id).execute();
  } else {
    id = (
      await trx
        .insertInto('actions')
        .values({ district: null, ...fields, status: r.status, raised_at_meeting_id: null, created_by: actor.userId, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  }
  const author = { actionId: id, authorUserId: actor.userId, authorName: actor.name, now };
  if (before && before.status !== r.status)
    await insertUpdate(trx, { ...author, date: today, text: null, statusFrom: before.status, statusTo: r.status });
  if (r.update && (!before || changes.includes('update'))) {
    // Re-imported with changed text: one revised entry, not a second one. Undated stays undated (never "since" a meeting).
    const twin = twinOf(r, history);
    if (twin?.imported) await reviseUpdate(trx, { actionId: id, updateId: twin.id, text: r.update.text, now });
    else await insertUpdate(trx, { ...author, date: r.update.date, text: r.update.text, statusFrom: null, statusTo: null, imported: true });
  }
  await recordAudit(trx, {
    actor: actor.label,
    action: before ? 'action.imported_update' : 'action.imported',
    entityType: 'action',
    entityId: id,
    details: { ref: r.ref, line: r.line, changes },
  });
  return { line: r.line, ref: r.ref, outcome: before ? 'updated' : 'created', changes };
}

/**
 * Imports a delivery plan CSV (docs/interfaces.md). Every row is checked first; any bad row means
 * nothing is written. Existing refs are updated (a changed status and a new latest update are
 * added to the action's history; an imported update whose text changed is revised in place);
 * identical rows are left unchanged. An update without a date is kept undated. A new action, or one with a
 * new holder, belongs to the holder's district (districts.ts). One transaction, audited.
 * @throws ValidationError listing every bad row as `line N.column`
 */
export async function importPlan(conn: Kysely<Database>, csvText: string, actor: ActionActor, now: Date): Promise<PlanImportResult[]> {
  const { rows, issues } = parsePlanCsv(csvText);
  if (issues.length) throw new ValidationError(`${issues.length} problem(s) in the plan; nothing was written`, issues);
  return conn.transaction().execute(async (trx) => {
    const results: PlanImportResult[] = [];
    for (const r of rows) results.push(await applyRow(trx, r, actor, now));
    const tally = (o: PlanImportResult['outcome']) => results.filter((x) => x.outcome === o).length;
    await recordAudit(trx, {
      actor: actor.label,
      action: 'plan.imported',
      entityType: 'plan',
      entityId: 'delivery-plan',
      details: { rows: rows.length, created: tally('created'), updated: tally('updated'), unchanged: tally('unchanged') },
    });
    return results;
  });
}

/**
 * The whole plan as CSV (every action, discharged included; the latest dated update of each).
 * Audited as a disclosure. A person not known by UPN is written by name.
 */
export async function exportPlan(conn: Kysely<Database>, actor: ActionActor, reason: string): Promise<{ csv: string; count: number }> {
  return conn.transaction().execute(async (trx) => {
    const actions = await fetchActions(actionsQuery(trx), trx);
    const updates = await updatesFor(
      trx,
      actions.map((a) => a.id),
    );
    const csv = writePlanCsv(
      actions.map((a) => {
        const u = latestText(updates.get(a.id) ?? []);
        return {
          ref: a.ref,
          objective: a.objective,
          text: a.text,
          pillar: a.pillar,
          owner: a.ownerKind === 'agency' ? (a.ownerAgency ?? '') : (a.ownerUpn ?? a.holderName ?? ''),
          contact: a.ownerKind === 'agency' ? a.ownerUpn : null,
          status: a.status,
          due: a.dueDate,
          update: u ? { date: u.undated ? null : u.date, text: u.text! } : null,
        };
      }),
    );
    await recordAudit(trx, {
      actor: actor.label,
      action: 'plan.exported',
      entityType: 'plan',
      entityId: 'delivery-plan',
      details: { count: actions.length, reason },
    });
    return { csv, count: actions.length };
  });
}
