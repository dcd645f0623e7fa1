import { strandChartDataUrl, type ChartFonts } from './chart.js';
import { plural, ukDateTime } from './format.js';
import type { AdaptiveCard } from './card.js';
import { expandCard, fmtCount, occurrenceSections, type CardCount, type CardSection, type SummaryCardView } from './summary.card.js';

/** One anonymised closed occurrence (structurally db/summary's AnonymisedCase). */
export interface ScrutinyCaseView {
  label: string;
  flaggedMonth: string;
  closedMonth: string | null;
  recordedAs: string;
  offence: string;
  strands: readonly string[];
  source: string;
  district: string;
  locationType: string;
  status: string;
  outcome: string;
  victimSatisfied: string;
  riskGrade: string;
  victims: number;
  suspects: number;
  vulnerableVictim: boolean;
  repeatVictim: boolean;
  reviewsOnTime: number;
  reviewsLate: number;
  reviewsOverdue: number;
  checklist: { yes: number; no: number; na: number; noItems: readonly string[] };
}

/** What the scrutiny pack card shows (structurally db/summary's ScrutinyPack). */
export interface ScrutinyCardView {
  report: SummaryCardView;
  cases: readonly ScrutinyCaseView[];
  eligible: CardCount;
  download: { url: string; expiresAt: Date };
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

function caseSection(c: ScrutinyCaseView): CardSection {
  const [victim, suspect] = c.recordedAs === 'NCHI' ? ['complainant', 'subject'] : ['victim', 'suspect'];
  return {
    title: `${c.label} · ${c.recordedAs} · ${c.district}`,
    facts: [
      { title: 'Flagged / closed', value: `${c.flaggedMonth} / ${c.closedMonth ?? 'month not known'} (${c.status.toLowerCase()})` },
      { title: 'Offence', value: c.offence },
      { title: 'Strands', value: c.strands.join(', ') },
      { title: 'Source · location', value: `${c.source} · ${c.locationType}` },
      { title: 'Risk grade', value: c.riskGrade },
      {
        title: 'People',
        value: `${plural(c.victims, victim ?? 'victim')}, ${plural(c.suspects, suspect ?? 'suspect')}; vulnerable: ${yesNo(c.vulnerableVictim)}; repeat: ${yesNo(c.repeatVictim)}`,
      },
      {
        title: 'Reviews',
        value: `${c.reviewsOnTime} on time · ${c.reviewsLate} late${c.reviewsOverdue ? ` · ${c.reviewsOverdue} overdue` : ''}`,
      },
      {
        title: 'HCC checklist',
        value: `${c.checklist.yes} yes · ${c.checklist.no} no · ${c.checklist.na} n/a${c.checklist.noItems.length ? ` (no: ${c.checklist.noItems.join('; ')})` : ''}`,
      },
      { title: 'Outcome', value: `${c.outcome}; victim satisfied: ${c.victimSatisfied.toLowerCase()}` },
    ],
  };
}

/**
 * Renders the anonymised scrutiny pack (issue 5 item 3): the random sample of closed
 * occurrences (months only, no references, people, locations or free text), the suppressed
 * aggregate tables with the strand chart, and a link to the same pack as CSV.
 */
export async function renderScrutinyCard(v: ScrutinyCardView, fonts?: ChartFonts): Promise<AdaptiveCard> {
  const r = v.report;
  const chartUrl = await strandChartDataUrl(r.chart, fonts);
  const sample: CardSection = {
    title: `Random sample: ${v.cases.length} of ${typeof v.eligible === 'number' ? plural(v.eligible, 'closed occurrence') : `${fmtCount(v.eligible, r.suppressBelow)} closed occurrences`}`,
    facts: [],
    empty: v.cases.length ? 'Drawn at random; each case below is labelled by number only.' : 'No occurrence was closed in the period.',
  };
  const card = expandCard({
    heading: `Scrutiny pack (anonymised) · ${r.scope.label}`,
    sub: `${r.period.label}, compared with ${r.period.previous.label} · generated ${ukDateTime(r.generatedAt)}`,
    notice: `No references, people, locations, dates (months only) or free text. ${r.notes.aggregates ?? ''}`.trim(),
    attention: [],
    sections: [
      sample,
      ...v.cases.map(caseSection),
      { title: 'Aggregate tables', facts: [], empty: 'For the whole period and scope.' },
      ...occurrenceSections(r, chartUrl),
    ],
    buttons: [],
  });
  card.actions = [{ type: 'Action.OpenUrl', title: 'Download as CSV', url: v.download.url }];
  (card.body as unknown[]).push({
    type: 'TextBlock',
    text: `The CSV link works until ${ukDateTime(v.download.expiresAt)}; every download is logged.`,
    isSubtle: true,
    size: 'Small',
    wrap: true,
  });
  return card;
}
