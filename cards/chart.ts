import { Resvg } from '@resvg/resvg-js';
import { DateTime } from 'luxon';
import * as vega from 'vega';
import sharp from 'sharp';

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
export function strandChartSpec(data: StrandChartData): vega.Spec {
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
  } as vega.Spec;
}

/** Renders a Vega spec to SVG text, headless (no canvas, no network). */
export async function specToSvg(spec: vega.Spec): Promise<string> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Font options for resvg; tests pass `{ loadSystemFonts: false }` to check a machine without fonts. */
export interface ChartFonts {
  loadSystemFonts: boolean;
}

/**
 * Renders the strand chart: Vega spec → SVG → resvg raster → palette PNG by sharp (about
 * 5-8 KB: a card travels in one Teams message, so the image must stay well under its ~28 KB).
 * Pure given its data (no network). Without any usable font the text is simply missing.
 */
export async function renderStrandChartPng(data: StrandChartData, fonts: ChartFonts = { loadSystemFonts: true }): Promise<Buffer> {
  const svg = await specToSvg(strandChartSpec(data));
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'width', value: CHART_SIZE.width },
    font: { loadSystemFonts: fonts.loadSystemFonts, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  const image = resvg.render();
  // A line chart has a few flat colours plus anti-aliased edges: 16 palette entries keep it crisp.
  return sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 4 } })
    .png({ palette: true, colours: 16, compressionLevel: 9, effort: 10 })
    .toBuffer();
}

/** The chart as a `data:image/png;base64,…` URL for an Adaptive Card Image. */
export async function strandChartDataUrl(data: StrandChartData, fonts?: ChartFonts): Promise<string> {
  return `data:image/png;base64,${(await renderStrandChartPng(data, fonts)).toString('base64')}`;
}
