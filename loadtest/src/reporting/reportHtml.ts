/**
 * report.html: one self-contained file (Chart.js inlined from node_modules, the data as JSON),
 * with the verdict, thresholds, summary, worst clients, failures, charts over time and
 * distributions, and every client in a table.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Distribution, LoadReport } from '../reportTypes.js';
import { CHART_SCRIPT } from './chartScript.js';
import { histogram } from './histogram.js';

let chartJs: string | null = null;
function chartJsSource(): string {
  if (chartJs === null) {
    const main = createRequire(import.meta.url).resolve('chart.js');
    chartJs = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
  }
  return chartJs;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const num = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '–'
    : value.toFixed(Math.abs(value) >= 100 ? 0 : digits);

function distributionRow(name: string, d: Distribution, scale = 1, digits = 1): string {
  const cell = (v: number | null) => `<td>${num(v === null ? null : v * scale, digits)}</td>`;
  return `<tr><th>${escapeHtml(name)}</th><td>${d.count}</td>${cell(d.mean)}${cell(d.min)}${cell(d.p5)}${cell(d.p50)}${cell(d.p95)}${cell(d.max)}</tr>`;
}

function table(head: string[], rows: string[]): string {
  if (rows.length === 0) return '<p class="muted">none</p>';
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderReportHtml(report: LoadReport): string {
  const s = report.summary;
  const o = report.options;
  const joined = report.clients.filter((c) => c.join.ok);
  const data = {
    timeline: report.timeline,
    server: report.server,
    histograms: {
      joinMs: histogram(joined.map((c) => (c.join.ok ? c.join.joinMs : NaN))),
      firstFrameMs: histogram(
        joined.map((c) => (c.join.ok && c.join.firstFrameMs !== null ? c.join.firstFrameMs : NaN)),
      ),
      fps: histogram(joined.map((c) => c.fpsMean ?? NaN)),
      freezesPerMinute: histogram(joined.map((c) => c.freezesPerMinute ?? NaN)),
    },
  };
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const verdict = report.passed ? '<span class="pass">PASSED</span>' : '<span class="fail">FAILED</span>';
  const thresholds = table(
    ['threshold', 'actual', 'result'],
    report.thresholds.map(
      (t) =>
        `<tr class="${t.passed ? 'ok' : 'bad'}"><td><code>${escapeHtml(t.expression)}</code></td><td>${num(t.actual, 3)}</td><td>${escapeHtml(t.message)}</td></tr>`,
    ),
  );
  const summaryTable = `<table><thead><tr><th>metric</th><th>n</th><th>mean</th><th>min</th><th>p5</th><th>p50</th><th>p95</th><th>max</th></tr></thead><tbody>
    ${distributionRow('join (ms)', s.joinMs, 1, 0)}
    ${distributionRow('join → first frame (ms)', s.firstFrameMs, 1, 0)}
    ${distributionRow('received fps (per client)', s.fps)}
    ${distributionRow(`fps ratio (received / sent ${o.video.fps} fps)`, s.fpsRatio, 1, 2)}
    ${distributionRow('freezes per minute', s.freezesPerMinute, 1, 2)}
    ${distributionRow('packet loss (%)', s.packetLoss, 100, 2)}
    ${distributionRow('jitter (ms)', s.jitterMs)}
    ${distributionRow('RTT (ms)', s.rttMs)}
    ${distributionRow('received bitrate (kbit/s)', s.bitrateIn, 1 / 1000, 0)}
    ${distributionRow('server event-loop lag (ms)', s.eventLoopLagMs, 1, 2)}
  </tbody></table>
  <p>Worker CPU: busiest worker max ${num(s.workerCpu.max === null ? null : s.workerCpu.max * 100)} % of a core, mean
  ${num(s.workerCpu.mean === null ? null : s.workerCpu.mean * 100)} %; all workers together max
  ${num(s.workerCpu.totalMax === null ? null : s.workerCpu.totalMax * 100)} %. Consumers max: ${num(s.consumersMax, 0)}.</p>`;
  const worst = table(
    ['client', 'score', 'problems'],
    report.worstClients.map(
      (w) =>
        `<tr><td>${escapeHtml(w.id)}</td><td>${num(w.score, 2)}</td><td>${escapeHtml(w.problems.join('; '))}</td></tr>`,
    ),
  );
  const lowest = table(
    ['client', 'kind', 'role', 'fps ratio'],
    (report.lowestFpsRatio ?? []).map(
      (c) =>
        `<tr class="${c.fpsRatio < 0.9 ? 'bad' : ''}"><td>${escapeHtml(c.id)}</td><td>${c.kind}</td><td>${c.role}</td><td>${num(c.fpsRatio, 2)}</td></tr>`,
    ),
  );
  const c = report.cost;
  const pct = (v: number | null) => (v === null ? '–' : `${num(v, 2)} %`);
  const cost = c
    ? table(
        ['what', 'clients', '% of one core, all', '% of one core, each'],
        [
          `<tr><td>RTP bots (the load-test process, runner included)</td><td>${c.bots}</td><td>${pct(c.loadtestProcessCpuPct)}</td><td>${pct(c.botCpuPct)}</td></tr>`,
          `<tr><td>browser clients (${c.browserProcesses} Chromium process trees)</td><td>${c.browserClients}</td><td>${pct(c.browsersCpuPct)}</td><td>${pct(c.browserCpuPct)}</td></tr>`,
          `<tr><td>embedded Parley (server, media node, workers)</td><td>–</td><td>${pct(c.parleyCpuPct)}</td><td>–</td></tr>`,
        ],
      ) + `<p class="muted">CPU over the ${num(c.holdSec, 1)} s hold.</p>`
    : '<p class="muted">not measured (the hold was not reached)</p>';
  const failures = table(
    ['client', 'stage', 'reason'],
    s.failures.map(
      (f) => `<tr><td>${escapeHtml(f.id)}</td><td>${escapeHtml(f.stage)}</td><td>${escapeHtml(f.reason)}</td></tr>`,
    ),
  );
  const clients = table(
    [
      'client',
      'kind',
      'role',
      'meeting',
      'browser',
      'join ms',
      'first frame ms',
      'fps',
      'fps ratio',
      'min fps',
      'freezes',
      'loss %',
      'jitter ms',
      'RTT ms',
      'in kbit/s',
      'out kbit/s',
      'streams',
      'mode',
    ],
    report.clients.map((c) => {
      const j = c.join;
      return `<tr class="${j.ok ? '' : 'bad'}"><td>${escapeHtml(c.id)}</td><td>${c.kind}</td><td>${c.role}</td><td><code>${escapeHtml(c.meetingId.slice(0, 8))}</code></td><td>${c.browser ?? '–'}</td>
        <td>${j.ok ? num(j.joinMs, 0) : `failed: ${escapeHtml(j.stage)}`}</td><td>${j.ok ? num(j.firstFrameMs, 0) : '–'}</td><td>${num(c.fpsMean)}</td><td>${num(c.fpsRatio, 2)}</td><td>${num(c.fpsMin)}</td>
        <td>${c.freezes}</td><td>${num(c.packetLossMean === null ? null : c.packetLossMean * 100, 2)}</td><td>${num(c.jitterMsMean)}</td><td>${num(c.rttMsMean)}</td>
        <td>${num(c.bitrateInMean === null ? null : c.bitrateInMean / 1000, 0)}</td><td>${num(c.bitrateOutMean === null ? null : c.bitrateOutMean / 1000, 0)}</td><td>${c.videoStreamsMax}</td><td>${escapeHtml(c.lastMode ?? '–')}</td></tr>`;
    }),
  );
  const notes = report.notes.length ? `<ul>${report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parley load test ${escapeHtml(report.startedAt)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#111827}
h1{margin-bottom:4px}h2{margin-top:32px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}th,td{border-bottom:1px solid #e5e7eb;padding:4px 6px;text-align:left}
tr.bad td{background:#fef2f2}tr.ok td{background:#f0fdf4}.pass{color:#15803d;font-weight:700}.fail{color:#b91c1c;font-weight:700}
.muted{color:#6b7280}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:24px}.grid section{min-width:0}
code{background:#f3f4f6;padding:0 3px;border-radius:3px}
</style></head><body>
<h1>Parley load test: ${verdict}</h1>
<p class="muted">${escapeHtml(report.startedAt)} → ${escapeHtml(report.finishedAt)} (${num(report.durationMs / 1000, 0)} s), target
<code>${escapeHtml(report.target.url)}</code>${report.target.embedded ? ' (embedded)' : ''}. ${o.meetings} meeting(s) × (${o.senders} browser senders +
${o.receivers} browser receivers + ${o.botSenders} bot senders + ${o.botReceivers} bot receivers), ${o.video.width}x${o.video.height}@${o.video.fps},
join rate ${o.joinRate}/s, hold ${o.durationSec} s, ${o.browsers} browser(s), sampled every ${o.sampleIntervalMs} ms.
Clients: ${s.clients}, joined ${s.joined}, failed ${s.failed}.</p>
${notes}
<h2>Thresholds</h2>${thresholds}
<h2>Summary</h2>${summaryTable}
<h2>Worst clients</h2>${worst}
<h2>Lowest fps ratio</h2>${lowest}
<h2>What the clients cost</h2>${cost}
<h2>Failed joins</h2>${failures}
<h2>Over time</h2>
<div class="grid">
<section><h3>Clients</h3><canvas id="chart-clients"></canvas></section>
<section><h3>Received frame rate</h3><canvas id="chart-fps"></canvas></section>
<section><h3>Bitrate</h3><canvas id="chart-bitrate"></canvas></section>
<section><h3>Loss, jitter, RTT</h3><canvas id="chart-network"></canvas></section>
<section><h3>CPU (server /metrics)</h3><canvas id="chart-cpu"></canvas></section>
<section><h3>SFU and event loop</h3><canvas id="chart-server"></canvas></section>
</div>
<h2>Distributions</h2>
<div class="grid">
<section><h3>Join time</h3><canvas id="hist-join"></canvas></section>
<section><h3>Join → first frame</h3><canvas id="hist-first-frame"></canvas></section>
<section><h3>Received fps per client</h3><canvas id="hist-fps"></canvas></section>
<section><h3>Freezes per minute</h3><canvas id="hist-freezes"></canvas></section>
</div>
<h2>Clients</h2>${clients}
<script type="application/json" id="report-data">${json}</script>
<script>${chartJsSource()}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`;
}
