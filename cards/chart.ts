import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type * as Vega from 'vega';

/** Occurrences by strand per month: months as `YYYY-MM`, one series per strand in the configured order. */
export interface StrandChartData {
  months: readonly string[];
  series: readonly { label: string; values: readonly (number | null)[] }[];
}

/** Colour-blind-safe (Okabe–Ito) series colours, assigned in the configured strand order. */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#8C6D00', '#000000'];
const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/** Chart image size (pixels): small enough to travel inside the card as a data URL. */
export const CHART_SIZE = { width: 420, height: 230 } as const;

const monthLabel = (m: string) => DateTime.fromFormat(m, 'yyyy-MM').toFormat('LLL yy');

/** The Vega specification of the strand chart (a line per strand; gaps where a value is null). */
export function strandChartSpec(data: StrandChartData): Vega.Spec {
  const labels = data.months.map(monthLabel);
  const strands = data.series.map((s) => s.label);
  const values = data.series.flatMap((s) => s.values.map((n, i) => ({ month: labels[i], strand: s.label, n })));
  return {
    width: CHART_SIZE.width,
    height: CHART_SIZE.height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 8,
    background: 'white',
    config: {
      text: { font: FONT },
      axis: { labelFont: FONT, labelFontSize: 12, labelColor: '#333333', domainColor: '#888888', tickColor: '#888888' },
      legend: { labelFont: FONT, labelFontSize: 12, labelColor: '#333333' },
    },
    data: [{ name: 'points', values }],
    scales: [
      { name: 'x', type: 'point', domain: labels, range: 'width', padding: 0.3 },
      { name: 'y', type: 'linear', domain: { data: 'points', field: 'n' }, range: 'height', nice: true, zero: true, domainMin: 0 },
      { name: 'colour', type: 'ordinal', domain: strands, range: SERIES_COLOURS.slice(0, Math.max(1, strands.length)) },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', labelOverlap: true },
      { orient: 'left', scale: 'y', tickCount: 5, grid: true, gridColor: '#dddddd', format: 'd', tickMinStep: 1 },
    ],
    // Legend below the plot: the card is narrow, and a side legend would squeeze the lines.
    legends: [
      {
        stroke: 'colour',
        orient: 'bottom',
        direction: 'horizontal',
        columns: 2,
        labelLimit: 170,
        columnPadding: 16,
        symbolSize: 60,
        labelFontSize: 11,
        symbolType: 'stroke',
        symbolStrokeWidth: 3,
      },
    ],
    marks: [
      {
        type: 'group',
        from: { facet: { name: 'series', data: 'points', groupby: 'strand' } },
        marks: [
          {
            type: 'line',
            from: { data: 'series' },
            encode: {
              enter: {
                x: { scale: 'x', field: 'month' },
                y: { scale: 'y', field: 'n' },
                stroke: { scale: 'colour', field: 'strand' },
                strokeWidth: { value: 2.5 },
                defined: { signal: 'datum.n !== null' },
              },
            },
          },
        ],
      },
    ],
  } as Vega.Spec;
}

/** The chart libraries: about 60 MB of code and native modules that only a summary needs. */
interface ChartLibs {
  vega: typeof Vega;
  sharp: typeof import('sharp').default;
}

let libs: Promise<ChartLibs> | undefined;

/**
 * Imports vega and sharp on the first chart (issue 11 item 7: a bot that is never asked for a
 * summary does not carry them). sharp's operation cache is switched off: rendered charts are
 * cached here, by their data, and libvips' cache would only hold memory.
 */
function chartLibs(): Promise<ChartLibs> {
  libs ??= Promise.all([import('vega'), import('sharp')]).then(
    ([vega, sharp]) => {
      sharp.default.cache(false);
      return { vega, sharp: sharp.default };
    },
    (e: unknown) => {
      libs = undefined;
      throw e;
    },
  );
  return libs;
}

/** A chart view per shape (month labels and strands), with the drawing in progress on it. */
interface ShapedView {
  view: Vega.View;
  /** Drawings on one view run one after another: each replaces the view's data. */
  busy: Promise<unknown>;
}

/** Views kept: a shape is a 12-month window and the configured strands, so a few at most. */
const VIEWS = 8;
const views = new Map<string, ShapedView>();

/**
 * The strand chart as SVG text, headless (no canvas, no network). Parsing the spec and building
 * its dataflow cost about as much as drawing, so one view is kept per shape (the months and
 * strands, which fix the axes and colours) and only its points are replaced for new values.
 */
async function chartSvg(data: StrandChartData): Promise<string> {
  const { vega } = await chartLibs();
  const spec = strandChartSpec(data) as { data: { values: unknown[] }[] };
  const points = spec.data[0]!.values;
  const key = JSON.stringify([data.months, data.series.map((s) => s.label)]);
  let shaped = views.get(key);
  if (!shaped) {
    spec.data[0]!.values = [];
    shaped = { view: new vega.View(vega.parse(spec as Vega.Spec), { renderer: 'none' }), busy: Promise.resolve() };
    views.set(key, shaped);
    if (views.size > VIEWS) {
      const [oldest, old] = views.entries().next().value!;
      views.delete(oldest);
      void old.busy.finally(() => old.view.finalize());
    }
  }
  const { view } = shaped;
  const svg = shaped.busy.then(() => view.data('points', points).toSVG());
  shaped.busy = svg.catch(() => undefined);
  return svg;
}

/** Font options; tests pass `{ loadSystemFonts: false }` to see the chart a machine without fonts draws (no text). */
export interface ChartFonts {
  loadSystemFonts: boolean;
}

/** Charts kept: a few scopes times the period buttons, about 6 KB each. */
const CACHE_SIZE = 64;
/** Rendered (or rendering) charts by cacheKey, least recently used first. */
const cache = new Map<string, Promise<Buffer>>();

/** What the image depends on: the months, each series' label and values, and the fonts option. */
function cacheKey(data: StrandChartData, fonts: ChartFonts): string {
  const content = JSON.stringify([data.months, data.series.map((s) => [s.label, s.values]), fonts.loadSystemFonts]);
  return createHash('sha256').update(content).digest('base64');
}

/**
 * Vega spec → SVG → palette PNG by sharp (libvips' librsvg; about 6 KB: a card travels in one
 * Teams message, so the image must stay well under its ~28 KB). Text is laid out with
 * fontconfig's fonts, which libvips loads once per process on the first chart; without any
 * usable font the text is simply missing.
 */
async function draw(data: StrandChartData, fonts: ChartFonts): Promise<Buffer> {
  const { sharp } = await chartLibs();
  let svg = await chartSvg(data);
  if (!fonts.loadSystemFonts) svg = svg.replace(/<text\b[^>]*>[\s\S]*?<\/text>/g, '');
  // A line chart has a few flat colours plus anti-aliased edges: 16 palette entries keep it
  // crisp. The fastest quantisation and zlib level 6 cost about 10 % in size, a third in time;
  // no dithering (flat colours need none) saves another third, and bytes.
  return sharp(Buffer.from(svg)).png({ palette: true, colours: 16, compressionLevel: 6, effort: 1, dither: 0 }).toBuffer();
}

/**
 * The strand chart as a PNG of CHART_SIZE. Pure given its data (no network), so it is cached by
 * its data (the months, labels and values, which a summary's scope and period decide): the
 * period buttons, a re-asked summary and each recipient of a scheduled one reuse the image. A
 * request for a chart being drawn waits for that drawing. The buffer is shared: do not modify it.
 */
export function renderStrandChartPng(data: StrandChartData, fonts: ChartFonts = { loadSystemFonts: true }): Promise<Buffer> {
  const key = cacheKey(data, fonts);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const png = draw(data, fonts);
  cache.set(key, png);
  // A failed drawing is not kept: the next request tries again.
  png.catch(() => cache.get(key) === png && cache.delete(key));
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return png;
}

/** The chart as a `data:image/png;base64,…` URL for an Adaptive Card Image. */
export async function strandChartDataUrl(data: StrandChartData, fonts?: ChartFonts): Promise<string> {
  return `data:image/png;base64,${(await renderStrandChartPng(data, fonts)).toString('base64')}`;
}
