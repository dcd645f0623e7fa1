import { adaptiveCard, type AdaptiveCard } from './card.js';
import { humanise, ukDateTime, ukShortDate } from './format.js';

/** What the read-only occurrence card shows: reference and classifications, the current grade; never a person. */
export interface OccurrenceSummaryView {
  reference: string;
  recordedAs: 'crime' | 'nchi';
  offence: string | null;
  strands: readonly string[];
  district: string;
  flaggedAt: Date;
  status: string;
  review: { riskGrade: string; reviewerName: string; reviewedAt: Date } | null;
  recordsUrl: string | null;
}

/** The emphasised band at the top of a card: a bold title and, optionally, a subtle line under it. */
export function cardHeader(title: string, subtitle?: string): Record<string, unknown> {
  return {
    type: 'Container',
    style: 'emphasis',
    bleed: true,
    items: [
      { type: 'TextBlock', text: title, size: 'Medium', weight: 'Bolder', wrap: true },
      ...(subtitle ? [{ type: 'TextBlock', text: subtitle, isSubtle: true, spacing: 'None', wrap: true }] : []),
    ],
  };
}

const GRADE_COLOR: Record<string, string> = { standard: 'Good', medium: 'Warning', high: 'Attention' };

/**
 * The read-only card of an occurrence that a user inserts from the compose box (message
 * extension): classifications and the current HCC grade, no buttons that act, no person's
 * identity, no feed summary. Pure: no I/O.
 */
export function renderOccurrenceSummaryCard(v: OccurrenceSummaryView): AdaptiveCard {
  const nchi = v.recordedAs === 'nchi';
  const facts = [
    { title: 'Recorded as', value: nchi ? 'Non-crime hate incident (NCHI)' : 'Crime' },
    ...(nchi ? [] : [{ title: 'Offence', value: v.offence ?? 'not recorded' }]),
    { title: 'Strands', value: v.strands.map(humanise).join(', ') },
    { title: 'District', value: v.district },
    { title: 'Flagged', value: ukDateTime(v.flaggedAt) },
    { title: 'Status', value: humanise(v.status) },
  ];
  const review = v.review
    ? {
        type: 'TextBlock',
        text: `HCC review: ${v.review.riskGrade.toUpperCase()} risk · ${v.review.reviewerName}, ${ukShortDate(v.review.reviewedAt)}`,
        color: GRADE_COLOR[v.review.riskGrade] ?? 'Default',
        weight: 'Bolder',
        wrap: true,
      }
    : { type: 'TextBlock', text: 'Awaiting HCC review', isSubtle: true, wrap: true };
  return adaptiveCard({
    body: [cardHeader(`${nchi ? 'Non-crime hate incident' : 'Hate crime'} · ${v.reference}`), { type: 'FactSet', facts }, review],
    actions: v.recordsUrl ? [{ type: 'Action.OpenUrl', title: 'Open in records system', url: v.recordsUrl }] : [],
  });
}
