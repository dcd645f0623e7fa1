import { strandChartDataUrl, type ChartFonts } from './chart.js';
import { PILLAR_LABELS } from './actions.verbs.js';
import { fmtCompared, fmtCount, type CardCount } from './counts.js';
import { humanise, ukDate, ukDateTime } from './format.js';
import { cardTemplate, type AdaptiveCard } from './card.js';
import { SUMMARY_PERIOD_BUTTONS, SUMMARY_VERBS } from './summary.verbs.js';

/** A count as shown: a number; null when small (reads "<5"); 'hidden' when hidden so a small one cannot be worked out. */
export { fmtCompared, fmtCount, HIDDEN_TEXT, type CardCount } from './counts.js';

interface Row {
  label: string;
  current: CardCount;
  previous: CardCount;
}

/**
 * What the summary card shows (structurally the `SummaryReport` of db/summary). Counts and
 * classifications only; never references, people, locations or free text.
 */
export interface SummaryCardView {
  generatedAt: Date;
  scope: { kind: string; label: string; aggregatesOnly: boolean };
  period: { label: string; previous: { label: string } };
  suppressBelow: number | null;
  totals: { current: CardCount; previous: CardCount; multiStrand: CardCount };
  byType: readonly Row[];
  byStrand: readonly Row[];
  bySource: readonly Row[];
  byDistrict: readonly Row[];
  risk: readonly { label: string; count: CardCount }[];
  openHighRisk: CardCount;
  repeats: { victims: CardCount; suspects: CardCount; locations: CardCount; windowMonths: number; minOccurrences: number };
  compliance:
    | readonly { title: string; onTime: number; late: number; overdueOpen: number; notApplicable: number; percentOnTime: number | null }[]
    | null;
  overdueByOwner: readonly { owner: string; count: number }[] | null;
  overdueReviews: number | null;
  plan: {
    pillars: readonly { label: string; byStatus: readonly { label: string; count: number }[]; total: number }[];
    overdue: number;
    overdueList: readonly { ref: string; pillar: string; owner: string; dueDate: string }[] | null;
  };
  outcomes: {
    closed: CardCount;
    byOutcome: readonly { outcome: string; count: CardCount }[];
    satisfied: CardCount;
    dissatisfied: CardCount;
    notRecorded: CardCount;
  };
  chart: { months: readonly string[]; series: readonly { label: string; values: readonly (number | null)[] }[]; rounded: boolean };
  /** Sentences shown with the figures (db/summary/wording.policy.ts). */
  notes: {
    multiStrand: string;
    complianceSince: string | null;
    aggregates: string | null;
    policeOnly: string | null;
    reasons: { small: string; hidden: string } | null;
  };
}

/** One titled block of facts, with an optional note and image. */
export interface CardSection {
  title: string;
  facts: { title: string; value: string }[];
  note?: string;
  empty?: string;
  image?: { url: string; alt: string };
}

const compare = (rows: readonly Row[], below: number | null) => rows.map((r) => ({ title: r.label, value: fmtCompared(r, below) }));
const pairs = (rows: readonly Row[]): CardCount[] => rows.flatMap((r) => [r.current, r.previous]);

/** Joins a section's own note with why its suppressed figures read "<5" or "hidden" (each said where it shows). */
function explained(v: SummaryCardView, counts: readonly CardCount[], note?: string): { note?: string } {
  const r = v.notes.reasons;
  const why = r ? [...(counts.includes(null) ? [r.small] : []), ...(counts.includes('hidden') ? [r.hidden] : [])] : [];
  const text = [note, ...why].filter(Boolean).join(' ');
  return text ? { note: text } : {};
}

/** Sections shared by the summary and the scrutiny pack: the occurrence figures and the chart. */
export function occurrenceSections(v: SummaryCardView, chartUrl: string | null): CardSection[] {
  const b = v.suppressBelow;
  const months = v.chart.months;
  const o = v.outcomes;
  return [
    {
      title: 'Occurrences',
      facts: [{ title: 'All (distinct)', value: fmtCompared(v.totals, b) }, ...compare(v.byType, b)],
      ...explained(v, [v.totals.current, v.totals.previous, ...pairs(v.byType)]),
    },
    {
      title: 'By strand',
      facts: compare(v.byStrand, b),
      ...explained(v, [...pairs(v.byStrand), v.totals.multiStrand], v.notes.multiStrand),
      ...(chartUrl
        ? {
            image: {
              url: chartUrl,
              alt: `Line chart of occurrences by strand per month, ${months[0] ?? ''} to ${months.at(-1) ?? ''}${v.chart.rounded ? ', rounded to the nearest 5' : ''}`,
            },
          }
        : {}),
    },
    { title: 'By source', facts: compare(v.bySource, b), ...explained(v, pairs(v.bySource)) },
    { title: 'By district', facts: compare(v.byDistrict, b), empty: 'No occurrences.', ...explained(v, pairs(v.byDistrict)) },
    {
      title: 'Risk (latest grade of occurrences flagged in the period)',
      facts: [
        ...v.risk.map((r) => ({ title: r.label, value: fmtCount(r.count, b) })),
        { title: 'Open high-risk now', value: fmtCount(v.openHighRisk, b) },
      ],
      ...explained(v, [...v.risk.map((r) => r.count), v.openHighRisk]),
    },
    {
      title: 'Repeats (counts only)',
      facts: [
        { title: 'Repeat victims', value: fmtCount(v.repeats.victims, b) },
        { title: 'Repeat suspects', value: fmtCount(v.repeats.suspects, b) },
        { title: 'Repeat locations', value: fmtCount(v.repeats.locations, b) },
      ],
      ...explained(
        v,
        [v.repeats.victims, v.repeats.suspects, v.repeats.locations],
        `A repeat is a person or location in ${v.repeats.minOccurrences} or more occurrences within ${v.repeats.windowMonths} months, matched on records-system refs.`,
      ),
    },
    {
      ...outcomeSection(v),
      ...explained(v, [o.closed, ...o.byOutcome.map((x) => x.count), o.satisfied, o.dissatisfied, o.notRecorded]),
    },
  ];
}

function outcomeSection(v: SummaryCardView): CardSection {
  const b = v.suppressBelow;
  const o = v.outcomes;
  const recorded = typeof o.satisfied === 'number' && typeof o.dissatisfied === 'number' ? o.satisfied + o.dissatisfied : null;
  const pct = recorded && typeof o.satisfied === 'number' ? ` (${Math.round((100 * o.satisfied) / recorded)}% of those recorded)` : '';
  return {
    title: 'Outcomes of occurrences closed in the period',
    facts: [
      { title: 'Closed or filed', value: fmtCount(o.closed, b) },
      ...o.byOutcome.map((x) => ({ title: x.outcome, value: fmtCount(x.count, b) })),
      { title: 'Victim satisfied', value: `${fmtCount(o.satisfied, b)}${pct}` },
      { title: 'Victim not satisfied', value: fmtCount(o.dissatisfied, b) },
      { title: 'Satisfaction not recorded', value: fmtCount(o.notRecorded, b) },
    ],
  };
}

function workSections(v: SummaryCardView): CardSection[] {
  const out: CardSection[] = [];
  if (v.compliance) {
    out.push({
      title: 'Review compliance (reviews due in the period)',
      facts: v.compliance.map((c) => ({
        title: c.title,
        value: `${c.onTime} on time · ${c.late} late · ${c.overdueOpen} overdue open${c.notApplicable ? ` · ${c.notApplicable} n/a` : ''}${c.percentOnTime === null ? '' : ` · ${c.percentOnTime}% on time`}`,
      })),
      empty: 'No reviews were due in the period.',
      ...(v.notes.complianceSince ? { note: v.notes.complianceSince } : {}),
    });
  }
  if (v.overdueByOwner)
    out.push({
      title: `Overdue reviews now, by owner (${v.overdueReviews ?? 0})`,
      facts: v.overdueByOwner.map((o) => ({ title: o.owner, value: String(o.count) })),
      empty: 'Nothing overdue.',
      ...(v.notes.complianceSince ? { note: v.notes.complianceSince } : {}),
    });
  if (v.notes.policeOnly) out.push({ title: 'Not shown here', facts: [], empty: v.notes.policeOnly });
  out.push({
    title: 'Delivery plan',
    facts: [
      ...v.plan.pillars.map((p) => ({ title: p.label, value: p.byStatus.map((s) => `${s.count} ${s.label}`).join(' · ') })),
      { title: 'Overdue actions', value: String(v.plan.overdue) },
      ...(v.plan.overdueList ?? []).map((a) => ({
        title: `Overdue ${a.ref}`,
        value: `${PILLAR_LABELS[a.pillar] ?? humanise(a.pillar)} · ${a.owner} · due ${ukDate(a.dueDate)}`,
      })),
    ],
  });
  return out;
}

const sectionTemplate = {
  type: 'Container',
  $data: '${sections}',
  spacing: 'Medium',
  items: [
    { type: 'TextBlock', text: '${title}', weight: 'Bolder', wrap: true },
    {
      type: 'FactSet',
      $when: '${count(facts) > 0}',
      spacing: 'Small',
      facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }],
    },
    { type: 'TextBlock', $when: '${count(facts) == 0}', text: '${empty}', isSubtle: true, spacing: 'None', wrap: true },
    { type: 'TextBlock', $when: "${note != ''}", text: '${note}', isSubtle: true, size: 'Small', wrap: true, spacing: 'Small' },
    { type: 'Image', $when: "${imageUrl != ''}", url: '${imageUrl}', altText: '${imageAlt}', size: 'Stretch', spacing: 'Small' },
  ],
};

/** Card skeleton: heading lines, an attention box, the sections, and period buttons. */
const compiled = cardTemplate({
  body: [
    { type: 'TextBlock', text: '${heading}', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: '${sub}', isSubtle: true, spacing: 'None', wrap: true },
    { type: 'TextBlock', $when: "${notice != ''}", text: '${notice}', size: 'Small', wrap: true, spacing: 'Small' },
    {
      type: 'Container',
      $when: '${count(attention) > 0}',
      style: 'emphasis',
      spacing: 'Medium',
      items: [
        { type: 'TextBlock', text: 'Needs attention', weight: 'Bolder' },
        { type: 'FactSet', facts: [{ $data: '${attention}', title: '${title}', value: '${value}' }] },
      ],
    },
    sectionTemplate,
  ],
  actions: [
    {
      $data: '${buttons}',
      type: 'Action.Execute',
      title: '${title}',
      verb: '${verb}',
      data: { period: '${period}', district: '${district}' },
      fallback: { type: 'Action.Submit', title: '${title}', data: { verb: '${verb}', period: '${period}', district: '${district}' } },
    },
  ],
});

/** Expands the shared skeleton. */
export function expandCard(root: {
  heading: string;
  sub: string;
  notice: string;
  attention: CardSection['facts'];
  sections: CardSection[];
  buttons: unknown[];
}): AdaptiveCard {
  const sections = root.sections.map((s) => ({
    title: s.title,
    facts: s.facts,
    note: s.note ?? '',
    empty: s.empty ?? 'None.',
    imageUrl: s.image?.url ?? '',
    imageAlt: s.image?.alt ?? '',
  }));
  return compiled({ ...root, sections });
}

/** What the audience sees about their view: own items, or suppressed aggregates. */
export function audienceNotice(v: SummaryCardView): string {
  if (v.scope.aggregatesOnly) return v.notes.aggregates ?? '';
  if (v.scope.kind === 'own')
    return 'Only occurrences where you are the officer in charge or the supervisor, and your own reviews and actions.';
  return '';
}

/**
 * Renders the status summary card (schema 1.5) with the strand chart as a data-URL image
 * (kept small: an 8-bit indexed PNG of about 5 KB, so the card stays well under Teams' ~28 KB).
 * @param district the district asked for, carried by the period buttons
 */
export async function renderSummaryCard(v: SummaryCardView, district: string | null = null, fonts?: ChartFonts): Promise<AdaptiveCard> {
  const chartUrl = await strandChartDataUrl(v.chart, fonts);
  const attention = v.scope.aggregatesOnly
    ? []
    : [
        { title: 'Open high-risk occurrences', value: fmtCount(v.openHighRisk, null) },
        { title: 'Overdue reviews', value: String(v.overdueReviews ?? 0) },
        { title: 'Overdue delivery-plan actions', value: String(v.plan.overdue) },
      ];
  return expandCard({
    heading: `Hate crime summary · ${v.scope.label}`,
    sub: `${v.period.label}, compared with ${v.period.previous.label} · generated ${ukDateTime(v.generatedAt)}`,
    notice: audienceNotice(v),
    attention,
    sections: [...occurrenceSections(v, chartUrl), ...workSections(v)],
    buttons: SUMMARY_PERIOD_BUTTONS.map((p) => ({ title: p.title, verb: SUMMARY_VERBS.show, period: p.period, district: district ?? '' })),
  });
}
