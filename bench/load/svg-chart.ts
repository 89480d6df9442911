/** A small dependency-free SVG line chart for the benchmark report. */

/** One line of a chart. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** What to draw. */
export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Horizontal reference lines (limits), drawn dashed. */
  readonly limits?: ReadonlyArray<{ readonly label: string; readonly y: number; readonly color: string }>;
  readonly width?: number;
  readonly height?: number;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Renders a line chart as an inline SVG element. */
export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 300;
  const m = { left: 60, right: 20, top: 36, bottom: 44 };
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = [...spec.series.flatMap((s) => s.points.map((p) => p[1])), ...(spec.limits ?? []).map((l) => l.y)];
  const xMin = Math.min(...xs, 0);
  const xMax = Math.max(...xs, 1);
  const yMax = niceCeil(Math.max(...ys, 1e-9) * 1.1);
  const px = (x: number): number => m.left + ((x - xMin) / (xMax - xMin || 1)) * (width - m.left - m.right);
  const py = (y: number): number => height - m.bottom - (y / yMax) * (height - m.top - m.bottom);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  parts.push(
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(spec.title)}</text>`,
  );
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${py(y)}" y2="${py(y)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${py(y) + 4}" text-anchor="end" fill="#555">${fmt(y)}</text>`);
  }
  for (let i = 0; i <= 5; i++) {
    const x = xMin + ((xMax - xMin) * i) / 5;
    parts.push(`<text x="${px(x)}" y="${height - m.bottom + 16}" text-anchor="middle" fill="#555">${fmt(x)}</text>`);
  }
  parts.push(`<text x="${width / 2}" y="${height - 8}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  parts.push(
    `<text x="14" y="${height / 2}" text-anchor="middle" transform="rotate(-90 14 ${height / 2})">${esc(spec.yLabel)}</text>`,
  );
  for (const l of spec.limits ?? []) {
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${py(l.y)}" y2="${py(l.y)}" stroke="${l.color}" stroke-dasharray="6 4"/>`,
    );
    parts.push(
      `<text x="${width - m.right - 4}" y="${py(l.y) - 4}" text-anchor="end" fill="${l.color}">${esc(l.label)}</text>`,
    );
  }
  spec.series.forEach((s, i) => {
    if (s.points.length > 0) {
      const d = s.points.map((p, j) => `${j === 0 ? "M" : "L"}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(" ");
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
      for (const p of s.points.length <= 40 ? s.points : []) {
        parts.push(`<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
      }
    }
    parts.push(`<rect x="${m.left + 10 + i * 170}" y="${m.top - 4}" width="12" height="3" fill="${s.color}"/>`);
    parts.push(`<text x="${m.left + 26 + i * 170}" y="${m.top}" fill="#333">${esc(s.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}

function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const k of [1, 2, 2.5, 5, 10]) if (k * p >= v) return k * p;
  return 10 * p;
}

function fmt(v: number): string {
  if (Math.abs(v) >= 1000) return `${(v / 1000).toFixed(v % 1000 === 0 ? 0 : 1)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 1 ? 2 : 1);
}
