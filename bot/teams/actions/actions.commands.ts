import {
  isUpn,
  normaliseRef,
  parsePillar,
  parseStatus,
  parseUkDate,
  parseUkDateTime,
  PILLARS,
  type ActionChange,
  type ActionFilter,
  type Pillar,
} from '../../../db/actions/actions.service.js';
import { MEETING_KINDS, type MeetingKind, type Recurrence } from '../../../db/meetings/meetings.service.js';
import { TEXT_LIMITS, tooLong } from '../../../db/text-limits.js';

/** How the coordinator named the holder in `assign … to <person>`. */
export type PersonToken =
  { kind: 'me' } | { kind: 'mention'; name: string } | { kind: 'upn'; upn: string } | { kind: 'name'; name: string };

/** A parsed delivery-plan or meeting command. */
export type ActionCommand =
  | { name: 'assignForm' }
  | {
      name: 'assign';
      text: string;
      person: PersonToken;
      agency: string | null;
      pillar: Pillar | null;
      due: string | null;
      ref: string | null;
    }
  | { name: 'show'; ref: string }
  | { name: 'history'; ref: string }
  | { name: 'reassign'; ref: string; person: PersonToken | null; agency: string | null; contact: PersonToken | null }
  | { name: 'change'; ref: string; change: ActionChange }
  | { name: 'list'; filter: ActionFilter }
  | { name: 'schedule'; kind: MeetingKind; startsAt: Date; timeGiven: boolean; recurrence: Recurrence | null }
  | { name: 'pack'; kind: 'tactical' | 'strategic' }
  | { name: 'meetings' }
  | { name: 'invalid'; problem: string; usage: string };

/** The right form of each command, for answers to malformed input and for `help`. */
export const USAGE = {
  assign:
    '`assign WHAT to @person [pillar PILLAR] [due DATE] [ref REF] [agency AGENCY]`, e.g. `assign Review the hate crime web pages to @Megan Bowen pillar increasing_reporting due 12/1`; the person may also be `me`, a UPN or a name. Or type `assign` alone for the form',
  action:
    '`action REF update TEXT`, `action REF status not_started|in_progress|bau|completed`, `action REF discharge`, `action REF pillar PILLAR`, `action REF holder @person|agency NAME [contact @person]`, `action REF history`, or `action REF` to open it',
  actions: '`actions`, `actions mine`, `actions overdue`, `actions pillar PILLAR` or `actions owner NAME`',
  meeting:
    '`meeting schedule tactical|strategic|case-management|scrutiny DATE TIME [monthly|quarterly|once]`, e.g. `meeting schedule tactical 12/1 10:00`; `meeting pack [tactical|strategic]`; `meetings`',
} as const;

const PILLAR_LIST = PILLARS.join(', ');
const invalid = (problem: string, usage: string): ActionCommand => ({ name: 'invalid', problem, usage });
const OPTION = /\b(pillar|due|ref|agency)\b/gi;

function parsePerson(tail: string): { person: PersonToken; rest: string } | { problem: string } {
  const mention = /^<at>([^<]{1,200})<\/at>/i.exec(tail);
  if (mention) return { person: { kind: 'mention', name: mention[1]!.trim() }, rest: tail.slice(mention[0].length) };
  const me = /^(me|myself)\b/i.exec(tail);
  if (me) return { person: { kind: 'me' }, rest: tail.slice(me[0].length) };
  const first = /^\S+/.exec(tail)?.[0] ?? '';
  const bare = first.replace(/^@/, '');
  if (bare.includes('@') && isUpn(bare)) return { person: { kind: 'upn', upn: bare.toLowerCase() }, rest: tail.slice(first.length) };
  if (bare.includes('@')) return { problem: `"${bare.slice(0, 60)}" is not a user principal name or e-mail address` };
  const end = tail.search(OPTION);
  const name = (end < 0 ? tail : tail.slice(0, end)).replace(/^@/, '').trim();
  if (!name) return { problem: 'say who holds the action after "to": @mention them, or give their UPN or name' };
  if (name.length > TEXT_LIMITS.personName || !/^[\p{L}\p{M}' .-]+$/u.test(name))
    return { problem: `"${name.slice(0, 60)}" is not a name I can look up: @mention the person or give their UPN` };
  return { person: { kind: 'name', name }, rest: end < 0 ? '' : tail.slice(end) };
}

function parseOptions(
  rest: string,
  now: Date,
): { pillar: Pillar | null; due: string | null; ref: string | null; agency: string | null } | { problem: string } {
  const t = rest.trim();
  if (!t) return { pillar: null, due: null, ref: null, agency: null };
  const parts = t.split(OPTION).map((s) => s.trim());
  if (parts[0])
    return { problem: `I did not understand "${parts[0].slice(0, 40)}" after the holder; options are pillar, due, ref and agency` };
  const seen = new Map<string, string>();
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i]!.toLowerCase();
    if (seen.has(key)) return { problem: `${key} is given twice` };
    if (!parts[i + 1]) return { problem: `${key} needs a value` };
    seen.set(key, parts[i + 1]!);
  }
  const p = seen.get('pillar');
  const pillar = p ? parsePillar(p) : null;
  if (p && !pillar) return { problem: `"${p.slice(0, 40)}" is not a pillar; use one of ${PILLAR_LIST}` };
  const d = seen.get('due');
  const due = d ? parseUkDate(d, now) : null;
  if (due && !due.ok) return { problem: `the due date: ${due.message}` };
  const r = seen.get('ref');
  const ref = r ? normaliseRef(r) : null;
  if (r && !ref) return { problem: `"${r.slice(0, 30)}" is not a ref (up to 20 letters, digits, . - / and spaces, e.g. 3.3 h)` };
  const agency = seen.get('agency') ?? null;
  if (agency && agency.length > TEXT_LIMITS.agency) return { problem: tooLong('an agency name', 'agency') };
  return { pillar: pillar as Pillar | null, due: due?.ok ? due.date : null, ref, agency };
}

/** `assign <text> to <person> [options]`: the holder follows the last " to " that leads to a valid person and options. */
function parseAssign(arg: string, now: Date): ActionCommand {
  if (!arg) return { name: 'assignForm' };
  const tos = [...arg.matchAll(/(?=\sto\s)/gi)].map((m) => m.index).reverse();
  if (tos.length === 0) return invalid('say who holds the action: end with `to @person`', USAGE.assign);
  let firstProblem = '';
  for (const at of tos) {
    const text = arg.slice(0, at).trim();
    const person = parsePerson(arg.slice(at).replace(/^\s+to\s+/i, ''));
    if ('problem' in person) {
      firstProblem ||= person.problem;
      continue;
    }
    const opts = parseOptions(person.rest, now);
    if ('problem' in opts) {
      firstProblem ||= opts.problem;
      continue;
    }
    if (text.length < 3) return invalid('say what is to be done before "to"', USAGE.assign);
    if (text.length > TEXT_LIMITS.actionText) return invalid(tooLong('the action text', 'actionText'), USAGE.assign);
    return { name: 'assign', text, person: person.person, ...opts };
  }
  return invalid(firstProblem, USAGE.assign);
}

/** `holder @person` or `holder agency NAME [contact @person]` (issue 13 item 1). */
function parseHolder(ref: string, value: string): ActionCommand {
  const whole = (text: string): PersonToken | string => {
    const p = parsePerson(text.trim());
    if ('problem' in p) return p.problem;
    return p.rest.trim() ? `I did not understand "${p.rest.trim().slice(0, 40)}" after the person` : p.person;
  };
  if (!value) return invalid('name the new holder: `holder @person` or `holder agency NAME [contact @person]`', USAGE.action);
  const ag = /^agency\s+(.+?)(?:\s+contact\s+([\s\S]+))?$/i.exec(value);
  if (!ag) {
    const person = whole(value);
    return typeof person === 'string' ? invalid(person, USAGE.action) : { name: 'reassign', ref, person, agency: null, contact: null };
  }
  const agency = ag[1]!.trim();
  if (agency.length > TEXT_LIMITS.agency) return invalid(tooLong('an agency name', 'agency'), USAGE.action);
  const contact = ag[2] ? whole(ag[2]) : null;
  if (typeof contact === 'string') return invalid(`the contact: ${contact}`, USAGE.action);
  return { name: 'reassign', ref, person: null, agency, contact };
}

function parseAction(arg: string): ActionCommand {
  const m = /^(.+?)(?:\s+(update|status|discharge|pillar|holder|history)\b\s*([\s\S]*))?$/i.exec(arg);
  if (!arg || !m) return invalid('which action? Give its ref, e.g. `action 1.1 a`', USAGE.action);
  const ref = normaliseRef(m[1]!);
  if (!ref) return invalid(`"${m[1]!.slice(0, 30)}" is not a ref (e.g. 1.1 a or A3)`, USAGE.action);
  const verb = m[2]?.toLowerCase();
  const value = (m[3] ?? '').trim();
  if (!verb) return { name: 'show', ref };
  if (verb === 'history') return value ? invalid('`history` takes nothing after it', USAGE.action) : { name: 'history', ref };
  if (verb === 'holder') return parseHolder(ref, value);
  if (verb === 'update') {
    if (value.length < 2) return invalid('write the update after `update`', USAGE.action);
    if (value.length > TEXT_LIMITS.actionUpdate) return invalid(tooLong('an update', 'actionUpdate'), USAGE.action);
    return { name: 'change', ref, change: { kind: 'update', text: value } };
  }
  if (verb === 'status') {
    const status = parseStatus(value);
    if (status === 'discharged') return invalid('discharging is for the tactical lead: `action REF discharge`', USAGE.action);
    if (!status) return invalid(value ? `"${value.slice(0, 30)}" is not a status` : 'give the new status', USAGE.action);
    return { name: 'change', ref, change: { kind: 'status', status } };
  }
  if (verb === 'pillar') {
    const pillar = parsePillar(value);
    if (!pillar)
      return invalid(value ? `"${value.slice(0, 40)}" is not a pillar; use one of ${PILLAR_LIST}` : 'give the pillar', USAGE.action);
    return { name: 'change', ref, change: { kind: 'pillar', pillar } };
  }
  if (value) return invalid('`discharge` takes nothing after it', USAGE.action);
  return { name: 'change', ref, change: { kind: 'discharge' } };
}

function parseList(arg: string): ActionCommand {
  const [word = '', ...rest] = arg.split(' ');
  const value = rest.join(' ').trim();
  switch (word.toLowerCase()) {
    case '':
      return { name: 'list', filter: { kind: 'all' } };
    case 'mine':
    case 'my':
      return { name: 'list', filter: { kind: 'mine' } };
    case 'overdue':
      return value ? invalid('`actions overdue` takes nothing after it', USAGE.actions) : { name: 'list', filter: { kind: 'overdue' } };
    case 'pillar': {
      const pillar = parsePillar(value);
      return pillar
        ? { name: 'list', filter: { kind: 'pillar', pillar } }
        : invalid(value ? `"${value.slice(0, 40)}" is not a pillar; use one of ${PILLAR_LIST}` : 'which pillar?', USAGE.actions);
    }
    case 'owner': {
      const owner = value
        .replace(/<\/?at>/gi, '')
        .replace(/^@/, '')
        .trim();
      return owner && owner.length <= TEXT_LIMITS.personName
        ? { name: 'list', filter: { kind: 'owner', owner } }
        : invalid('whose actions? Give a name, UPN or agency', USAGE.actions);
    }
    default:
      return invalid(`I don't know "actions ${word.slice(0, 30)}"`, USAGE.actions);
  }
}

function parseMeeting(arg: string, now: Date): ActionCommand {
  const [word = '', ...rest] = arg.split(' ');
  const value = rest.join(' ').trim();
  if (!word) return { name: 'meetings' };
  if (word.toLowerCase() === 'pack') {
    const kind = (value || 'tactical').toLowerCase();
    return kind === 'tactical' || kind === 'strategic'
      ? { name: 'pack', kind }
      : invalid('packs are for `tactical` or `strategic` meetings', USAGE.meeting);
  }
  if (word.toLowerCase() !== 'schedule') return invalid(`I don't know "meeting ${word.slice(0, 30)}"`, USAGE.meeting);
  const km = /^(tactical|strategic|case[- ]?management|scrutiny)\b\s*(.*)$/i.exec(value);
  if (!km) return invalid(`which meeting? One of ${MEETING_KINDS.join(', ')}`, USAGE.meeting);
  const kind = km[1]!.toLowerCase().replace(/case[- ]?management/, 'case-management') as MeetingKind;
  const rm = /^(.*?)\s*\b(monthly|quarterly|once|one-off)$/i.exec(km[2]!);
  const when = (rm ? rm[1]! : km[2]!).trim();
  const recurrence = rm ? (rm[2]!.toLowerCase() === 'one-off' ? 'once' : (rm[2]!.toLowerCase() as Recurrence)) : null;
  if (!when) return invalid('when? Give the date and time, e.g. `12/1 10:00`', USAGE.meeting);
  const at = parseUkDateTime(when, now);
  if (!at.ok) return invalid(at.message, USAGE.meeting);
  return { name: 'schedule', kind, startsAt: at.at, timeGiven: at.timeGiven, recurrence };
}

/**
 * Parses `assign`, `action`, `actions`, `meeting` and `meetings` commands (the bot's mention
 * already removed). Dates read the UK way against `now` (Europe/London). Never throws: input
 * it cannot use gives `invalid` with the problem and the right form.
 */
export function parseActionCommand(text: string, now: Date): ActionCommand {
  const t = text.replace(/[^\S\n]+/g, ' ').trim();
  const m = /^(\S*)\s*([\s\S]*)$/.exec(t)!;
  const word = m[1]!;
  const arg = m[2]!.trim();
  switch (word.toLowerCase()) {
    case 'assign':
      return parseAssign(arg, now);
    case 'action':
      return parseAction(arg);
    case 'actions':
      return parseList(arg);
    case 'meeting':
      return parseMeeting(arg, now);
    case 'meetings':
      return arg ? invalid('`meetings` takes nothing after it', USAGE.meeting) : { name: 'meetings' };
    default:
      return invalid(`I don't know "${word.slice(0, 30)}"`, USAGE.action);
  }
}
