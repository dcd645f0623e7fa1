import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CHART_SIZE, renderStrandChartPng, strandChartSpec } from '../../cards/chart.js';

const months = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
const data = {
  months,
  series: ['Race', 'Religion', 'Sexual orientation', 'Disability', 'Transgender'].map((label, j) => ({
    label,
    values: months.map((_, i) => (j === 4 && i === 2 ? null : 3 + ((i * (j + 2)) % 40))),
  })),
};

function ihdr(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bitDepth: png[24], colourType: png[25] };
}

describe('strand chart (vega → SVG → sharp → indexed PNG)', () => {
  it('is a small palette PNG of the chart size, with the series colours in it', async () => {
    const png = await renderStrandChartPng(data);
    expect(ihdr(png)).toMatchObject({ width: CHART_SIZE.width, height: CHART_SIZE.height, colourType: 3 });
    // the card, chart included, must fit in one Teams message (~28 KB)
    expect(png.length).toBeLessThan(12_000);
    const { data: pixels } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const seen = new Set<string>();
    for (let i = 0; i < pixels.length; i += 3) seen.add(`${pixels[i]},${pixels[i + 1]},${pixels[i + 2]}`);
    // the first series (Okabe-Ito blue #0072B2) is drawn, within palette rounding
    const blue = [...seen]
      .map((s) => s.split(',').map(Number))
      .some(([r, g, b]) => Math.abs(r! - 0x00) < 24 && Math.abs(g! - 0x72) < 24 && Math.abs(b! - 0xb2) < 24);
    expect(blue).toBe(true);
  });

  it('renders without any font (text missing, no crash)', async () => {
    const png = await renderStrandChartPng(data, { loadSystemFonts: false });
    expect(ihdr(png).width).toBe(CHART_SIZE.width);
  });

  it('lists strands in the given (configured) order, colours by position, gaps for suppressed values', () => {
    const spec = strandChartSpec(data) as any;
    expect(spec.scales[2].domain).toEqual(['Race', 'Religion', 'Sexual orientation', 'Disability', 'Transgender']);
    expect(spec.data[0].values.filter((v: any) => v.n === null)).toHaveLength(1);
  });

  it('is drawn once for the same data (a summary asked again, its period buttons), again when the data differ', async () => {
    const first = await renderStrandChartPng(data);
    expect(await renderStrandChartPng({ months: [...data.months], series: data.series.map((s) => ({ ...s })) })).toBe(first);
    const changed = { ...data, series: data.series.map((s, j) => (j === 0 ? { ...s, values: s.values.map((v) => (v ?? 0) + 1) } : s)) };
    const other = await renderStrandChartPng(changed);
    expect(other).not.toBe(first);
    expect(other.equals(first)).toBe(false);
  });

  it('copes with no data at all', async () => {
    const png = await renderStrandChartPng({ months, series: [] });
    expect(ihdr(png).width).toBe(CHART_SIZE.width);
  });
});
