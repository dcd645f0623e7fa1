/**
 * Delivery-plan vocabulary (docs/domain.md "Delivery plan, actions and meetings"; seeds 001, 004).
 * Pure: no I/O.
 */

/** Pillars of the delivery plan: Action Against Hate's five, plus investigation quality (seed 001). */
export const PILLARS = [
  'prevention',
  'responding',
  'increasing_reporting',
  'supporting_victims',
  'building_understanding',
  'investigation_quality',
] as const;
export type Pillar = (typeof PILLARS)[number];

/** Agenda wording of each pillar (seed 001, appendices A and B: "6 key actions"). */
export const PILLAR_TITLES: Record<Pillar, string> = {
  prevention: 'Preventing hate crime',
  responding: 'Responding to hate crime in our communities',
  increasing_reporting: 'Increasing the reporting of hate crime',
  supporting_victims: 'Improving support for the victims of hate crime',
  building_understanding: 'Building our understanding of hate crime',
  investigation_quality: 'Improve the quality of our investigations',
};

/** Action statuses (seed 004); only the tactical lead (a manager) discharges. */
export const STATUSES = ['not_started', 'in_progress', 'bau', 'completed', 'discharged'] as const;
export type ActionStatus = (typeof STATUSES)[number];
/** Open actions: their holders are asked for updates before each tactical meeting. */
export const OPEN_STATUSES: readonly ActionStatus[] = ['not_started', 'in_progress', 'bau'];
/** Statuses in which a past due date makes an action overdue (BAU has no end to miss). One rule for lists, chases, packs and summaries. */
export const OVERDUE_STATUSES = ['not_started', 'in_progress'] as const satisfies readonly ActionStatus[];
/** Overdue on `today` (a London `YYYY-MM-DD`). */
export const isOverdue = (a: { dueDate: string | null; status: string }, today: string): boolean =>
  Boolean(a.dueDate && a.dueDate < today && (OVERDUE_STATUSES as readonly string[]).includes(a.status));
/** Statuses the meeting pack proposes for discharge (the tactical lead decides; seed 001 1.8). */
export const DISCHARGE_CANDIDATES: readonly ActionStatus[] = ['completed', 'bau'];

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

const PILLAR_ALIASES: Record<string, Pillar> = {
  prevent: 'prevention',
  preventing: 'prevention',
  response: 'responding',
  respond: 'responding',
  reporting: 'increasing_reporting',
  victims: 'supporting_victims',
  support: 'supporting_victims',
  victim_support: 'supporting_victims',
  understanding: 'building_understanding',
  investigation: 'investigation_quality',
  investigations: 'investigation_quality',
  quality: 'investigation_quality',
};

/** Reads a pillar key, its agenda title, or a short alias (`victims`, `reporting`); null if none. */
export function parsePillar(text: string): Pillar | null {
  const n = norm(text);
  if ((PILLARS as readonly string[]).includes(n)) return n as Pillar;
  const byTitle = PILLARS.find((p) => norm(PILLAR_TITLES[p]) === n);
  return byTitle ?? PILLAR_ALIASES[n] ?? null;
}

const STATUS_ALIASES: Record<string, ActionStatus> = {
  business_as_usual: 'bau',
  complete: 'completed',
  done: 'completed',
  started: 'in_progress',
  ongoing: 'in_progress',
};

/** Reads a status as written in plans ("In Progress", "BAU", "Not started", "complete"); null if none. */
export function parseStatus(text: string): ActionStatus | null {
  const n = norm(text);
  if ((STATUSES as readonly string[]).includes(n)) return n as ActionStatus;
  return STATUS_ALIASES[n] ?? null;
}

/**
 * Canonical form of a plan reference: collapsed spaces, a sub-action letter separated by one
 * space and lower case (`1.1a`, `1.1 A` → `1.1 a`, as in seed 004). Null when it is not a reference
 * (1 to 20 characters: letters, digits, `.`, `-`, `/`, spaces; starting with a letter or digit).
 */
export function normaliseRef(text: string): string | null {
  const t = text.trim().replace(/\s+/g, ' ');
  if (!/^[A-Za-z0-9][A-Za-z0-9 ./-]{0,19}$/.test(t)) return null;
  const sub = /^(\d+(?:\.\d+)*)\s*([A-Za-z])$/.exec(t);
  return sub ? `${sub[1]} ${sub[2]!.toLowerCase()}` : t;
}

/** Whether `text` looks like a user principal name / e-mail address. */
export const isUpn = (text: string): boolean => /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(text.trim());

/** Stored pillar of an action assigned without one, until `action <ref> pillar <p>` sets it. */
export const UNASSIGNED = 'unassigned';
export type PillarOrNone = Pillar | typeof UNASSIGNED;

/** An action of the delivery plan, as the services return it. Dates are London 'YYYY-MM-DD'. */
export interface Action {
  id: string;
  ref: string;
  objective: string | null;
  text: string;
  pillar: PillarOrNone;
  ownerKind: 'person' | 'agency';
  ownerUpn: string | null;
  ownerUserId: string | null;
  ownerAgency: string | null;
  /** The holder's name (the person, or the agency's named contact) when known to the bot. */
  holderName: string | null;
  /** Whether the holder can be reached in Teams (a known user with a Teams id). */
  holderInTeams: boolean;
  /** The holder's user id when the bot knows them (by id, or by UPN once they are learnt). */
  holderUserId: string | null;
  /**
   * Who answers for the action (issue 13 item 1): the person; for an agency, its named contact for
   * this action, else every roster user listed with the agency (empty: the coordinator stands in).
   */
  contacts: ActionContact[];
  status: ActionStatus;
  dueDate: string | null;
  district: string | null;
  raisedAtMeetingId: string | null;
  createdBy: string | null;
  updatedAt: Date;
}

/** A person who answers for an action: its holder, or one of an agency's named contacts. */
export interface ActionContact {
  userId: string | null;
  upn: string | null;
  name: string;
  /** Known in Teams (has a Teams id), so reminders reach them. */
  inTeams: boolean;
}

/** A dated update or status change of an action. */
export interface ActionUpdate {
  id: string;
  /** 'YYYY-MM-DD'; '' for an update imported without a date, which sorts before every date and is never "since" any day. */
  date: string;
  /** Imported without a date: shown as "undated (imported)". */
  undated: boolean;
  /** Came from a plan file. */
  imported: boolean;
  /** When a re-import revised its text (null: never). */
  revisedAt: Date | null;
  text: string | null;
  statusFrom: ActionStatus | null;
  statusTo: ActionStatus | null;
  authorName: string;
  at: Date;
}

/** "Megan Bowen", "OCC (contact: Megan Bowen)", "OCC", or the UPN when the person is not known yet. */
export function ownerLabel(a: Pick<Action, 'ownerKind' | 'ownerAgency' | 'holderName' | 'ownerUpn'>): string {
  const person = a.holderName ?? a.ownerUpn;
  if (a.ownerKind === 'agency') return person ? `${a.ownerAgency} (contact: ${person})` : (a.ownerAgency ?? 'agency not recorded');
  return person ?? 'not recorded';
}

/** Who is acting, as services need them: the access rule's actor (db/access). */
export type { Actor as ActionActor } from '../access/access.policy.js';
export { isHolder, systemActor } from '../access/access.policy.js';
