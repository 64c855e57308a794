// Renders the server's OpenAPI document as readable reference pages, with no
// third-party script: it is served from the binary, so /api/docs works
// offline and under a strict Content-Security-Policy.
'use strict';

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

let doc = null;

function resolve(schema, seen = new Set()) {
  if (schema && schema.$ref) {
    const name = schema.$ref.split('/').pop();
    if (seen.has(name)) return { __cycle: name };
    seen.add(name);
    return { ...resolve(doc.components.schemas[name], seen), __name: name };
  }
  return schema || {};
}

function typeOf(s) {
  const r = resolve(s);
  let t = Array.isArray(r.type) ? r.type.filter((x) => x !== 'null').join(' | ') + (r.type.includes('null') ? ' | null' : '') : r.type || (r.properties ? 'object' : '');
  if (t === 'array') t = `${typeOf(r.items)}[]`;
  if (r.format) t += ` (${r.format})`;
  if (r.enum) t += ` one of ${r.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  return t || 'any';
}

function constraints(r) {
  const c = [];
  for (const [k, label] of [['minLength', 'min length'], ['maxLength', 'max length'], ['minimum', 'min'], ['maximum', 'max'], ['maxItems', 'max items'], ['default', 'default']]) {
    if (r[k] !== undefined) c.push(`${label} ${JSON.stringify(r[k])}`);
  }
  if (r.readOnly) c.push('read-only');
  if (r.writeOnly) c.push('write-only');
  if (r.deprecated) c.push('deprecated');
  return c.join(', ');
}

function schemaHTML(s, depth = 0, seen = new Set()) {
  const r = resolve(s, new Set(seen));
  if (r.__cycle) return `<span class="t">${esc(r.__cycle)} (see above)</span>`;
  const pad = '  '.repeat(depth);
  if (r.type === 'array' || (Array.isArray(r.type) && r.type.includes('array'))) {
    return `<span class="t">array of</span> ${schemaHTML(r.items, depth, seen)}`;
  }
  if (!r.properties) return `<span class="t">${esc(typeOf(s))}</span>`;
  const next = new Set(seen);
  if (r.__name) next.add(r.__name);
  const required = new Set(r.required || []);
  const rows = Object.entries(r.properties).map(([k, p]) => {
    const pr = resolve(p);
    const nested = pr.properties || (pr.type === 'array' && resolve(pr.items).properties);
    const head = `${pad}  <span class="k">${esc(k)}</span>${required.has(k) ? '<span class="req">*</span>' : ''}: `;
    const body = nested ? schemaHTML(p, depth + 1, next) : `<span class="t">${esc(typeOf(p))}</span>`;
    const extra = [pr.description, constraints(pr)].filter(Boolean).join(' · ');
    return head + body + (extra ? `  <span class="d">${esc(extra)}</span>` : '');
  });
  return `<span class="t">${esc(r.__name || 'object')}</span> {\n${rows.join('\n')}\n${pad}}`;
}

function access(op) {
  if (!op.security || op.security.length === 0) return 'public';
  const d = op.description || '';
  return /Admins and owners only/.test(d) ? 'admins' : 'signed in';
}

function opHTML(path, method, op) {
  const id = op.operationId || `${method}-${path}`;
  const params = (op.parameters || []).map((p) => `<tr><td><code>${esc(p.name)}</code>${p.required ? '<span class="req">*</span>' : ''}</td><td>${esc(p.in)}</td><td>${esc(typeOf(p.schema))}</td><td>${esc([p.description, constraints(resolve(p.schema))].filter(Boolean).join(' · '))}</td></tr>`).join('');
  const body = op.requestBody?.content;
  const bodyHTML = body ? Object.entries(body).map(([ct, c]) => `<h5>Request body <span class="t">${esc(ct)}</span></h5><pre class="schema">${schemaHTML(c.schema)}</pre>`).join('') : '';
  const responses = Object.entries(op.responses || {}).map(([code, r]) => {
    const content = r.content ? Object.entries(r.content)[0] : null;
    const shown = content && !/problem/.test(content[0]) ? `<pre class="schema">${schemaHTML(content[1].schema)}</pre>` : '';
    return `<tr><td class="status">${esc(code)}</td><td>${esc(r.description)}${shown}</td></tr>`;
  }).join('');
  return `<section class="op" id="${esc(id)}" data-text="${esc(`${method} ${path} ${op.summary || ''} ${id}`.toLowerCase())}">
<h4><span class="method ${esc(method)}">${esc(method)}</span><code class="path">${esc(path)}</code><span>${esc(op.summary || '')}</span><span class="access">${access(op)}</span></h4>
${op.description ? `<p class="desc">${esc(op.description)}</p>` : ''}
${params ? `<h5>Parameters</h5><div class="scroll"><table><tr><th>Name</th><th>In</th><th>Type</th><th></th></tr>${params}</table></div>` : ''}
${bodyHTML}
<h5>Responses</h5><div class="scroll"><table>${responses}</table></div></section>`;
}

function render() {
  document.getElementById('version').textContent = `${doc.info.version} · OpenAPI ${doc.openapi}`;
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      const tag = (op.tags && op.tags[0]) || 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([path, method, op]);
    }
  }
  let nav = '';
  let main = `<p class="intro">${esc(doc.info.description || '')} Problems (<code>application/problem+json</code>) name each wrong field in <code>errors[]</code>; <span class="req">*</span> marks required fields.</p>`;
  for (const [tag, ops] of byTag) {
    nav += `<h3>${esc(tag)}</h3>` + ops.map(([p, m, o]) => `<a href="#${esc(o.operationId)}" data-op="${esc(o.operationId)}">${esc(m.toUpperCase())} ${esc(o.summary || p)}</a>`).join('');
    main += `<h2 class="tag">${esc(tag)}</h2>` + ops.map(([p, m, o]) => opHTML(p, m, o)).join('');
  }
  document.getElementById('nav').innerHTML = nav;
  document.getElementById('main').innerHTML = main;
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

document.addEventListener('DOMContentLoaded', async () => {
  try {
    const res = await fetch('/api/openapi.json');
    doc = await res.json();
    render();
  } catch (err) {
    document.getElementById('main').textContent = `Could not load /api/openapi.json: ${err}`;
  }
  document.getElementById('filter').addEventListener('input', (e) => {
    const q = e.target.value.trim().toLowerCase();
    for (const s of document.querySelectorAll('.op')) s.hidden = q !== '' && !s.dataset.text.includes(q);
    for (const a of document.querySelectorAll('nav a')) a.hidden = q !== '' && document.getElementById(a.dataset.op)?.hidden;
  });
});
