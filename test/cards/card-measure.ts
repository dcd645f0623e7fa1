/**
 * Card size and height, for tests that keep cards short (issue 12 item 8: "at most about two screens").
 * No test double: a rough layout of Adaptive Card JSON as Teams desktop draws it (Segoe UI 14 px,
 * 20 px lines, about 7.2 px a character, the default host config's spacing), good enough to compare
 * cards and catch one that grows by a screen. Hidden elements (isVisible false) and Action.ShowCard
 * cards (not shown until pressed) take no height.
 */

/** Characters of the card's JSON (what travels in the message; Teams refuses about 28 KB). */
export const cardChars = (card: unknown): number => JSON.stringify(card).length;

/** Usable width of a full-width card in a Teams channel on a laptop (px). */
export const CARD_WIDTH = 560;
/** One screen of a Teams conversation on a laptop (px): "about two screens" is twice this. */
export const SCREEN = 800;

type El = Record<string, any>;

const CHAR_PX = 7.2;
const LINE: Record<string, number> = { small: 16, default: 20, medium: 24, large: 28, extralarge: 34 };
const SPACING: Record<string, number> = { none: 0, small: 4, default: 8, medium: 16, large: 24, extralarge: 32, padding: 16 };
const INPUT = 32;
const LABEL = 24;
const BUTTON_ROW = 40;
const PADDING = 16;

const lower = (v: unknown, d: string) => (typeof v === 'string' ? v.toLowerCase() : d);

function textHeight(text: string, width: number, size: string, wrap: boolean): number {
  const perLine = Math.max(1, Math.floor(width / CHAR_PX));
  const lines = wrap
    ? String(text)
        .split('\n')
        .reduce((n, l) => n + Math.max(1, Math.ceil(l.length / perLine)), 0)
    : 1;
  return lines * (LINE[size] ?? 20);
}

/** The width an `auto` column takes: its widest element's natural width (px). */
function naturalWidth(items: El[]): number {
  return Math.max(
    24,
    ...items.map((e) => {
      if (e.type === 'TextBlock') return Math.min(String(e.text).length * CHAR_PX, CARD_WIDTH / 2);
      if (e.type === 'ActionSet') return (e.actions ?? []).reduce((w: number, a: El) => w + 24 + String(a.title ?? '').length * CHAR_PX, 0);
      if (e.type === 'Input.ChoiceSet') return 140;
      return 120;
    }),
  );
}

function columnWidths(cols: El[], width: number): number[] {
  const gaps = (cols.length - 1) * 8;
  const fixed = cols.map((c) => {
    const w = c.width;
    if (typeof w === 'string' && w.endsWith('px')) return Number.parseInt(w, 10);
    if (w === 'auto') return naturalWidth(c.items ?? []);
    return null;
  });
  const rest = Math.max(40, width - gaps - fixed.reduce<number>((s, w) => s + (w ?? 0), 0));
  const weights = cols.map((c, i) => (fixed[i] !== null ? 0 : typeof c.width === 'number' ? c.width : 1));
  const total = weights.reduce((s, w) => s + w, 0) || 1;
  return cols.map((_, i) => fixed[i] ?? (rest * weights[i]!) / total);
}

/** Height of a list of elements stacked in a container of `width` px. */
function stack(items: El[], width: number): number {
  let h = 0;
  let first = true;
  for (const e of items ?? []) {
    if (e.isVisible === false) continue;
    const own = element(e, width);
    if (!first) h += (SPACING[lower(e.spacing, 'default')] ?? 8) + (e.separator ? 1 : 0);
    h += own;
    first = false;
  }
  return h;
}

function element(e: El, width: number): number {
  const label = e.label ? LABEL : 0;
  switch (e.type) {
    case 'TextBlock':
      return textHeight(e.text ?? '', width, lower(e.size, 'default'), Boolean(e.wrap));
    case 'RichTextBlock':
      return textHeight((e.inlines ?? []).map((i: El | string) => (typeof i === 'string' ? i : i.text)).join(''), width, 'default', true);
    case 'FactSet':
      return (e.facts ?? []).reduce(
        (h: number, f: El, i: number) =>
          h +
          (i ? 8 : 0) +
          Math.max(textHeight(f.title, width * 0.35, 'default', true), textHeight(f.value, width * 0.65, 'default', true)),
        0,
      );
    case 'Input.Text':
      return label + (e.isMultiline ? 3 * 20 + 12 : INPUT);
    case 'Input.ChoiceSet':
      return label + (e.style === 'expanded' ? (e.choices ?? []).length * 28 : INPUT);
    case 'Input.Date':
    case 'Input.Time':
    case 'Input.Number':
    case 'Input.Toggle':
      return label + INPUT;
    case 'ActionSet':
      return BUTTON_ROW;
    case 'Image':
      return typeof e.height === 'string' && e.height.endsWith('px') ? Number.parseInt(e.height, 10) : 120;
    case 'ColumnSet': {
      const cols: El[] = (e.columns ?? []).filter((c: El) => c.isVisible !== false);
      const widths = columnWidths(cols, width);
      return Math.max(0, ...cols.map((c, i) => stack(c.items ?? [], widths[i]!)));
    }
    case 'Container': {
      const styled = e.style && e.style !== 'default';
      return stack(e.items ?? [], styled ? width - 2 * PADDING : width) + (styled ? 2 * PADDING : 0);
    }
    default:
      return 20;
  }
}

/** Estimated height (px) of a card in Teams: body, then the row of buttons; padding included. */
export function cardHeight(card: El, width = CARD_WIDTH): number {
  const buttons = Array.isArray(card.actions) && card.actions.length > 0 ? 8 + BUTTON_ROW : 0;
  return Math.round(2 * PADDING + stack(card.body ?? [], width) + buttons);
}

/** How many input fields a card shows at once (visible inputs, Action.ShowCard cards not counted). */
export function visibleInputs(card: El): number {
  let n = 0;
  const walk = (e: unknown): void => {
    if (!e || typeof e !== 'object') return;
    const el = e as El;
    if (el.isVisible === false) return;
    if (typeof el.type === 'string' && el.type.startsWith('Input.')) n++;
    for (const k of ['body', 'items', 'columns']) if (Array.isArray(el[k])) el[k].forEach(walk);
  };
  walk(card);
  return n;
}
