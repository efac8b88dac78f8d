/** A plain SVG chart of the benchmark: throughput (bars) per path at each concurrency. No dependencies. */
export function renderChart(cells: { path: string; concurrency: number; rps: number; p95: number }[], labels: Record<string, string>): string {
  const paths = [...new Set(cells.map((c) => c.path))];
  const levels = [...new Set(cells.map((c) => c.concurrency))];
  const colors = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759'];
  const width = 760;
  const height = 380;
  const left = 60;
  const bottom = 300;
  const top = 50;
  const max = Math.max(1, ...cells.map((c) => c.rps));
  const groupWidth = (width - left - 20) / levels.length;
  const barWidth = (groupWidth - 30) / paths.length;
  const y = (value: number) => bottom - ((bottom - top) * value) / max;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="24" font-size="15" font-weight="bold">identify: requests per second by path and concurrency (p95 ms above the bars)</text>`,
    `<line x1="${left}" y1="${bottom}" x2="${width - 10}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#333"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const value = (max * i) / 4;
    parts.push(`<text x="${left - 6}" y="${y(value) + 4}" text-anchor="end">${Math.round(value)}</text>`);
    parts.push(`<line x1="${left}" y1="${y(value)}" x2="${width - 10}" y2="${y(value)}" stroke="#ddd"/>`);
  }
  levels.forEach((level, g) => {
    const x0 = left + 15 + g * groupWidth;
    paths.forEach((path, p) => {
      const cell = cells.find((c) => c.path === path && c.concurrency === level);
      if (!cell) return;
      const x = x0 + p * barWidth;
      parts.push(`<rect x="${x}" y="${y(cell.rps)}" width="${barWidth - 4}" height="${bottom - y(cell.rps)}" fill="${colors[p % colors.length]}"/>`);
      parts.push(`<text x="${x + (barWidth - 4) / 2}" y="${y(cell.rps) - 4}" text-anchor="middle" font-size="10">${cell.p95}</text>`);
    });
    parts.push(`<text x="${x0 + (paths.length * barWidth) / 2}" y="${bottom + 18}" text-anchor="middle">concurrency ${level}</text>`);
  });
  paths.forEach((path, p) => {
    parts.push(`<rect x="${left + p * 240}" y="${bottom + 40}" width="12" height="12" fill="${colors[p % colors.length]}"/>`);
    parts.push(`<text x="${left + p * 240 + 18}" y="${bottom + 50}">${escapeXml(labels[path] ?? path)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
