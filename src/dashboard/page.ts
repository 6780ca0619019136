/**
 * The dashboard page: one self-contained HTML document (no build step, no network, works offline).
 * It reads `api/state` once, then follows `events` (SSE) for requests and reloads.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>krakend-connect dashboard</title>
<style>
  :root { --fg:#1d2330; --muted:#6b7385; --line:#e3e6ee; --ok:#1a7f37; --warn:#9a6700; --err:#cf222e; --bg:#f7f8fb; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 13px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
  header { display: flex; gap: 1rem; align-items: baseline; padding: .8rem 1.2rem; background: #111827; color: #fff; }
  header h1 { font-size: 1rem; margin: 0; }
  header span { color: #aab2c5; }
  #live { margin-left: auto; }
  main { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; padding: 1rem 1.2rem; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; min-width: 0; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: .9rem; margin: .2rem 0 .5rem; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { color: var(--muted); font-weight: 600; }
  code, td.mono { font-family: ui-monospace, monospace; font-size: 12px; }
  .m { font-weight: 700; font-family: ui-monospace, monospace; }
  .s2 { color: var(--ok); } .s3 { color: var(--muted); } .s4 { color: var(--warn); } .s5, .s0 { color: var(--err); }
  .bad { color: var(--err); white-space: pre-wrap; }
  .muted { color: var(--muted); }
  ul { margin: 0; padding-left: 1rem; }
  .tag { display: inline-block; padding: 0 .35rem; border-radius: 4px; background: #eef1f8; font-size: 11px; }
  .tag.mock { background: #e6f4ea; } .tag.replay { background: #fff4d6; } .tag.fault { background: #fde7e9; }
  #mocking dt { color: var(--muted); float: left; clear: left; width: 6.5rem; } #mocking dd { margin: 0 0 .2rem 6.5rem; }
</style>
</head>
<body>
<header><h1>krakend-connect</h1><span id="file"></span><span id="gen"></span><span id="live">connecting…</span></header>
<main>
  <section class="wide" id="error-box" hidden><h2>Config error</h2><div class="bad" id="error"></div></section>
  <section class="wide"><h2>Routes <span class="muted" id="route-count"></span></h2>
    <table id="routes"><thead><tr><th>method</th><th>endpoint</th><th>output</th><th>backends</th></tr></thead><tbody></tbody></table></section>
  <section class="wide"><h2>Requests <span class="muted" id="request-count"></span></h2>
    <table id="requests"><thead><tr><th>time</th><th>method</th><th>path</th><th>endpoint</th><th>status</th><th>ms</th><th>backend calls</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Plugins</h2><table id="plugins"><thead><tr><th>file</th><th>names</th><th>state</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Reloads</h2><table id="reloads"><thead><tr><th>time</th><th>result</th><th>changed</th></tr></thead><tbody></tbody></table>
    <h2 style="margin-top:1rem">Record / replay</h2><div id="mocking" class="muted"></div></section>
</main>
<script>
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const time = (t) => new Date(t).toLocaleTimeString();
let count = 0;
function tag(kind, text) { return '<span class="tag ' + kind + '">' + esc(text) + '</span>'; }
function row(cells) { const tr = document.createElement('tr'); tr.innerHTML = cells.map((c) => '<td>' + c + '</td>').join(''); return tr; }
function renderRoutes(routes) {
  const body = $('routes').tBodies[0]; body.innerHTML = '';
  $('route-count').textContent = '(' + routes.length + ')';
  for (const r of routes) {
    const tr = row(['<span class="m">' + esc(r.method) + '</span>', '<code>' + esc(r.endpoint) + '</code>', esc(r.outputEncoding),
      '<ul>' + r.backends.map((b) => '<li><code>' + esc(b.method + ' ' + (b.mock ? '' : b.host) + b.urlPattern) + '</code> <span class="muted">' + esc(b.encoding) + '</span>' +
        (b.mock ? ' ' + tag('mock', 'mock ' + b.mock) : '') + (b.faults ? ' ' + tag('fault', b.faults) : '') + '</li>').join('') + '</ul>']);
    if (r.faults) tr.cells[1].insertAdjacentHTML('beforeend', ' ' + tag('fault', r.faults));
    tr.dataset.endpoint = r.endpoint; body.appendChild(tr);
  }
}
function renderPlugins(plugins) {
  const body = $('plugins').tBodies[0]; body.innerHTML = '';
  if (!plugins.length) body.appendChild(row(['<span class="muted">none</span>', '', '']));
  for (const p of plugins) body.appendChild(row(['<code>' + esc(p.file.split('/').pop()) + '</code>', esc(p.names.join(', ')),
    p.error ? '<span class="bad">' + esc(p.error) + '</span>' : p.kinds.map((k) => '<span class="' + (k.ok ? 's2' : 's5') + '">' + esc(k.kind) + '</span>').join(' ')]));
}
function addReload(r) {
  const body = $('reloads').tBodies[0];
  body.insertBefore(row([time(r.time), r.ok ? '<span class="s2">ok</span> gen ' + r.generation + ', ' + r.ms + ' ms' : '<span class="bad">' + esc(r.error) + '</span>', '<code>' + esc((r.changed || []).map((c) => c.split('/').pop()).join(', ')) + '</code>']), body.firstChild);
  while (body.rows.length > 50) body.deleteRow(-1);
}
function addRequest(q) {
  count++; $('request-count').textContent = '(' + count + ')';
  const body = $('requests').tBodies[0];
  const tr = row([time(q.time), '<span class="m">' + esc(q.method) + '</span>', '<code>' + esc(q.path) + '</code>', '<code>' + esc(q.endpoint || '') + '</code>',
    '<span class="s' + String(q.status)[0] + '">' + (q.status || 'aborted') + '</span>', esc(q.ms),
    '<ul>' + (q.backends || []).map((b) => '<li><code>' + esc(b.method + ' ' + b.url) + '</code> <span class="s' + String(b.status)[0] + '">' + (b.status || esc(b.error || 'error')) + '</span> ' + esc(b.ms) + ' ms' + (b.source && b.source !== 'live' ? ' ' + tag(b.source, b.source) : '') +
      (b.file ? ' <code class="muted">' + esc(b.file) + '</code>' : '') + (b.note ? ' <span class="muted">' + esc(b.note) + '</span>' : '') + '</li>').join('') + '</ul>']);
  tr.className = 'request'; body.insertBefore(tr, body.firstChild);
  while (body.rows.length > 200) body.deleteRow(-1);
}
function renderState(s) {
  $('file').textContent = s.configFile; $('gen').textContent = 'generation ' + s.generation;
  renderRoutes(s.routes); renderPlugins(s.plugins);
  $('error-box').hidden = !s.lastError; $('error').textContent = s.lastError || '';
  const m = s.mocking;
  $('mocking').innerHTML = '<dl><dt>mode</dt><dd id="mocking-mode">' + esc(m.mode) + '</dd>' +
    (m.record ? '<dt>recording to</dt><dd><code>' + esc(m.record) + '</code></dd>' : '') +
    (m.replay ? '<dt>replaying from</dt><dd><code>' + esc(m.replay) + '</code>' + (m.fallthrough ? ' (missing ones go live)' : '') + '</dd>' : '') +
    '<dt>Server-Timing</dt><dd>' + (m.serverTiming ? 'on' : 'off') + '</dd></dl>';
}
async function refresh() { const r = await fetch('api/state'); renderState(await r.json()); }
refresh().then(async () => {
  const s = await (await fetch('api/state')).json();
  $('reloads').tBodies[0].innerHTML = ''; for (const r of s.reloads) addReload(r);
  $('requests').tBodies[0].innerHTML = ''; count = 0; for (const q of s.requests) addRequest(q);
  const es = new EventSource('events');
  es.onopen = () => { $('live').textContent = '● live'; };
  es.onerror = () => { $('live').textContent = 'reconnecting…'; };
  es.addEventListener('request', (e) => addRequest(JSON.parse(e.data)));
  es.addEventListener('reload', (e) => { addReload(JSON.parse(e.data)); refresh(); });
});
</script>
</body>
</html>
`;
