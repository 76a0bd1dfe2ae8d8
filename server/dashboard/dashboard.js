/* kubecensus dashboard.
 *
 * Reads the range from the page URL (?from=&to=&interval=), fetches every statistic of
 * GET /api/v2/stats/<stat> in parallel (contract: docs/stats.md) and draws each as an SVG built
 * with DOM APIs, with a caption, a CSV link and a data table of exactly the numbers drawn.
 * No framework, no library, nothing fetched from elsewhere. Data only ever reaches the page
 * through textContent and setAttribute.
 *
 * When every chart is drawn, <body data-ready="true"> (or "error" when a request failed).
 */
'use strict';

(() => {
  const API_BASE = '/api/v2/stats/';
  const INTERVALS = ['day', 'week', 'month'];
  const PRESETS = { '30d': 'day', '6m': 'week', '1y': 'month' };
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const DAY_MS = 86400000;
  const FONT_SIZE = 14; // px; the SVGs are drawn at 1 unit = 1 CSS px, so this is what is seen
  const MAX_BAR = 72; // px: the widest a vertical bar gets, however few there are

  // Okabe–Ito: distinguishable under the common colour-vision deficiencies. Dark grey and yellow
  // come last (heavy / faint on white); a light neutral grey is kept for "other".
  const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#3D3D3D', '#F0E442'];
  const OTHER_COLOR = '#A3AAB3';
  const BAR_COLOR = '#0072B2';

  // Each chart: the stats it needs, and `build`, which turns the answers into a model
  // {empty, caption, legend, head, rows, period, plot(width) -> <svg>} (see showModel).
  const CHARTS = [
    { stats: ['active-clusters', 'new-clusters'], title: 'Active and new clusters', wide: true,
      csvLabels: ['CSV (active)', 'CSV (new)'], build: buildActivity },
    { stats: ['reports'], title: 'Reports received', wide: true, build: buildReports },
    { stats: ['master-versions'], title: 'Kubernetes version adoption', wide: true, build: buildVersions },
    { stats: ['operating-systems'], title: 'Operating systems', build: buildBreakdown, what: 'node operating system', perNode: true },
    { stats: ['os-images'], title: 'OS images', build: buildBreakdown, what: 'node OS image', perNode: true },
    { stats: ['container-runtimes'], title: 'Container runtimes', build: buildBreakdown, what: 'container runtime', perNode: true },
    { stats: ['architectures'], title: 'CPU architectures', build: buildBreakdown, what: 'node architecture', perNode: true },
    { stats: ['cloud-providers'], title: 'Cloud providers', build: buildBreakdown, what: 'cloud provider', perNode: true },
    { stats: ['kubelet-versions'], title: 'Kubelet versions', build: buildBreakdown, what: 'kubelet minor version', perNode: true },
    { stats: ['cluster-sizes'], title: 'Cluster sizes', build: buildSizes },
    { stats: ['lifetimes'], title: 'Cluster lifetimes', build: buildLifetimes },
  ];

  /* ---------------------------------------------------------------- formatting helpers */

  const numberFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const decimalFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
  const shortDayFmt = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const dayFmt = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
  const shortMonthFmt = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const monthFmt = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

  const formatNumber = (n) => (n == null || !Number.isFinite(n) ? '—' : numberFmt.format(n));
  const clusterCount = (n) => `${formatNumber(n)} cluster${n === 1 ? '' : 's'}`;
  const formatShare = (s) => (s == null || !Number.isFinite(s) ? '—' : `${(s * 100).toFixed(1)}%`);
  // Table cells: plain integers (no separators) so that they read back exactly.
  const plainInt = (n) => (n == null || !Number.isFinite(n) ? '—' : String(Math.round(n)));
  // A table cell that also keeps the exact number of the answer (data-value), e.g. a share of 0.3725
  // shown as "37.3%": a reader (or a test) need not undo the rounding.
  const cell = (text, value) => ({ text, value });
  const intCell = (n) => cell(plainInt(n), n);
  const shareCell = (s) => cell(formatShare(s), s);

  function formatBytes(bytes) {
    if (bytes == null || !Number.isFinite(bytes)) return '—';
    const TiB = 2 ** 40;
    const GiB = 2 ** 30;
    if (bytes >= TiB) return `${decimalFmt.format(bytes / TiB)} TiB`;
    return `${decimalFmt.format(bytes / GiB)} GiB`;
  }

  // Periods are "YYYY-MM-DD" (the first day of the interval, UTC); RFC 3339 is cut to the day.
  function parseDay(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(text));
    return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : new Date(NaN);
  }
  const isoDay = (date) => date.toISOString().slice(0, 10);
  const addDays = (date, days) => new Date(date.getTime() + days * DAY_MS);

  // Axis ticks: day and week "Nov 3", month "Nov 2026".
  function tickLabel(period, interval) {
    const d = parseDay(period);
    return interval === 'month' ? shortMonthFmt.format(d) : shortDayFmt.format(d);
  }

  // Captions and hover titles: the whole interval, with its year.
  function periodName(period, interval) {
    const d = parseDay(period);
    if (interval === 'month') return monthFmt.format(d);
    if (interval === 'week') return `the week of ${dayFmt.format(d)}`;
    return dayFmt.format(d);
  }
  // "on Nov 3, 2026", "in the week of Nov 3, 2026", "in November 2026".
  const duringPeriod = (period, interval) => `${interval === 'day' ? 'on' : 'in'} ${periodName(period, interval)}`;
  const capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1);

  // "1.31" < "1.32" < "1.100"; anything else sorts after versions; "other" always last.
  function compareValuesNewestFirst(a, b) {
    if (a === 'other' || b === 'other') return (a === 'other') - (b === 'other');
    const pa = /^v?(\d+)\.(\d+)/.exec(a);
    const pb = /^v?(\d+)\.(\d+)/.exec(b);
    if (pa && pb) return (+pb[1] - +pa[1]) || (+pb[2] - +pa[2]);
    if (pa || pb) return pa ? -1 : 1;
    return a.localeCompare(b);
  }

  // A version keeps its colour whatever the range (1.31 is always the same) and neighbouring
  // minors differ: colour = minor mod 6 (the six strongest colours). If two versions drawn together
  // would then share a colour, or for values that are not versions, colours go in order instead.
  function versionColors(keys) {
    const strong = PALETTE.slice(0, 6);
    const colors = new Map();
    for (const key of keys) {
      const m = /^v?\d+\.(\d+)/.exec(key);
      colors.set(key, key === 'other' ? OTHER_COLOR : m ? strong[+m[1] % strong.length] : null);
    }
    const drawn = keys.filter((k) => k !== 'other').map((k) => colors.get(k));
    if (drawn.includes(null) || new Set(drawn).size !== drawn.length) {
      let next = 0;
      for (const key of keys) if (key !== 'other') colors.set(key, PALETTE[next++ % PALETTE.length]);
    }
    return colors;
  }

  function findLast(list, test) {
    for (let i = list.length - 1; i >= 0; i--) if (test(list[i])) return list[i];
    return undefined;
  }

  /* ---------------------------------------------------------------- range state (page URL) */

  function todayUTC() {
    const now = new Date();
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  }

  // The presets match the API's own defaults: 30 days, 26 weeks from a Monday, 12 months from a 1st.
  function presetRange(interval) {
    const to = todayUTC();
    let from;
    if (interval === 'week') {
      const monday = addDays(to, -((to.getUTCDay() + 6) % 7));
      from = addDays(monday, -25 * 7);
    } else if (interval === 'month') {
      from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 11, 1));
    } else {
      from = addDays(to, -29);
    }
    return { from: isoDay(from), to: isoDay(to), interval };
  }

  const isValidDay = (text) => typeof text === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(text)
    && !Number.isNaN(parseDay(text).getTime()) && isoDay(parseDay(text)) === text;

  // Unusable values fall back to the default of the interval; from > to is left for the API to refuse.
  function readRange() {
    const q = new URLSearchParams(window.location.search);
    const interval = INTERVALS.includes(q.get('interval')) ? q.get('interval') : 'day';
    const fallback = presetRange(interval);
    return {
      from: isValidDay(q.get('from')) ? q.get('from') : fallback.from,
      to: isValidDay(q.get('to')) ? q.get('to') : fallback.to,
      interval,
    };
  }

  const rangeQuery = (range) =>
    new URLSearchParams({ from: range.from, to: range.to, interval: range.interval }).toString();

  const statUrl = (stat, range, format) =>
    `${API_BASE}${encodeURIComponent(stat)}?${rangeQuery(range)}${format ? `&format=${format}` : ''}`;

  function showRange(range) {
    document.getElementById('from').value = range.from;
    document.getElementById('to').value = range.to;
    document.getElementById('interval').value = range.interval;
    for (const button of document.querySelectorAll('[data-preset]')) {
      const preset = presetRange(PRESETS[button.dataset.preset]);
      button.setAttribute('aria-pressed', String(rangeQuery(preset) === rangeQuery(range)));
    }
  }

  function navigate(range) {
    const search = `?${rangeQuery(range)}`;
    if (search !== window.location.search) window.history.pushState(null, '', search);
    load(range);
  }

  function initControls() {
    const form = document.getElementById('range');
    const error = document.getElementById('range-error');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const range = {
        from: document.getElementById('from').value,
        to: document.getElementById('to').value,
        interval: document.getElementById('interval').value,
      };
      let problem = '';
      if (!isValidDay(range.from) || !isValidDay(range.to)) problem = 'Enter both dates.';
      else if (range.from > range.to) problem = '“From” must not be after “To”.';
      error.textContent = problem;
      error.hidden = !problem;
      if (!problem) navigate(range);
    });
    for (const button of document.querySelectorAll('[data-preset]')) {
      button.addEventListener('click', () => {
        error.hidden = true;
        navigate(presetRange(PRESETS[button.dataset.preset]));
      });
    }
    window.addEventListener('popstate', () => load(readRange()));
  }

  /* ---------------------------------------------------------------- fetching */

  class StatError extends Error {}

  // Resolves to the JSON answer; rejects with a StatError carrying the API's `error` message.
  async function fetchStat(stat, range) {
    let response;
    try {
      response = await fetch(statUrl(stat, range), { headers: { Accept: 'application/json' } });
    } catch (e) {
      throw new StatError(`Could not reach the collector: ${e.message}`);
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null; // not JSON: reported below by status
    }
    if (!response.ok) {
      // The API answers {"error": {"code", "message", "field"?}}.
      const detail = body && body.error && typeof body.error.message === 'string' ? body.error.message : '';
      const message = detail || `HTTP ${response.status} ${response.statusText}`.trim();
      throw new StatError(message);
    }
    if (!body || typeof body !== 'object') throw new StatError('The answer is not JSON.');
    return body;
  }

  /* ---------------------------------------------------------------- DOM helpers */

  function el(name, attrs = {}, parent = null, text = null) {
    const node = document.createElement(name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text != null) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function svgEl(name, attrs = {}, parent = null) {
    const node = document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (parent) parent.appendChild(node);
    return node;
  }

  function svgText(parent, x, y, text, attrs = {}) {
    const node = svgEl('text', { x: round(x), y: round(y), ...attrs }, parent);
    node.textContent = text;
    return node;
  }

  // A <title> child: the browser shows it as a tooltip on hover, screen readers read it.
  function addTitle(node, text) {
    svgEl('title', {}, node).textContent = text;
    return node;
  }

  const round = (v) => Math.round(v * 10) / 10;

  // Text widths come from a canvas with the page's font, so labels can be placed without
  // first inserting the SVG into the page.
  let measureContext = null;
  function textWidth(text, size = FONT_SIZE) {
    if (!measureContext) {
      measureContext = document.createElement('canvas').getContext('2d');
      measureContext.font = `${size}px ${getComputedStyle(document.documentElement).fontFamily}`;
    }
    return measureContext ? measureContext.measureText(String(text)).width : String(text).length * 8;
  }

  function fitText(text, maxWidth) {
    if (textWidth(text) <= maxWidth) return text;
    let cut = text.length;
    while (cut > 1 && textWidth(`${text.slice(0, cut)}…`) > maxWidth) cut--;
    return `${text.slice(0, cut)}…`;
  }

  /* ---------------------------------------------------------------- chart drawing */

  // Round tick values (counts) from 0 to at least max: steps of 1, 2 or 5 × 10^n, at least 1.
  function niceTicks(max, count = 5) {
    if (!(max > 0)) return [0, 1];
    const raw = max / count;
    const magnitude = 10 ** Math.floor(Math.log10(raw));
    const norm = raw / magnitude;
    const step = Math.max(1, Math.round((norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude));
    const ticks = [];
    for (let v = 0; v < max + step; v += step) ticks.push(v);
    return ticks;
  }

  function newSvg(width, height, label) {
    return svgEl('svg', {
      viewBox: `0 0 ${Math.round(width)} ${Math.round(height)}`,
      role: 'img',
      'aria-label': label,
      focusable: 'false',
    });
  }

  // "181-365 days" -> ["181-365", "days"]: bucket labels on two lines before resorting to rotation.
  const splitLabel = (label) => {
    const at = label.lastIndexOf(' ');
    return at > 0 ? [label.slice(0, at), label.slice(at + 1)] : [label];
  };

  // How to fit the x labels under bands of `band` px: every `step`th label (time axes), or
  // all of them (buckets) on one line, on two lines, or rotated.
  function planXLabels(labels, band, showAll) {
    const widest = Math.max(0, ...labels.map((l) => textWidth(l)));
    if (!showAll) return { step: Math.max(1, Math.ceil((widest + 18) / band)), rotate: false, height: 26 };
    if (widest + 8 <= band) return { step: 1, rotate: false, height: 26 };
    const widestPart = Math.max(0, ...labels.flatMap(splitLabel).map((l) => textWidth(l)));
    if (widestPart + 8 <= band) return { step: 1, rotate: false, wrap: true, height: 44 };
    // Rotated by 40°, neighbours need about one line height / sin(40°) between them.
    const step = Math.max(1, Math.ceil((FONT_SIZE * 1.6) / band));
    return { step, rotate: true, height: Math.ceil(widest * Math.sin(Math.PI * 40 / 180)) + 26 };
  }

  // Horizontal gridlines and y labels on the left; returns nothing, draws under the data.
  function drawYAxis(svg, { ticks, y, left, right, format }) {
    const grid = svgEl('g', { class: 'grid' }, svg);
    const axis = svgEl('g', { class: 'axis y-axis' }, svg);
    for (const t of ticks) {
      const yy = Math.round(y(t)) + 0.5;
      svgEl('line', { x1: left, x2: right, y1: yy, y2: yy }, grid);
      svgText(axis, left - 8, yy, format(t), { 'text-anchor': 'end', dy: '0.35em' });
    }
  }

  // X labels centred under their band; the most recent one is always labelled; kept inside the SVG.
  function drawXLabels(svg, { labels, x, y, plan, width }) {
    const axis = svgEl('g', { class: 'axis x-axis' }, svg);
    const n = labels.length;
    for (let i = n - 1; i >= 0; i -= plan.step) {
      const label = labels[i];
      if (plan.rotate) {
        svgText(axis, x(i), y + 4, label, {
          'text-anchor': 'end', dy: '0.7em', transform: `rotate(-40 ${round(x(i))} ${round(y + 4)})`,
        });
        continue;
      }
      const lines = plan.wrap ? splitLabel(label) : [label];
      const w = Math.max(...lines.map((l) => textWidth(l)));
      const cx = Math.min(Math.max(x(i), w / 2 + 1), width - w / 2 - 1);
      const text = svgText(axis, cx, y + 4, '', { 'text-anchor': 'middle' });
      lines.forEach((line, k) => {
        svgEl('tspan', { x: round(cx), dy: k ? '1.2em' : '0.9em' }, text).textContent = line;
      });
    }
  }

  // Lays out a plot with a y axis at the left and a band per x label; shared by the three
  // vertical charts. Returns the scales and the <svg> with its axes drawn.
  function cartesian(width, { labels, showAllLabels, ticks, formatTick, height, label }) {
    const left = Math.ceil(Math.max(...ticks.map((t) => textWidth(formatTick(t))))) + 14;
    const right = 10;
    const top = 12;
    const n = Math.max(1, labels.length);
    const band = (width - left - right) / n;
    const plan = planXLabels(labels, band, showAllLabels);
    const bottom = height - plan.height;
    const max = ticks[ticks.length - 1];
    const x = (i) => left + (i + 0.5) * band;
    const y = (v) => bottom - (v / max) * (bottom - top);
    const svg = newSvg(width, height, label);
    drawYAxis(svg, { ticks, y, left, right: width - right, format: formatTick });
    drawXLabels(svg, { labels, x, y: bottom, plan, width });
    return { svg, left, right: width - right, top, bottom, band, x, y };
  }

  function finishAxis(plot) {
    svgEl('line', { class: 'axis-line', x1: plot.left, x2: plot.right, y1: plot.bottom + 0.5, y2: plot.bottom + 0.5 }, plot.svg);
  }

  // Lines over time. series: [{name, color, dash, values}]; titles[i]: hover text of period i.
  function drawLineChart(width, { labels, series, titles, label }) {
    const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v || 0)));
    const ticks = niceTicks(max);
    const plot = cartesian(width, {
      labels, ticks, formatTick: formatNumber, height: width < 500 ? 240 : 300, label,
    });
    finishAxis(plot);
    for (const s of series) {
      const d = s.values.map((v, i) => `${i ? 'L' : 'M'}${round(plot.x(i))} ${round(plot.y(v || 0))}`).join(' ');
      const path = svgEl('path', { class: 'series-line', d, stroke: s.color }, plot.svg);
      if (s.dash) path.setAttribute('stroke-dasharray', s.dash);
      // Points only while they stay distinct; a single period would otherwise show nothing.
      if (s.values.length <= 62) {
        s.values.forEach((v, i) => svgEl('circle', { cx: round(plot.x(i)), cy: round(plot.y(v || 0)), r: 3, fill: s.color }, plot.svg));
      }
    }
    // One transparent band per period on top, so hovering anywhere in a column shows its numbers.
    titles.forEach((title, i) => {
      addTitle(svgEl('rect', {
        class: 'hover', x: round(plot.left + i * plot.band), y: plot.top,
        width: round(plot.band), height: round(plot.bottom - plot.top),
      }, plot.svg), title);
    });
    return plot.svg;
  }

  // Vertical bars. With showValues the count is written above each bar when it fits.
  function drawColumns(width, { labels, values, titles, showAllLabels, showValues, label, color = BAR_COLOR }) {
    const max = Math.max(0, ...values.map((v) => v || 0));
    const ticks = niceTicks(max * (showValues ? 1.08 : 1));
    const plot = cartesian(width, {
      labels, showAllLabels, ticks, formatTick: formatNumber, height: width < 500 ? 240 : 280, label,
    });
    const gap = plot.band > 6 ? Math.max(plot.band * 0.25, plot.band - MAX_BAR) : 0;
    const overlap = gap ? 0 : 0.6; // dense bars touch: overlap a little to hide anti-aliasing seams
    values.forEach((v, i) => {
      const g = addTitle(svgEl('g', {}, plot.svg), titles[i]);
      svgEl('rect', { class: 'hover', x: round(plot.left + i * plot.band), y: plot.top, width: round(plot.band), height: round(plot.bottom - plot.top) }, g);
      const top = plot.y(v || 0);
      svgEl('rect', {
        class: 'bar', x: round(plot.left + i * plot.band + gap / 2), y: round(top),
        width: round(Math.max(0.5, plot.band - gap + overlap)), height: round(plot.bottom - top), fill: color,
      }, g);
      const text = formatNumber(v || 0);
      if (showValues && textWidth(text) + 4 <= plot.band) {
        svgText(g, plot.x(i), top - 6, text, { class: 'col-value', 'text-anchor': 'middle' });
      }
    });
    finishAxis(plot);
    return plot.svg;
  }

  // 100% stacked bars. shares[i]: Map value -> share for period i, or null (nothing to draw);
  // keys: newest first, "other" last; stacked bottom-up in reverse, so the legend reads top-down.
  function drawStackedShares(width, { labels, keys, colors, shares, titleOf, label }) {
    const ticks = [0, 0.25, 0.5, 0.75, 1];
    const plot = cartesian(width, {
      labels, ticks, formatTick: (t) => `${Math.round(t * 100)}%`, height: width < 500 ? 260 : 320, label,
    });
    const gap = plot.band > 8 ? Math.max(plot.band * 0.2, plot.band - MAX_BAR) : 0;
    const overlap = gap ? 0 : 0.6;
    const stackOrder = [...keys].reverse();
    shares.forEach((byKey, i) => {
      if (!byKey) return;
      let acc = 0;
      for (const key of stackOrder) {
        const s = byKey.get(key) || 0;
        if (s <= 0) continue;
        const y1 = plot.y(Math.min(1, acc + s));
        const y0 = plot.y(Math.min(1, acc));
        addTitle(svgEl('rect', {
          class: 'seg', x: round(plot.left + i * plot.band + gap / 2), y: round(y1),
          width: round(Math.max(0.5, plot.band - gap + overlap)), height: round(Math.max(0, y0 - y1)), fill: colors.get(key),
        }, plot.svg), titleOf(i, key, s));
        acc += s;
      }
    });
    finishAxis(plot);
    return plot.svg;
  }

  // Horizontal bars, one row per value: the value above its bar, "N clusters · share" at its end.
  // items: [{label, value (length), end (text), title, color}]
  function drawBars(width, { items, label }) {
    const labelH = 20;
    const barH = 18;
    const rowH = labelH + barH + 12;
    const height = items.length * rowH;
    const endW = Math.max(...items.map((it) => textWidth(it.end))) + 10;
    const barMax = Math.max(40, width - endW - 2);
    const max = Math.max(...items.map((it) => it.value || 0)) || 1;
    const svg = newSvg(width, height, label);
    items.forEach((it, i) => {
      const top = i * rowH;
      const g = addTitle(svgEl('g', {}, svg), it.title);
      svgEl('rect', { class: 'hover', x: 0, y: top, width, height: rowH - 4 }, g);
      svgText(g, 1, top + 15, fitText(it.label, width - 2), { class: 'bar-label' });
      const w = Math.max(2, ((it.value || 0) / max) * barMax);
      svgEl('rect', { class: 'bar', x: 0, y: top + labelH, width: round(w), height: barH, rx: 2, fill: it.color }, g);
      svgText(g, w + 6, top + labelH + barH / 2, it.end, { class: 'bar-value', dy: '0.35em' });
    });
    return svg;
  }

  /* ---------------------------------------------------------------- chart models */

  const intervalOf = (answer, range) => (INTERVALS.includes(answer.interval) ? answer.interval : range.interval);
  // Only said when an "other" value is drawn.
  const otherNote = (answer, values) => (answer.minClusters && values.some((v) => v.value === 'other')
    ? ` “other”: values shared by fewer than ${formatNumber(answer.minClusters)} clusters.` : '');

  function buildActivity([active, fresh], range) {
    const interval = intervalOf(active, range);
    const periods = (active.periods || []).map((p) => p.period);
    const newBy = new Map((fresh.periods || []).map((p) => [p.period, p.clusters || 0]));
    const act = (active.periods || []).map((p) => p.clusters || 0);
    const nw = periods.map((p) => newBy.get(p) || 0);
    const series = [
      { name: 'Active', color: PALETTE[0], values: act },
      { name: 'New', color: PALETTE[1], values: nw, dash: '6 4' },
    ];
    return {
      empty: !act.some((v) => v > 0) && !nw.some((v) => v > 0),
      caption: `Clusters per ${interval}. Active: clusters with at least one report in the ${interval}, each counted once, by its latest report. New: clusters whose first report falls in the ${interval}.`,
      legend: series.map((s) => ({ label: s.name, color: s.color, dash: s.dash, line: true })),
      head: ['Period', 'Active', 'New'],
      rows: periods.map((p, i) => [p, intCell(act[i]), intCell(nw[i])]),
      plot: (width) => drawLineChart(width, {
        labels: periods.map((p) => tickLabel(p, interval)),
        series,
        titles: periods.map((p, i) => `${capitalize(periodName(p, interval))}: ${formatNumber(act[i])} active, ${formatNumber(nw[i])} new`),
        label: `Active and new clusters per ${interval}`,
      }),
    };
  }

  function buildReports([answer], range) {
    const interval = intervalOf(answer, range);
    const periods = (answer.periods || []).map((p) => p.period);
    const values = (answer.periods || []).map((p) => p.reports || 0);
    return {
      empty: !values.some((v) => v > 0),
      caption: `Reports stored per ${interval}. Here every report counts, so a cluster reporting hourly adds 24 a day.`,
      head: ['Period', 'Reports'],
      rows: periods.map((p, i) => [p, intCell(values[i])]),
      plot: (width) => drawColumns(width, {
        labels: periods.map((p) => tickLabel(p, interval)),
        values,
        titles: periods.map((p, i) => `${capitalize(periodName(p, interval))}: ${formatNumber(values[i])} reports`),
        label: `Reports per ${interval}`,
      }),
    };
  }

  function buildVersions([answer], range) {
    const interval = intervalOf(answer, range);
    const periods = answer.periods || [];
    const keys = [...new Set(periods.flatMap((p) => (p.values || []).map((v) => v.value)))].sort(compareValuesNewestFirst);
    const colors = versionColors(keys);
    // null: a period without clusters, drawn as a gap and shown as "—" in the table.
    const shares = periods.map((p) => (p.clusters > 0 && p.values && p.values.length
      ? new Map(p.values.map((v) => [v.value, v.share])) : null));
    return {
      empty: !shares.some(Boolean),
      caption: `Share of the active clusters per API server minor version, per ${interval}; each cluster counted once, by its latest report in the ${interval}.${otherNote(answer, keys.map((value) => ({ value })))}`,
      legend: keys.map((k) => ({ label: k, color: colors.get(k) })),
      head: ['Period', ...keys],
      rows: periods.map((p, i) => [p.period, ...keys.map((k) => (shares[i] ? shareCell(shares[i].get(k) || 0) : '—'))]),
      plot: (width) => drawStackedShares(width, {
        labels: periods.map((p) => tickLabel(p.period, interval)),
        keys,
        colors,
        shares,
        titleOf: (i, key, share) => {
          const v = periods[i].values.find((x) => x.value === key);
          return `${capitalize(periodName(periods[i].period, interval))}: ${key} ${formatShare(share)} (${formatNumber(v && v.clusters)} of ${formatNumber(periods[i].clusters)} clusters)`;
        },
        label: `Share of clusters per Kubernetes minor version, per ${interval}`,
      }),
    };
  }

  // The last interval of the range that has clusters (the current one may still be empty).
  const lastWithClusters = (answer) =>
    findLast(answer.periods || [], (p) => p.clusters > 0 && Array.isArray(p.values) && p.values.length > 0);

  // Why a breakdown has nothing to draw: no reports, or too few clusters to publish values.
  const emptyMessage = (answer) =>
    (answer.periods || []).some((p) => p.withheld)
      ? `Fewer than ${formatNumber(answer.minClusters)} clusters in each ${answer.interval || 'interval'} with reports: their values are not published.`
      : null;

  function buildBreakdown([answer], range, def) {
    const interval = intervalOf(answer, range);
    const amount = typeof answer.amount === 'string' && answer.amount ? answer.amount : 'nodes';
    const last = lastWithClusters(answer);
    const head = ['Value', 'Clusters', 'Share', capitalize(amount)];
    if (!last) {
      return { empty: true, message: emptyMessage(answer), head, rows: [], caption: `Clusters per ${def.what}, in the last ${interval} of the range with reports.` };
    }
    // share is in the answer; computed from the counts only should an answer lack it.
    const values = last.values.map((v) => ({
      ...v, share: Number.isFinite(v.share) ? v.share : (v.clusters || 0) / last.clusters,
    }));
    const when = duringPeriod(last.period, interval);
    const multi = def.perNode
      ? ' A cluster whose nodes differ counts under each of their values, so shares can add up to more than 100%.' : '';
    return {
      empty: false,
      period: last.period,
      caption: `Clusters per ${def.what} ${when} (the last ${interval} of the range with reports): ${formatNumber(last.clusters)} active clusters, each counted by its latest report.${multi}${otherNote(answer, values)}`,
      head,
      rows: values.map((v) => [v.value, intCell(v.clusters), shareCell(v.share), intCell(v[amount])]),
      plot: (width) => drawBars(width, {
        items: values.map((v) => ({
          label: v.value,
          value: v.share,
          end: `${clusterCount(v.clusters)} · ${formatShare(v.share)}`,
          title: `${v.value}: ${formatNumber(v.clusters)} of ${formatNumber(last.clusters)} clusters (${formatShare(v.share)}), ${formatNumber(v[amount])} ${amount}`,
          color: v.value === 'other' ? OTHER_COLOR : BAR_COLOR,
        })),
        label: `Clusters per ${def.what} ${when}`,
      }),
    };
  }

  function buildSizes([answer], range) {
    const interval = intervalOf(answer, range);
    const last = lastWithClusters(answer);
    const head = ['Nodes per cluster', 'Clusters'];
    if (!last) return { empty: true, message: emptyMessage(answer), head, rows: [], caption: `Clusters by number of nodes, in the last ${interval} of the range with reports.` };
    const buckets = last.values; // already in bucket order
    const when = duringPeriod(last.period, interval);
    return {
      empty: false,
      period: last.period,
      caption: `Clusters by number of nodes ${when} (the last ${interval} of the range with reports): ${formatNumber(last.clusters)} active clusters, each counted by its latest report.${otherNote(answer, buckets)}`,
      head,
      rows: buckets.map((b) => [b.value, intCell(b.clusters)]),
      plot: (width) => drawColumns(width, {
        labels: buckets.map((b) => b.value),
        values: buckets.map((b) => b.clusters || 0),
        titles: buckets.map((b) => `${b.value} nodes: ${clusterCount(b.clusters)} (${formatShare(b.share)})`),
        showAllLabels: true,
        showValues: true,
        label: `Clusters by number of nodes ${when}`,
      }),
    };
  }

  function buildLifetimes([answer], range) {
    const buckets = Array.isArray(answer.buckets) ? answer.buckets : [];
    const from = dayFmt.format(parseDay(answer.from || range.from));
    const to = dayFmt.format(parseDay(answer.to || range.to));
    const median = Number.isFinite(answer.medianDays) ? ` Median: ${decimalFmt.format(answer.medianDays)} days.` : '';
    const head = ['Lifetime', 'Clusters'];
    const empty = !(answer.clusters > 0) || !buckets.some((b) => b.clusters > 0);
    return {
      empty,
      caption: `The ${empty ? '' : `${formatNumber(answer.clusters)} `}clusters seen from ${from} to ${to}, by how long they have reported (first report to latest).${empty ? '' : median}${otherNote(answer, buckets)}`,
      head,
      rows: buckets.map((b) => [b.value, intCell(b.clusters)]),
      plot: (width) => drawColumns(width, {
        labels: buckets.map((b) => b.value),
        values: buckets.map((b) => b.clusters || 0),
        titles: buckets.map((b) => `${b.value}: ${clusterCount(b.clusters)}`),
        showAllLabels: true,
        showValues: true,
        label: `Clusters by lifetime, ${from} to ${to}`,
      }),
    };
  }

  /* ---------------------------------------------------------------- sections */

  const parts = new Map(); // chart definition -> its elements and current plot

  function buildSection(def, container) {
    const stat = def.stats[0];
    const section = el('section', { class: `chart${def.wide ? ' wide' : ''}`, 'data-stat': stat, 'aria-labelledby': `h-${stat}` }, container);
    if (def.stats.length > 1) section.dataset.stats = def.stats.join(' ');
    const head = el('div', { class: 'chart-head' }, section);
    el('h2', { id: `h-${stat}` }, head, def.title);
    const links = el('span', { class: 'csv-links' }, head);
    const csv = def.stats.map((s, i) => el('a', { class: 'csv', 'data-stat': s, download: '' }, links, def.csvLabels ? def.csvLabels[i] : 'CSV'));
    const body = el('div', { class: 'chart-body' }, section);
    const legend = el('ul', { class: 'legend', hidden: '' }, section);
    const caption = el('p', { class: 'caption' }, section);
    const details = el('details', {}, section);
    el('summary', {}, details, 'Data');
    const table = el('table', { class: 'chart-data', 'aria-label': `${def.title}: data` }, el('div', { class: 'table-wrap' }, details));
    parts.set(def, { section, csv, body, legend, caption, table, plot: null, width: 0 });
  }

  function showMessage(p, text, isError) {
    p.plot = null;
    p.body.replaceChildren(el('p', { class: `message${isError ? ' error' : ''}`, role: isError ? 'alert' : 'status' }, null, text));
  }

  function fillTable(table, head, rows) {
    const thead = el('thead');
    const tr = el('tr', {}, thead);
    for (const h of head) el('th', { scope: 'col' }, tr, h);
    const tbody = el('tbody');
    for (const row of rows) {
      const r = el('tr', {}, tbody);
      row.forEach((c, i) => {
        const node = el(i ? 'td' : 'th', i ? {} : { scope: 'row' }, r, typeof c === 'object' ? c.text : c);
        if (typeof c === 'object' && Number.isFinite(c.value)) node.dataset.value = String(c.value);
      });
    }
    table.replaceChildren(thead, tbody);
  }

  function fillLegend(list, entries) {
    list.replaceChildren();
    list.hidden = !entries || entries.length === 0;
    for (const entry of entries || []) {
      const li = el('li', {}, list);
      const swatch = svgEl('svg', { width: 18, height: 14, viewBox: '0 0 18 14', 'aria-hidden': 'true' }, li);
      if (entry.line) {
        const line = svgEl('line', { x1: 1, x2: 17, y1: 7, y2: 7, stroke: entry.color, 'stroke-width': 3 }, swatch);
        if (entry.dash) line.setAttribute('stroke-dasharray', '5 3');
      } else {
        svgEl('rect', { x: 2, y: 1, width: 12, height: 12, rx: 2, fill: entry.color }, swatch);
      }
      li.appendChild(document.createTextNode(entry.label));
    }
  }

  function drawPlot(p) {
    p.width = p.body.clientWidth;
    p.body.replaceChildren(p.plot(Math.max(260, Math.floor(p.width))));
  }

  function showModel(p, model) {
    p.section.dataset.state = model.empty ? 'empty' : 'ok';
    if (model.period) p.section.dataset.period = model.period;
    else delete p.section.dataset.period;
    p.caption.textContent = model.caption || '';
    fillLegend(p.legend, model.empty ? null : model.legend);
    fillTable(p.table, model.head, model.empty ? [] : model.rows);
    if (model.empty) {
      showMessage(p, model.message || 'No reports in this range', false);
    } else {
      p.plot = model.plot;
      drawPlot(p);
    }
  }

  function showError(p, message) {
    p.section.dataset.state = 'error';
    delete p.section.dataset.period;
    fillLegend(p.legend, null);
    p.caption.textContent = '';
    const tbody = p.table.querySelector('tbody');
    if (tbody) tbody.replaceChildren(); // no stale numbers from an earlier range
    showMessage(p, message, true);
  }

  // Draws one chart once its answers are in; resolves to false when a request failed.
  async function renderChart(def, answers, range, generation) {
    const p = parts.get(def);
    const settled = await Promise.allSettled(def.stats.map((s) => answers.get(s)));
    if (generation !== loadGeneration) return true; // a newer range is being drawn
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) {
      showError(p, failed.reason instanceof StatError ? failed.reason.message : String(failed.reason));
      return false;
    }
    try {
      showModel(p, def.build(settled.map((r) => r.value), range, def));
      return true;
    } catch (e) {
      console.error(def.stats[0], e);
      showError(p, `Could not draw this answer: ${e.message}`);
      return false;
    }
  }

  // KPI tiles: the totals of the last interval of the range that has (non-null) clusters.
  async function renderKpis(answerPromise, range, generation) {
    const section = document.querySelector('.kpis');
    const tiles = [...section.querySelectorAll('.kpi')];
    const note = section.querySelector('.kpis-note');
    // value(key) -> number or null; period: the interval shown, or null with `message` saying why.
    const fill = (value, period, message) => {
      for (const tile of tiles) {
        const v = value(tile.dataset.kpi);
        tile.querySelector('.kpi-value').textContent =
          v == null ? '—' : (tile.dataset.kpi === 'memoryBytes' ? formatBytes(v) : formatNumber(v));
        tile.dataset.value = v == null ? '' : String(v);
        tile.querySelector('.kpi-period').textContent = period ? capitalize(periodName(period, interval)) : '';
      }
      if (period) section.dataset.period = period;
      else delete section.dataset.period;
      note.textContent = message || '';
      note.hidden = !message;
    };
    let interval = range.interval;
    let answer;
    try {
      answer = await answerPromise;
    } catch (e) {
      if (generation !== loadGeneration) return true;
      section.dataset.state = 'error';
      fill(() => null, null, e.message);
      return false;
    }
    if (generation !== loadGeneration) return true;
    interval = intervalOf(answer, range);
    const last = findLast(answer.periods || [], (p) => p.clusters != null && p.clusters > 0);
    section.dataset.state = last ? 'ok' : 'empty';
    if (last) fill((key) => (Number.isFinite(last[key]) ? last[key] : null), last.period, null);
    else fill(() => null, null, 'No reports in this range');
    return true;
  }

  /* ---------------------------------------------------------------- loading */

  let loadGeneration = 0;

  async function load(range) {
    const generation = ++loadGeneration;
    delete document.body.dataset.ready;
    showRange(range);
    document.title = `kubecensus · ${range.from} to ${range.to}`;

    document.querySelector('.kpis').dataset.state = 'loading';
    for (const [def, p] of parts) {
      p.csv.forEach((a, i) => a.setAttribute('href', statUrl(def.stats[i], range, 'csv')));
      p.section.dataset.state = 'loading';
      p.section.setAttribute('aria-busy', 'true');
    }

    // Every statistic once, all in flight together.
    const stats = new Set(['totals', ...CHARTS.flatMap((d) => d.stats)]);
    const answers = new Map([...stats].map((s) => [s, fetchStat(s, range)]));
    // A drawing bug must not leave the page without data-ready: it counts as a failure.
    const results = await Promise.all([
      renderKpis(answers.get('totals'), range, generation),
      ...CHARTS.map((def) => renderChart(def, answers, range, generation)),
    ].map((job) => job.catch((e) => { console.error(e); return false; })));
    if (generation !== loadGeneration) return;
    for (const p of parts.values()) p.section.removeAttribute('aria-busy');
    document.body.dataset.ready = results.every(Boolean) ? 'true' : 'error';
  }

  // Redraw at the new width (SVGs are drawn at 1 unit = 1 px so text keeps its size). Observing
  // the chart bodies also catches width changes without a window resize (a scrollbar appearing).
  let resizeTimer = 0;
  function onResize() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const p of parts.values()) if (p.plot && Math.abs(p.body.clientWidth - p.width) > 1) drawPlot(p);
    }, 150);
  }

  function init() {
    const container = document.getElementById('charts');
    for (const def of CHARTS) buildSection(def, container);
    initControls();
    if (typeof ResizeObserver === 'function') {
      const observer = new ResizeObserver(onResize);
      for (const p of parts.values()) observer.observe(p.body);
    } else {
      window.addEventListener('resize', onResize);
    }
    load(readRange());
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
