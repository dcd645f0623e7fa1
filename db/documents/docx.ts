/**
 * Building blocks of the bot's Word documents (the meeting pack, the monthly report), on the
 * maintained `docx` library: one look for every document (Arial, A4, numbered agenda headings,
 * tables with a repeated shaded header row, ruled space for minutes). Pure apart from packing.
 */
import {
  AlignmentType,
  Document,
  Footer,
  HeadingLevel,
  LeaderType,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  Tab,
  Table,
  TableCell,
  TableRow,
  TabStopType,
  TextRun,
  WidthType,
  type FileChild,
} from 'docx';

export type { FileChild } from 'docx';

/** Width of the text on an A4 page with 2 cm margins, in twentieths of a point. */
const TEXT_WIDTH = 11906 - 2 * 1134;
const FONT = 'Arial';
const GREY = '595959';

/** A heading: level 1 for agenda items and report sections, 2 below them. Kept with what follows. */
export const heading = (text: string, level: 1 | 2 = 1): Paragraph =>
  new Paragraph({ text, heading: level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2, keepNext: true });

/** A paragraph of plain text; `**bold**` spans are set in bold. */
export function para(text: string, opts: { italic?: boolean; grey?: boolean; keepNext?: boolean } = {}): Paragraph {
  const runs = text
    .split(/(\*\*[^*]+\*\*)/)
    .filter(Boolean)
    .map((t) => {
      const bold = t.startsWith('**') && t.endsWith('**');
      return new TextRun({ text: bold ? t.slice(2, -2) : t, bold, italics: opts.italic, color: opts.grey ? GREY : undefined });
    });
  return new Paragraph({ children: runs, keepNext: opts.keepNext, spacing: { after: 80 } });
}

/** A bulleted line. */
export const bullet = (text: string, level = 0): Paragraph => new Paragraph({ text, bullet: { level }, spacing: { after: 40 } });

/** A label and its value on one line, e.g. "Date: Tue 8 Dec 2026". */
export const field = (label: string, value: string): Paragraph =>
  new Paragraph({ children: [new TextRun({ text: `${label}: `, bold: true }), new TextRun(value)], spacing: { after: 60 } });

/**
 * "Minutes and actions agreed:" and ruled lines to write on (the printed pack is minuted in the
 * meeting). Each line is a tab to the right margin with an underscore leader: paragraph borders
 * would merge into one box in Word and LibreOffice.
 */
export function minutesSpace(lines = 3): Paragraph[] {
  const rule = () =>
    new Paragraph({
      tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH, leader: LeaderType.UNDERSCORE }],
      children: [new TextRun({ children: [new Tab()], color: 'A6A6A6' })],
      spacing: { before: 160 },
    });
  return [para('Minutes and actions agreed:', { italic: true, grey: true, keepNext: true }), ...Array.from({ length: lines }, rule)];
}

const cell = (text: string, width: number, header: boolean, align: 'left' | 'right') =>
  new TableCell({
    width: { size: width, type: WidthType.DXA },
    shading: header ? { type: ShadingType.CLEAR, fill: 'D9E2F3', color: 'auto' } : undefined,
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    children: text.split('\n').map(
      (line) =>
        new Paragraph({
          alignment: align === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT,
          children: [new TextRun({ text: line, bold: header, size: 18 })],
        }),
    ),
  });

/**
 * A table with a header row repeated on each page. `widths` are shares of the text width (any
 * scale); columns listed in `numeric` are right-aligned. Cell text may hold line breaks.
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  widths: readonly number[],
  numeric: readonly number[] = [],
): Table {
  const total = widths.reduce((s, w) => s + w, 0);
  const twips = widths.map((w) => Math.floor((w / total) * TEXT_WIDTH));
  const align = (i: number) => (numeric.includes(i) ? 'right' : 'left');
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: twips,
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: headers.map((h, i) => cell(h, twips[i]!, true, align(i))) }),
      ...rows.map((r) => new TableRow({ cantSplit: true, children: r.map((t, i) => cell(t, twips[i]!, false, align(i))) })),
    ],
  });
}

/** Space after a table, so the next paragraph does not touch it. */
export const gap = (): Paragraph => new Paragraph({ text: '', spacing: { after: 60 } });

/**
 * Packs a document: A4, 2 cm margins, a title (and subtitle lines) on top, and a footer with the
 * footer text and "page N of M".
 * @returns the .docx file's bytes
 */
export async function packDocument(d: {
  title: string;
  subtitle: readonly string[];
  footer: string;
  body: readonly FileChild[];
}): Promise<Uint8Array> {
  const doc = new Document({
    creator: 'Hate Crime Coordinator bot',
    title: d.title,
    styles: {
      default: {
        document: { run: { font: FONT, size: 21 } },
        heading1: { run: { font: FONT, size: 26, bold: true, color: '1F3864' }, paragraph: { spacing: { before: 280, after: 100 } } },
        heading2: { run: { font: FONT, size: 22, bold: true }, paragraph: { spacing: { before: 180, after: 80 } } },
        title: { run: { font: FONT, size: 34, bold: true }, paragraph: { spacing: { after: 120 } } },
      },
    },
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } } },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  new TextRun({ text: `${d.footer} · page `, size: 16, color: GREY }),
                  new TextRun({ children: [PageNumber.CURRENT], size: 16, color: GREY }),
                  new TextRun({ text: ' of ', size: 16, color: GREY }),
                  new TextRun({ children: [PageNumber.TOTAL_PAGES], size: 16, color: GREY }),
                ],
              }),
            ],
          }),
        },
        children: [
          new Paragraph({ text: d.title, heading: HeadingLevel.TITLE }),
          ...d.subtitle.map((s) => para(s, { grey: true })),
          ...d.body,
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

/** "1 crime", "2 crimes": a count and its noun, right for 0 and 1. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
