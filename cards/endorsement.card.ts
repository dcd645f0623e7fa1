import { adaptiveCard, subCard, type AdaptiveCard } from './card.js';
import { cardHeader } from './occurrence-summary.card.js';

/** Universal Action verbs of the endorsement: shown from a reviewed review card, and back to that card. */
export const ENDORSEMENT_VERBS = {
  show: 'review.endorsement',
  back: 'review.endorsement.back',
} as const;

/**
 * The "Endorsement text" button of a reviewed review card (Action.Execute; the card it returns is
 * shown to the person who pressed it only). Clients without Universal Actions drop the button:
 * `endorsement REFERENCE` gives the same text there.
 */
export const endorsementButton = (occurrenceId: string): Record<string, unknown> => ({
  type: 'Action.Execute',
  title: 'Endorsement text',
  verb: ENDORSEMENT_VERBS.show,
  data: { occurrenceId },
  fallback: 'drop',
});

/** What the endorsement card shows. */
export interface EndorsementCardView {
  occurrenceId: string;
  reference: string;
  recordedAs: 'crime' | 'nchi';
  /** The text to paste into the records system, lines separated by `\n`. */
  text: string;
  /** The occurrence in the records system (RMS_URL_TEMPLATE), or null. */
  recordsUrl: string | null;
  /** Offer "Back to the review card" (the card replaced a review card). */
  backToReview: boolean;
}

/**
 * Renders the RMS endorsement: the text in monospace, one TextBlock per line (so it reads as it will
 * paste), and "Copy as plain text" (Action.ShowCard) with the whole text in one box to select and copy.
 * Pure: no I/O.
 */
export function renderEndorsementCard(v: EndorsementCardView): AdaptiveCard {
  const lines = v.text.split('\n');
  const kind = v.recordedAs === 'nchi' ? 'Non-crime hate incident' : 'Hate crime';
  return adaptiveCard({
    body: [
      cardHeader(`RMS endorsement · ${v.reference}`, `${kind} · the coordinator's advice, ready to paste into the records system`),
      {
        type: 'Container',
        spacing: 'Medium',
        // Markdown would eat the text's own characters (*, _, numbered lines): plain monospace lines.
        items: lines.map((line) => ({ type: 'TextBlock', text: line || ' ', fontType: 'Monospace', wrap: true, spacing: 'None' })),
      },
    ],
    actions: [
      {
        type: 'Action.ShowCard',
        title: 'Copy as plain text',
        card: subCard({
          body: [
            { type: 'TextBlock', text: 'Select all (Ctrl+A) and copy (Ctrl+C):', wrap: true, isSubtle: true },
            { type: 'Input.Text', id: 'endorsementText', isMultiline: true, value: v.text, label: 'Endorsement text' },
          ],
        }),
      },
      ...(v.recordsUrl ? [{ type: 'Action.OpenUrl', title: 'Open in records system', url: v.recordsUrl }] : []),
      ...(v.backToReview
        ? [
            {
              type: 'Action.Execute',
              title: 'Back to the review card',
              verb: ENDORSEMENT_VERBS.back,
              data: { occurrenceId: v.occurrenceId },
            },
          ]
        : []),
    ],
  });
}
