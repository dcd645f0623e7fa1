import { humanise, ukDateTime } from './format.js';
import { cardTemplate, type AdaptiveCard } from './card.js';

/** The weekday digest of a review channel (issue 3). References and counts only. */
export interface DigestCardView {
  scope: string;
  since: Date;
  now: Date;
  /** `recordsUrl`: the occurrence in the records system (RMS_URL_TEMPLATE filled in); absent or null: the reference is plain text. */
  flagged: readonly { reference: string; recordedAs: string; strands: readonly string[]; district: string; recordsUrl?: string | null }[];
  flaggedTotal: number;
  dueToday: readonly { title: string; count: number }[];
  /** Top owners by overdue reviews; `overdueTotal` counts every overdue review. */
  overdueByOwner: readonly { owner: string; count: number }[];
  overdueTotal: number;
  highRiskOpen: readonly { reference: string; district: string; recordsUrl?: string | null }[];
}

/** The reference as a Markdown link to the records system, or plain when there is no link or the text would break the link. */
function linked(reference: string, url: string | null | undefined): string {
  return url && !/[[\]]/.test(reference) && !/[\s()]/.test(url) ? `[${reference}](${url})` : reference;
}

const section = (title: string, list: string, empty: string) => [
  { type: 'TextBlock', text: title, weight: 'Bolder', spacing: 'Medium', wrap: true },
  { type: 'TextBlock', $data: `\${${list}}`, text: '• ${$data}', wrap: true, spacing: 'None' },
  { type: 'TextBlock', $when: `\${count(${list}) == 0}`, text: empty, isSubtle: true, spacing: 'None' },
];

const compiled = cardTemplate({
  body: [
    { type: 'TextBlock', text: '${heading}', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: '${sub}', isSubtle: true, spacing: 'None', wrap: true },
    ...section('${flaggedTitle}', 'flagged', 'None.'),
    ...section('Due today', 'dueToday', 'Nothing due today.'),
    ...section('${overdueTitle}', 'overdue', 'Nothing overdue.'),
    ...section('High-risk open occurrences', 'high', 'None.'),
  ],
});

/** Renders the weekday digest. Pure. */
export function renderDigestCard(v: DigestCardView): AdaptiveCard {
  const more = v.flaggedTotal - v.flagged.length;
  const shownOverdue = v.overdueByOwner.reduce((n, o) => n + o.count, 0);
  return compiled({
    heading: `Hate crime review digest · ${v.scope}`,
    sub: `${ukDateTime(v.now)} · since ${ukDateTime(v.since)}`,
    flaggedTitle: `Flagged since the last digest: ${v.flaggedTotal}`,
    flagged: [
      ...v.flagged.map(
        (f) =>
          `${linked(f.reference, f.recordsUrl)} · ${f.recordedAs === 'nchi' ? 'NCHI' : 'Crime'} · ${f.strands.map(humanise).join(', ')} · ${f.district}`,
      ),
      ...(more > 0 ? [`and ${more} more`] : []),
    ],
    dueToday: v.dueToday.map((d) => `${d.title}: ${d.count}`),
    overdueTitle: v.overdueTotal > 0 ? `Overdue, by owner: ${v.overdueTotal}` : 'Overdue, by owner',
    overdue: [
      ...v.overdueByOwner.map((o) => `${o.owner}: ${o.count}`),
      ...(shownOverdue < v.overdueTotal ? [`others: ${v.overdueTotal - shownOverdue}`] : []),
    ],
    high: v.highRiskOpen.map((h) => `${linked(h.reference, h.recordsUrl)} · ${h.district}`),
  });
}
