import AdmZip from 'adm-zip';
import { FakeConnector, type ConnectorCall } from '../helpers/fake-connector.js';
import type { Harness } from '../helpers/harness.js';

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The paragraphs of a .docx as text: word/document.xml's `<w:p>` elements, their `<w:t>` runs joined (table cells included). */
export function paragraphsOf(docx: Buffer): string[] {
  const zip = new AdmZip(docx);
  const xml = zip.readAsText('word/document.xml');
  if (!xml.includes('<w:document')) throw new Error('word/document.xml is not a Word document body');
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
    .map((p) => decode([...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join('')))
    .filter((t) => t.trim() !== '');
}

/** The card among a turn's replies (a slow turn posts a typing indicator first). */
export const replyCard = (replies: readonly ConnectorCall[]): Record<string, any> | undefined =>
  replies.map((c) => FakeConnector.card(c)).find(Boolean);

/** The Action.OpenUrl link of the card among a turn's replies. */
export function documentLink(replies: readonly ConnectorCall[]): string {
  const card = replyCard(replies);
  const url = (card?.actions as { type: string; url?: string }[] | undefined)?.find((a) => a.type === 'Action.OpenUrl')?.url;
  if (!url) throw new Error(`the reply has no link to open: ${JSON.stringify(card ?? replies.map((c) => c.body?.text)).slice(0, 300)}`);
  return url;
}

/** GETs a link's path on the running bot (the public base URL names another host in tests). */
export async function download(
  h: Harness,
  url: string,
): Promise<{ status: number; type: string | null; disposition: string | null; body: Buffer }> {
  const res = await fetch(`${h.bot.url}${new URL(url).pathname}`);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
    body: Buffer.from(await res.arrayBuffer()),
  };
}

/** The expected paragraph starts that are missing or out of order (empty when all appear in this order). */
export function notInOrder(paragraphs: readonly string[], starts: readonly string[]): string[] {
  let from = 0;
  return starts.filter((s) => {
    const i = paragraphs.findIndex((p, k) => k >= from && p.startsWith(s));
    if (i >= 0) from = i + 1;
    return i < 0;
  });
}
