// Small SVG charts drawn in the page (no chart library, no network).
const SVG = 'http://www.w3.org/2000/svg';

function svgEl(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function axes(svg, plot, xLabel, yLabel, yMax) {
  svg.append(svgEl('line', { x1: plot.x, y1: plot.y + plot.h, x2: plot.x + plot.w, y2: plot.y + plot.h, stroke: '#889' }));
  svg.append(svgEl('line', { x1: plot.x, y1: plot.y, x2: plot.x, y2: plot.y + plot.h, stroke: '#889' }));
  svg.append(svgEl('text', { x: plot.x + plot.w / 2, y: plot.y + plot.h + 30, 'text-anchor': 'middle' }, xLabel));
  svg.append(svgEl('text', { x: 12, y: plot.y + plot.h / 2, transform: `rotate(-90 12 ${plot.y + plot.h / 2})`, 'text-anchor': 'middle' }, yLabel));
  for (const tick of [0, 0.5, 1]) {
    const y = plot.y + plot.h - tick * plot.h;
    svg.append(svgEl('text', { x: plot.x - 6, y: y + 4, 'text-anchor': 'end' }, (tick * yMax).toFixed(yMax < 1 ? 2 : 1)));
  }
}

/** Accuracy against mean confidence per bin, dot area by cases, and the diagonal of perfect calibration. */
export function reliabilityDiagram(svg, bins) {
  svg.replaceChildren();
  const plot = { x: 50, y: 10, w: 290, h: 240 };
  axes(svg, plot, 'mean top probability', 'share right', 1);
  const px = v => plot.x + v * plot.w;
  const py = v => plot.y + plot.h - v * plot.h;
  svg.append(svgEl('line', { x1: px(0), y1: py(0), x2: px(1), y2: py(1), stroke: '#bbb', 'stroke-dasharray': '4 3' }));
  const largest = Math.max(1, ...bins.map(b => b.cases));
  for (const bin of bins) {
    const dot = svgEl('circle', { cx: px(bin.meanConfidence), cy: py(bin.accuracy), r: 3 + 7 * Math.sqrt(bin.cases / largest),
      fill: '#1f5fbf', 'fill-opacity': 0.7, class: 'bin' });
    dot.append(svgEl('title', {}, `${bin.cases} cases, confidence ${bin.meanConfidence.toFixed(2)}, right ${bin.accuracy.toFixed(2)}`));
    svg.append(dot);
  }
}

/** One line per series over the points; null values leave gaps. A dashed line marks the threshold. */
export function lineChart(svg, labels, series, threshold, { xLabel = 'window ending (weeks)', yLabel = 'PSI', yMax: fixedMax } = {}) {
  svg.replaceChildren();
  const plot = { x: 50, y: 10, w: 640, h: 180 };
  const values = series.flatMap(s => s.values).filter(v => v !== null);
  const yMax = fixedMax ?? Math.max(threshold * 1.5, ...values, 0.1);
  axes(svg, plot, xLabel, yLabel, yMax);
  const px = i => plot.x + (labels.length === 1 ? plot.w / 2 : i * plot.w / (labels.length - 1));
  const py = v => plot.y + plot.h - Math.min(v, yMax) / yMax * plot.h;
  svg.append(svgEl('line', { x1: plot.x, y1: py(threshold), x2: plot.x + plot.w, y2: py(threshold), stroke: '#b3261e', 'stroke-dasharray': '5 4' }));
  svg.append(svgEl('text', { x: plot.x + plot.w - 4, y: py(threshold) - 4, 'text-anchor': 'end' }, `threshold ${threshold}`));
  labels.forEach((label, i) => {
    if (i % Math.ceil(labels.length / 6) === 0) svg.append(svgEl('text', { x: px(i), y: plot.y + plot.h + 14, 'text-anchor': 'middle' }, label));
  });
  series.forEach((s, k) => {
    let path = '';
    s.values.forEach((v, i) => {
      if (v === null) return;
      path += `${path && s.values[i - 1] !== null ? 'L' : 'M'}${px(i)},${py(v)} `;
      svg.append(svgEl('circle', { cx: px(i), cy: py(v), r: 3, fill: s.colour }));
    });
    if (path) svg.append(svgEl('path', { d: path, fill: 'none', stroke: s.colour, 'stroke-width': 2 }));
    svg.append(svgEl('text', { x: plot.x + 10 + k * 160, y: plot.y + 12, fill: s.colour }, s.name));
  });
}
