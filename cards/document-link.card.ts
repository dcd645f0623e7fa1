import { adaptiveCard, type AdaptiveCard } from './card.js';
import { ukDateTime } from './format.js';

/** A document ready to open: what it is, a line or two about it, and its short-lived link. */
export interface DocumentLinkView {
  title: string;
  lines: readonly string[];
  button: string;
  document: { url: string; expiresAt: Date };
}

/**
 * A short card with one button that opens a Word document (the monthly report), saying how long
 * the link works and that every download is logged. Pure.
 */
export function renderDocumentLinkCard(v: DocumentLinkView): AdaptiveCard {
  return adaptiveCard({
    body: [
      { type: 'TextBlock', text: v.title, weight: 'Bolder', size: 'Medium', wrap: true },
      ...v.lines.map((text) => ({ type: 'TextBlock', text, wrap: true, spacing: 'Small' })),
      {
        type: 'TextBlock',
        text: `The link works until ${ukDateTime(v.document.expiresAt)}; every download is logged.`,
        isSubtle: true,
        size: 'Small',
        wrap: true,
      },
    ],
    actions: [{ type: 'Action.OpenUrl', title: v.button, url: v.document.url }],
  });
}
