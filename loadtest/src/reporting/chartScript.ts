/**
 * The report page's own script (runs in the viewer's browser, after Chart.js): draws the
 * charts from the embedded `#report-data` JSON. Kept as source text; no build step.
 */
export const CHART_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
  function seconds(t) { return Math.round(t / 100) / 10; }
  function line(id, labels, sets, yTitle) {
    var el = document.getElementById(id);
    if (!el || labels.length === 0) { if (el) el.parentNode.replaceChild(document.createTextNode('no data'), el); return; }
    new Chart(el, {
      type: 'line',
      data: { labels: labels, datasets: sets.map(function (s, i) {
        return { label: s.label, data: s.data, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length],
          pointRadius: 0, borderWidth: 2, spanGaps: true, tension: 0.2, yAxisID: s.axis || 'y' };
      }) },
      options: { animation: false, responsive: true, interaction: { mode: 'index', intersect: false },
        scales: { x: { title: { display: true, text: 'seconds since start' } },
          y: { beginAtZero: true, title: { display: !!yTitle, text: yTitle || '' } },
          y2: { display: sets.some(function (s) { return s.axis === 'y2'; }), position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } } } }
    });
  }
  function bars(id, hist, label) {
    var el = document.getElementById(id);
    if (!el || hist.labels.length === 0) { if (el) el.parentNode.replaceChild(document.createTextNode('no data'), el); return; }
    new Chart(el, { type: 'bar', data: { labels: hist.labels, datasets: [{ label: label, data: hist.counts, backgroundColor: '#2563eb' }] },
      options: { animation: false, plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: label } }, y: { beginAtZero: true, title: { display: true, text: 'clients' } } } } });
  }
  var tl = data.timeline, sv = data.server;
  var tlLabels = tl.map(function (p) { return seconds(p.t); });
  line('chart-clients', tlLabels, [
    { label: 'joined', data: tl.map(function (p) { return p.joined; }) },
    { label: 'failed', data: tl.map(function (p) { return p.failed; }) },
  ], 'clients');
  line('chart-fps', tlLabels, [
    { label: 'mean received fps', data: tl.map(function (p) { return p.fpsMean; }) },
    { label: 'p5 received fps', data: tl.map(function (p) { return p.fpsP5; }) },
    { label: 'freezes in interval', data: tl.map(function (p) { return p.freezes; }), axis: 'y2' },
  ], 'fps');
  line('chart-bitrate', tlLabels, [
    { label: 'received, all clients (Mbit/s)', data: tl.map(function (p) { return p.bitrateInTotal / 1e6; }) },
    { label: 'sent, all clients (Mbit/s)', data: tl.map(function (p) { return p.bitrateOutTotal / 1e6; }) },
  ], 'Mbit/s');
  line('chart-network', tlLabels, [
    { label: 'packet loss mean (%)', data: tl.map(function (p) { return p.packetLossMean === null ? null : p.packetLossMean * 100; }) },
    { label: 'jitter p95 (ms)', data: tl.map(function (p) { return p.jitterMsP95; }), axis: 'y2' },
    { label: 'RTT p95 (ms)', data: tl.map(function (p) { return p.rttMsP95; }), axis: 'y2' },
  ], '%');
  var workers = {};
  sv.forEach(function (s) { Object.keys(s.workerCpu || {}).forEach(function (k) { workers[k] = true; }); });
  var svLabels = sv.map(function (s) { return seconds(s.t); });
  line('chart-cpu', svLabels, Object.keys(workers).sort().map(function (k) {
    return { label: 'worker ' + k + ' (% of a core)', data: sv.map(function (s) { return s.workerCpu && k in s.workerCpu ? s.workerCpu[k] * 100 : null; }) };
  }).concat([{ label: 'signalling server (% of a core)', data: sv.map(function (s) { return s.serverCpu === null ? null : s.serverCpu * 100; }) }]), '% of a core');
  line('chart-server', svLabels, [
    { label: 'consumers', data: sv.map(function (s) { return s.consumers; }) },
    { label: 'producers', data: sv.map(function (s) { return s.producers; }) },
    { label: 'event-loop lag (ms)', data: sv.map(function (s) { return s.eventLoopLagMs; }), axis: 'y2' },
  ], 'count');
  bars('hist-join', data.histograms.joinMs, 'join (ms)');
  bars('hist-first-frame', data.histograms.firstFrameMs, 'join → first frame (ms)');
  bars('hist-fps', data.histograms.fps, 'mean received fps per client');
  bars('hist-freezes', data.histograms.freezesPerMinute, 'freezes per minute per client');
})();
`;
