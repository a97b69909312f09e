// A small line chart of validation-loss curves as standalone SVG, so BENCHMARKS.md can show the curves it reports.
export interface Curve {
  readonly name: string;
  readonly points: readonly { readonly step: number; readonly valLoss: number }[];
}

// Tableau's ten, then black: a chart of every attack keeps each curve apart
const COLORS = [
  "#d62728",
  "#1f77b4",
  "#2ca02c",
  "#9467bd",
  "#ff7f0e",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
  "#000000",
];
const W = 720;
const H = 420;
const PAD = { left: 60, right: 20, top: 40, bottom: 50 };

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function lossCurvesSvg(title: string, curves: readonly Curve[]): string {
  const all = curves.flatMap((c) => c.points);
  const maxStep = Math.max(1, ...all.map((p) => p.step));
  // Start the y axis a little below the best loss and cap it so the early steps do not flatten the rest
  const low = Math.floor(Math.min(...all.map((p) => p.valLoss)) * 10) / 10 - 0.1;
  const high = Math.min(Math.max(...all.map((p) => p.valLoss)), low + 3);
  const x = (step: number) => PAD.left + (step / maxStep) * (W - PAD.left - PAD.right);
  const y = (loss: number) => PAD.top + ((high - Math.min(loss, high)) / (high - low)) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  for (let t = Math.ceil(low * 10) / 10; t <= high + 1e-9; t += 0.25) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${y(t) + 4}" text-anchor="end">${t.toFixed(2)}</text>`);
  }
  // at most ~10 labels: the smallest of 1, 2, 5, 10, 20, 50, ... that spaces them so
  const stepTick = [1, 2, 5]
    .flatMap((m) => [1, 10, 100, 1000, 10000].map((p) => m * p))
    .sort((a, b) => a - b)
    .find((t) => maxStep / t <= 10)!;
  for (let s = 0; s <= maxStep; s += stepTick)
    parts.push(`<text x="${x(s)}" y="${H - PAD.bottom + 18}" text-anchor="middle">${s}</text>`);
  parts.push(`<text x="${W / 2}" y="${H - 12}" text-anchor="middle">step</text>`);
  parts.push(
    `<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">validation loss</text>`,
  );
  curves.forEach((c, i) => {
    const color = COLORS[i % COLORS.length];
    const path = c.points.map((p, j) => `${j ? "L" : "M"}${x(p.step).toFixed(1)},${y(p.valLoss).toFixed(1)}`).join("");
    parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    const last = c.points[c.points.length - 1];
    const label = `${c.name}${last ? `: ${last.valLoss.toFixed(3)}` : ""}`;
    parts.push(`<rect x="${W - 290}" y="${PAD.top + 8 + i * 18}" width="12" height="3" fill="${color}"/>`);
    parts.push(`<text x="${W - 272}" y="${PAD.top + 14 + i * 18}">${escape(label)}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
