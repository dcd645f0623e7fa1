import { z } from 'zod';
import { FORMATS, inLondon, ukDateTime } from '../time/london-time.js';
import { addWorkingDays } from '../schedule/working-days.js';
import { nchiWording } from './nchi-wording.js';

export { nchiWording } from './nchi-wording.js';

// The RMS endorsement (issue 12 item 1; seed 000, output 4: "Ensure NICHE is accurately endorsed ...
// utilising HCC checklist and make recommendations"): the coordinator's advice as plain text to paste
// into the records system. Pure: template checks and rendering, no I/O.

/** Who must act on a checklist item answered "no" (the occurrence's OIC or supervisor, or the coordinator). */
export type EndorsementOwner = 'oic' | 'supervisor' | 'coordinator';

/** Who acts on an item answered "no", and within how many working days of the review. */
export interface ItemRule {
  owner: EndorsementOwner;
  workingDays: number;
}

/**
 * Owners and deadlines of the default checklist's "no" items. Working days skip weekends and England
 * and Wales bank holidays, as the review schedule does (db/schedule/working-days.ts). Sources: seed 001
 * (the supervisor's 24h victim contact and supervision), seed 004 (the DS's 24h task review: NCRS,
 * VCC), the Victims' Code (referral within 2 working days); the coordinator endorses the RMS
 * (seed 000). Items of a force's own checklist default to the OIC within 2 working days; the template
 * file's `items` overrides any of them.
 */
export const DEFAULT_ITEM_RULES: Readonly<Record<string, ItemRule>> = {
  flag_strands: { owner: 'oic', workingDays: 1 },
  recording_decision: { owner: 'supervisor', workingDays: 1 },
  investigation_plan: { owner: 'supervisor', workingDays: 1 },
  victim_contact_24h: { owner: 'supervisor', workingDays: 1 },
  victims_code: { owner: 'oic', workingDays: 2 },
  repeats_checked: { owner: 'oic', workingDays: 2 },
  partner_referrals: { owner: 'oic', workingDays: 2 },
  rms_endorsed: { owner: 'coordinator', workingDays: 1 },
};
const FALLBACK_RULE: ItemRule = { owner: 'oic', workingDays: 2 };

/** The placeholders a template may use, and what each stands for. */
export const PLACEHOLDERS = {
  reference: 'the occurrence reference',
  recordedAs: '"crime" or "non-crime hate incident (NCHI)"',
  offence: 'the offence (crime templates only)',
  strands: 'the strands, e.g. "Race, Religion"',
  district: 'the district',
  outcome: 'the checklist outcome, e.g. "6 yes, 1 no, 1 n/a"',
  actions: 'one line per item answered "no": what, who (role and name), by when',
  items: 'one line per checklist item with its answer and note',
  riskGrade: 'STANDARD, MEDIUM or HIGH',
  rationale: 'the risk rationale, or "none given"',
  followUps: 'the follow-up tasks, or "none recorded"',
  reviewer: 'who reviewed',
  reviewedAt: 'when, Europe/London, e.g. "Fri 20 Nov 2026, 10:00 GMT"',
  version: '"first review" or "re-grade N"',
} as const;
type Placeholder = keyof typeof PLACEHOLDERS;
const CRIME_ONLY: readonly Placeholder[] = ['offence'];

/** One template per kind of occurrence, as lines (joined with new lines). */
export interface EndorsementTemplate {
  crime: readonly string[];
  nchi: readonly string[];
  items: Readonly<Record<string, ItemRule>>;
}

// What both built-in templates say after their first line (neither names a person nor, for an NCHI, a crime).
const TEMPLATE_BODY = [
  'Strands: {strands}. District: {district}.',
  'Reviewed by {reviewer}, {reviewedAt} ({version}).',
  'HCC checklist: {outcome}.',
  '{items}',
  'Actions required:',
  '{actions}',
  'Risk grade: {riskGrade}. Rationale: {rationale}',
  'Follow-up tasks: {followUps}',
];
/** The built-in template (ENDORSEMENT_TEMPLATE_FILE replaces any part of it). The NCHI one never says crime, victim or suspect. */
export const DEFAULT_ENDORSEMENT_TEMPLATE: EndorsementTemplate = {
  crime: ['HCC REVIEW - {reference} ({recordedAs}: {offence})', ...TEMPLATE_BODY],
  nchi: ['HCC REVIEW - {reference} ({recordedAs})', ...TEMPLATE_BODY],
  items: DEFAULT_ITEM_RULES,
};

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;
// The role's own title may stay in an NCHI template; any other crime wording may not.
const CRIME_WORDS = /\b(crimes?|victims?|suspects?|offenders?|offences?)\b/i;

/** Problems of one template's lines: unknown placeholders, crime-only ones or crime wording in the NCHI template. */
function templateProblems(lines: readonly string[], kind: 'crime' | 'nchi'): string[] {
  const problems: string[] = [];
  for (const line of lines) {
    for (const [, name] of line.matchAll(PLACEHOLDER)) {
      if (!(name! in PLACEHOLDERS)) problems.push(`unknown placeholder {${name}} (known: ${Object.keys(PLACEHOLDERS).join(', ')})`);
      else if (kind === 'nchi' && CRIME_ONLY.includes(name as Placeholder)) problems.push(`{${name}} is for crimes only`);
    }
    const word = kind === 'nchi' ? CRIME_WORDS.exec(line.replace(/hate crime coordinator/gi, '')) : null;
    if (word) problems.push(`"${word[0]}" is crime wording: an NCHI has a complainant and a subject`);
  }
  return problems;
}

const itemRule = z.object({ owner: z.enum(['oic', 'supervisor', 'coordinator']), workingDays: z.number().int().min(0).max(30) }).strict();
const lines = z.union([z.string().min(1).max(4000), z.array(z.string().max(1000)).min(1).max(60)]);

/**
 * Schema of ENDORSEMENT_TEMPLATE_FILE: `{ "crime"?: text or lines, "nchi"?: text or lines, "items"?:
 * { "<item key>": { "owner": "oic" | "supervisor" | "coordinator", "workingDays": 0-30 } } }`; what
 * is left out keeps the built-in default. Placeholders are checked (see PLACEHOLDERS); the NCHI
 * template may not use {offence} nor crime wording (College of Policing NCHI code, 2023).
 */
export const endorsementTemplateFileSchema = z
  .object({
    crime: lines.optional(),
    nchi: lines.optional(),
    items: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/), itemRule).optional(),
  })
  .strict()
  .transform((f, ctx): EndorsementTemplate => {
    const split = (v: string | string[] | undefined, d: readonly string[]) =>
      v === undefined ? d : typeof v === 'string' ? v.split(/\r?\n/) : v;
    const t = {
      crime: split(f.crime, DEFAULT_ENDORSEMENT_TEMPLATE.crime),
      nchi: split(f.nchi, DEFAULT_ENDORSEMENT_TEMPLATE.nchi),
      items: { ...DEFAULT_ITEM_RULES, ...f.items },
    };
    for (const kind of ['crime', 'nchi'] as const)
      for (const message of templateProblems(t[kind], kind)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [kind], message });
    return t;
  });

/** A tracked follow-up task (issue 12 item 3): a high grade's MARAC referral, partner support, PSO; an inspector's contact. */
export interface FollowUpTask {
  title: string;
  ownerText: string;
  dueAt: Date;
  status: string;
}

/** What the endorsement is made from: the occurrence's classifications and its current review (no person's identity). */
export interface EndorsementInput {
  reference: string;
  recordedAs: 'crime' | 'nchi';
  offence: string | null;
  strands: readonly string[];
  district: string;
  oic: { upn: string; name: string | null } | null;
  supervisor: { upn: string; name: string | null } | null;
  review: {
    version: number;
    riskGrade: string;
    riskRationale: string | null;
    reviewerName: string;
    reviewedAt: Date;
    decisions: readonly { itemKey: string; itemLabel: string; decision: string; note: string | null }[];
  };
  /** The occurrence's tracked follow-up tasks, open and answered (cancelled ones left out). */
  followUps: readonly FollowUpTask[];
}

const humanise = (key: string) => key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
const day = (at: Date) => inLondon(at).setLocale('en').toFormat(FORMATS.day);

/** The owner of a "no" as the text says it: "OIC (PC 1234 Officer)", "Supervisor (not recorded)", "the coordinator". */
function ownerText(owner: EndorsementOwner, input: EndorsementInput): string {
  if (owner === 'coordinator') return 'HCC';
  const person = owner === 'oic' ? input.oic : input.supervisor;
  const who = person ? (person.name ?? person.upn) : 'not recorded';
  return `${owner === 'oic' ? 'OIC' : 'Supervisor'} (${who})`;
}

/**
 * The endorsement text: the template of the occurrence's kind with its placeholders filled in.
 * Every "no" says what (the item and the coordinator's note), who (owner role and name) and by when
 * (working days after the review, Europe/London). Names only the police officers the feed names;
 * never a victim's, complainant's, suspect's or subject's identity (none is held).
 */
export function renderEndorsement(template: EndorsementTemplate, input: EndorsementInput): string {
  const nchi = input.recordedAs === 'nchi';
  const r = input.review;
  const label = (l: string) => (nchi ? nchiWording(l) : l);
  const answer = { yes: 'Yes', no: 'No', na: 'N/A' } as Record<string, string>;
  const count = (d: string) => r.decisions.filter((x) => x.decision === d).length;
  const noes = r.decisions.filter((d) => d.decision === 'no');
  const actions = noes.map((d, i) => {
    const rule = template.items[d.itemKey] ?? FALLBACK_RULE;
    const due = addWorkingDays(r.reviewedAt, rule.workingDays);
    const within = rule.workingDays === 1 ? '1 working day' : `${rule.workingDays} working days`;
    return `  ${i + 1}. ${label(d.itemLabel)}: ${d.note ?? ''} - by ${ownerText(rule.owner, input)}, due ${day(due)} (${within})`;
  });
  const values: Record<Placeholder, string> = {
    reference: input.reference,
    recordedAs: nchi ? 'non-crime hate incident (NCHI)' : 'crime',
    offence: input.offence ?? 'offence not recorded',
    strands: input.strands.map(humanise).join(', '),
    district: input.district,
    outcome: `${count('yes')} yes, ${count('no')} no, ${count('na')} n/a`,
    actions: actions.length ? actions.join('\n') : '  None: every item is answered yes or n/a.',
    items: r.decisions
      .map((d, i) => `  ${i + 1}. ${label(d.itemLabel)}: ${answer[d.decision] ?? d.decision}${d.note ? ` - ${d.note}` : ''}`)
      .join('\n'),
    riskGrade: r.riskGrade.toUpperCase(),
    rationale: r.riskRationale ?? 'none given',
    followUps: input.followUps.length
      ? `${input.followUps.length}${input.followUps.map((f) => `\n  - ${f.title}: ${f.ownerText}, due ${day(f.dueAt)} (${f.status})`).join('')}`
      : 'none recorded',
    reviewer: r.reviewerName,
    reviewedAt: ukDateTime(r.reviewedAt),
    version: r.version > 1 ? `re-grade ${r.version - 1}` : 'first review',
  };
  const lines = nchi ? template.nchi : template.crime;
  return lines
    .map((l) => l.replace(PLACEHOLDER, (whole, name: string) => (name in values ? values[name as Placeholder] : whole)))
    .join('\n');
}
