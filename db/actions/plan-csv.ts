import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { isUpn, normaliseRef, parsePillar, parseStatus, UNASSIGNED, type ActionStatus, type PillarOrNone } from './actions.model.js';
import { z } from 'zod';
import { atMost, TEXT_LIMITS } from '../text-limits.js';
import { parsePlanDate } from '../time/date-grammar.js';

/**
 * The delivery plan CSV of docs/interfaces.md (pure): UTF-8, header row, RFC 4180 quoting, columns
 * `ref,objective,action,pillar,owner,contact,status,due,update` (`contact` optional: an agency's
 * named contact for the action, by UPN). Tolerant where plans differ in writing
 * (seed 004): statuses as "In Progress"/"BAU", pillars by title or alias, an empty pillar
 * (not yet assigned), UK dates `22/6/18`, and an update's leading `YYYY-MM-DD:` or `d/m/yy:` date.
 */
export const PLAN_COLUMNS = ['ref', 'objective', 'action', 'pillar', 'owner', 'contact', 'status', 'due', 'update'] as const;
const REQUIRED = ['ref', 'action', 'owner'] as const;

/** One valid row of a plan file. */
export interface PlanRow {
  line: number;
  ref: string;
  objective: string | null;
  text: string;
  pillar: PillarOrNone;
  owner: { kind: 'person'; upn: string } | { kind: 'agency'; agency: string };
  /** An agency's named contact for this action (a UPN); null: none given. */
  contact: string | null;
  status: ActionStatus;
  due: string | null;
  /** The latest update; `date` null means undated (kept as "undated (imported)"). */
  update: { date: string | null; text: string } | null;
}

type Issue = { path: string; message: string };

const UPDATE_DATE = /^\s*(\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/(?:\d{2}|\d{4}))\s*[:\u2013\u2014-]\s*([\s\S]+)$/;

/** Splits `2026-11-20: text` / `22/6/18 – text` into date and text; otherwise the whole text, undated. */
export function splitDatedUpdate(raw: string): { date: string | null; text: string } {
  const m = UPDATE_DATE.exec(raw);
  const date = m ? parsePlanDate(m[1]!) : null;
  return date && m ? { date, text: m[2]!.trim() } : { date: null, text: raw.trim() };
}

/** A cell as read: trimmed, a missing column as empty. */
const cell = z.union([z.string(), z.undefined()]).transform((s) => (s ?? '').trim());

/**
 * A cell read by `read` (null when it cannot), refused with `refusal(text)`; an empty cell gives
 * `ifEmpty.value`, or is refused when `ifEmpty` is null (a required column).
 */
const readCell = <T>(read: (t: string) => T | null, ifEmpty: { value: T } | null, refusal: (t: string) => string) =>
  cell.transform((t, ctx): T => {
    if (!t && ifEmpty) return ifEmpty.value;
    const v = t ? read(t) : null;
    if (v !== null) return v;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: refusal(t) });
    return z.NEVER;
  });

/**
 * One row of a plan file (docs/interfaces.md), column by column in the file's order, against the one
 * table of text limits (db/text-limits.ts): the same limits as `assign`, `action REF update`
 * and the assign form. Unknown columns are ignored.
 */
export const planRecordSchema = z.object({
  ref: readCell(normaliseRef, null, (t) =>
    t ? `"${t.slice(0, 30)}" is not a reference (up to 20 letters, digits, . - / and spaces, e.g. 1.1 a)` : 'is required',
  ),
  action: cell.pipe(
    z
      .string()
      .min(3, 'is required: what is to be done')
      .max(TEXT_LIMITS.actionText, `is ${atMost('actionText')}`),
  ),
  objective: cell.pipe(z.string().max(TEXT_LIMITS.objective, `is ${atMost('objective')}`)).transform((t) => t || null),
  pillar: readCell<PillarOrNone>(
    parsePillar,
    { value: UNASSIGNED },
    (t) =>
      `"${t.slice(0, 40)}" is not a pillar: prevention, responding, increasing_reporting, supporting_victims, building_understanding or investigation_quality`,
  ),
  owner: cell
    .superRefine((t, ctx) => {
      const bad = (message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      if (!t) bad('is required: a UPN, or an agency such as TVP or OCC');
      if (t.length > TEXT_LIMITS.agency) bad(`is ${atMost('agency')}`);
      if (t.includes('@') && !isUpn(t)) bad(`"${t.slice(0, 40)}" looks like an e-mail address but is not one`);
    })
    .transform((t): PlanRow['owner'] => (isUpn(t) ? { kind: 'person', upn: t.toLowerCase() } : { kind: 'agency', agency: t })),
  contact: readCell<string | null>(
    (t) => (isUpn(t) ? t.toLowerCase() : null),
    { value: null },
    (t) => `"${t.slice(0, 40)}" is not a user principal name: the agency's named contact, e.g. name@council.gov.uk`,
  ),
  status: readCell<ActionStatus>(
    parseStatus,
    { value: 'not_started' },
    (t) => `"${t.slice(0, 30)}" is not a status: not_started, in_progress, bau, completed or discharged`,
  ),
  due: readCell<string | null>(
    parsePlanDate,
    { value: null },
    (t) => `"${t.slice(0, 30)}" is not a date: write 2026-12-01 (or 1/12/2026, 1 Dec 2026)`,
  ),
  update: cell
    .transform((t) => (t ? splitDatedUpdate(t) : null))
    .refine((u) => !u || u.text.length <= TEXT_LIMITS.actionUpdate, `is ${atMost('actionUpdate')}`),
});

function row(rec: Record<string, string>, line: number, issues: Issue[]): PlanRow | null {
  const p = planRecordSchema.safeParse(rec);
  if (!p.success) {
    issues.push(...p.error.issues.map((i) => ({ path: `line ${line}.${String(i.path[0] ?? '(row)')}`, message: i.message })));
    return null;
  }
  const { action, ...rest } = p.data;
  if (rest.contact && rest.owner.kind === 'person') {
    issues.push({ path: `line ${line}.contact`, message: 'a contact is for an agency owner; this owner is a person' });
    return null;
  }
  return { line, ...rest, text: action };
}

/**
 * Reads a plan file, checking every row. @returns the rows, or every problem as
 * `{ path: 'line N.column', message }` (line numbers count the header as line 1; a quoted
 * multi-line cell counts as the line it starts on).
 */
export function parsePlanCsv(text: string): { rows: PlanRow[]; issues: Issue[] } {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      skip_empty_lines: true,
      bom: true,
      info: true,
      relax_column_count: false,
    });
  } catch (e) {
    return { rows: [], issues: [{ path: '(file)', message: `not valid CSV: ${(e as Error).message}` }] };
  }
  const issues: Issue[] = [];
  const header = records[0] ? Object.keys(records[0].record) : [];
  const missing = REQUIRED.filter((c) => records.length > 0 && !header.includes(c));
  if (missing.length)
    return {
      rows: [],
      issues: [{ path: 'line 1', message: `missing column(s) ${missing.join(', ')}; the header is ${PLAN_COLUMNS.join(',')}` }],
    };
  if (records.length === 0) return { rows: [], issues: [{ path: '(file)', message: 'the file has no actions' }] };
  const rows: PlanRow[] = [];
  const seen = new Map<string, number>();
  let start = 2;
  for (const { record, info } of records) {
    const r = row(record, start, issues);
    if (r) {
      const first = seen.get(r.ref.toLowerCase());
      if (first) issues.push({ path: `line ${start}.ref`, message: `${r.ref} is also on line ${first}` });
      else seen.set(r.ref.toLowerCase(), start);
      rows.push(r);
    }
    start = info.lines + 1;
  }
  return { rows, issues };
}

/** One action as exported. */
export interface PlanExportRow {
  ref: string;
  objective: string | null;
  text: string;
  pillar: string;
  owner: string;
  contact: string | null;
  status: string;
  due: string | null;
  /** `date` null: undated (written as the text alone, so it is read back undated). */
  update: { date: string | null; text: string } | null;
}

/** Writes the plan CSV (header first; rows in natural ref order: 1.2 before 1.10). */
export function writePlanCsv(rows: readonly PlanExportRow[]): string {
  const sorted = [...rows].sort((a, b) => a.ref.localeCompare(b.ref, 'en-GB', { numeric: true, sensitivity: 'base' }));
  return stringify(
    sorted.map((r) => [
      r.ref,
      r.objective ?? '',
      r.text,
      r.pillar === UNASSIGNED ? '' : r.pillar,
      r.owner,
      r.contact ?? '',
      r.status,
      r.due ?? '',
      r.update ? (r.update.date ? `${r.update.date}: ${r.update.text}` : r.update.text) : '',
    ]),
    { header: true, columns: [...PLAN_COLUMNS], quoted_match: /[\r\n",]/, record_delimiter: 'windows' },
  );
}
