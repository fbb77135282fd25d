// Model change control: the retraining jobs' progress, a model's change ledger, and the change record
// of one version (request, data, recipe, gate, shadow comparison, approvals, release, rollbacks), with
// the approve and rollback buttons for the roles that may use them.
import { GROUPS, api, el, number, percent, poll, showStatus, showUser, when } from './api.js';

const user = await showUser();
const DECIDING_ROLES = ['ml-engineer', 'cytopathologist-lead'];
const deciding = DECIDING_ROLES.filter(role => user.roles.includes(role));
const model = document.getElementById('model');
const ledgerStatus = document.getElementById('ledger-status');
const approveStatus = document.getElementById('approve-status');
const parameters = new URLSearchParams(location.search);
model.value = parameters.get('model') || model.value;
let shownVersion = parameters.get('version');

function progress(job) {
  if (!job.progress) return '–';
  return `epoch ${job.progress.epoch} of ${job.progress.epochs}`;
}

async function loadJobs() {
  const jobs = await api(`/api/v1/retraining/jobs?model=${encodeURIComponent(model.value)}`);
  document.querySelector('#jobs tbody').replaceChildren(...jobs.map(job => el('tr', { 'data-request-id': job.requestId },
    el('td', {}, when(job.updatedAt)), el('td', {}, `${job.model} ${job.parentVersion}`),
    el('td', {}, job.trigger ? `${job.trigger}: ${job.reason}` : '–'),
    el('td', { title: job.detail }, job.step.replaceAll('_', ' ').toLowerCase()), el('td', {}, progress(job)),
    el('td', { class: 'num' }, job.progress ? number(job.progress.loss) : '–'),
    el('td', { class: 'num' }, job.progress ? number(job.progress.validationMacroF1) : '–'),
    el('td', {}, job.candidateVersion ? el('a', { href: '#', onclick: event => { event.preventDefault(); showRecord(job.candidateVersion); } },
      job.candidateVersion) : '–'),
    el('td', {}, job.gatePassed === null ? '–' : job.gatePassed ? 'passed' : 'refused'))));
  return false;
}

async function loadLedger() {
  const entries = await api(`/api/v1/models/${encodeURIComponent(model.value)}/changes`);
  document.querySelector('#ledger tbody').replaceChildren(...entries.map(entry => el('tr', { 'data-kind': entry.kind },
    el('td', {}, when(entry.at)), el('td', {}, entry.kind.replaceAll('_', ' ').toLowerCase()),
    el('td', {}, entry.version ? el('a', { href: '#', onclick: event => { event.preventDefault(); showRecord(entry.version); } },
      entry.version) : '–'),
    el('td', {}, entry.who || '–'), el('td', {}, entry.detail || ''))));
  showStatus(ledgerStatus, `${entries.length} entries, oldest first.`);
}

function definitions(target, pairs) {
  target.replaceChildren(...pairs.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value ?? '–')]));
}

function prediction(p) {
  if (!p.assessable) return 'not assessable';
  return `${p.group} (${GROUPS.map(g => percent(p[g.toLowerCase()], 0)).join(' / ')})`;
}

function figuresTable(confirmed) {
  const row = (label, figures) => el('tr', {}, el('th', { scope: 'row' }, label),
    el('td', { class: 'num' }, number(figures.macroF1)),
    el('td', {}, figures.macroF1Interval ? `${number(figures.macroF1Interval.lower)}–${number(figures.macroF1Interval.upper)}` : '–'),
    el('td', { class: 'num' }, percent(figures.bethesdaVRecall)), el('td', { class: 'num' }, figures.bethesdaVCases));
  return [el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, `${confirmed.cases} confirmed cases`),
    el('th', { scope: 'col' }, 'Macro-F1'), el('th', { scope: 'col' }, '95 % interval'), el('th', { scope: 'col' }, 'Bethesda V recall'),
    el('th', { scope: 'col' }, 'Bethesda V cases'))),
  el('tbody', {}, row('live', confirmed.live), row('candidate (shadow)', confirmed.shadow))];
}

async function showShadow(version) {
  const summary = document.getElementById('shadow-summary');
  if (!user.roles.some(role => ['ml-engineer', 'cytopathologist-lead', 'auditor'].includes(role))) {
    summary.textContent = 'The shadow comparison is for ML engineers, cytopathologist leads and auditors.';
    return;
  }
  const shadow = await api(`/api/v1/models/${encodeURIComponent(model.value)}/candidates/${encodeURIComponent(version)}/shadow?size=50`);
  summary.textContent = shadow.compared === 0 ? 'No image has both a live and a shadow prediction yet.'
    : `${shadow.compared} images compared with ${shadow.liveVersions.join(', ')} (${shadow.scope}): agreement ${percent(shadow.agreement)}, `
      + `${shadow.disagreements.total} disagreements${shadow.disagreements.total > shadow.disagreements.items.length ? ` (the first ${shadow.disagreements.items.length} below)` : ''}.`;
  document.getElementById('shadow-figures').replaceChildren(...figuresTable(shadow.confirmed));
  document.querySelector('#shadow-disagreements tbody').replaceChildren(...shadow.disagreements.items.map(d => el('tr', {},
    el('td', {}, d.imageId), el('td', {}, d.caseId), el('td', {}, d.hospitalId), el('td', {}, prediction(d.live)),
    el('td', {}, prediction(d.shadow)))));
}

async function showRecord(version) {
  shownVersion = version;
  const record = await api(`/api/v1/models/${encodeURIComponent(model.value)}/changes/${encodeURIComponent(version)}`);
  document.getElementById('record').hidden = false;
  document.getElementById('record-title').textContent = `Change record of ${record.model} ${record.version}`;
  document.getElementById('record-summary').textContent = `Retrained from ${record.parentVersion || '–'}; sha256 ${record.sha256 || '–'}.`
    + ' Synthetic demo models: NOT FOR CLINICAL USE.';
  const request = record.request || {};
  definitions(document.getElementById('record-request'), [['Request', request.requestId], ['Trigger', request.trigger],
    ['Reason', request.reason], ['Requested', request.requestedAt ? when(request.requestedAt) : null],
    ['Manifest', request.manifestKey ? `${request.manifestKey} (${request.manifestSize} images, sha256 ${request.manifestSha256})` : null]]);
  const data = record.data;
  definitions(document.getElementById('record-data'), data ? [['Manifest sha256', data.manifestSha256], ['Images', data.images],
    ['Train / validation / held out', `${data.trainImages} / ${data.validationImages} / ${data.heldOutImages}`],
    ['Unusable', data.unusable], ['Split seed', data.splitSeed]] : [['Data', 'not reported yet']]);
  definitions(document.getElementById('record-recipe'), Object.entries(record.recipe || {}));
  const gate = record.gate;
  document.getElementById('record-gate').textContent = gate ? `${gate.plan} (sha256 ${gate.planSha256}): ${gate.passed ? 'passed' : 'refused'}`
    : 'The gate has not spoken yet.';
  document.querySelector('#gate tbody').replaceChildren(...(gate ? gate.criteria : []).map(c => el('tr', { class: c.passed ? '' : 'error' },
    el('td', {}, c.name), el('td', {}, c.dataset), el('td', { class: 'num' }, number(c.candidate)), el('td', { class: 'num' }, number(c.live)),
    el('td', { class: 'num' }, number(c.estimate)), el('td', {}, `${number(c.lower)} to ${number(c.upper)}`),
    el('td', { class: 'num' }, number(c.bound)), el('td', {}, c.passed ? 'yes' : 'no'), el('td', {}, c.rule))));
  await showShadow(version);
  document.getElementById('approvals').replaceChildren(...(record.approvals.length ? record.approvals.map(a => el('li', {},
    `${a.role}: ${a.username} at ${when(a.approvedAt)}${a.note ? ` – ${a.note}` : ''}`)) : [el('li', {}, 'none yet')]));
  const decisions = [...record.release, ...record.rollbacks];
  document.getElementById('decisions').replaceChildren(...(decisions.length ? decisions.map(d => el('li', {},
    `${when(d.at)} ${d.kind.replaceAll('_', ' ').toLowerCase()} by ${d.who}${d.detail ? ` – ${d.detail}` : ''}`)) : [el('li', {}, 'none')]));
  document.getElementById('publications').replaceChildren(...(record.publications.length ? record.publications.map(p => el('li', {},
    `${when(p.publishedAt)} ${p.outcome}${p.reason ? `: ${p.reason}` : ''} (approved by ${p.approvedBy})`)) : [el('li', {}, 'none seen')]));
  const approvedRoles = record.approvals.map(a => a.role);
  const open = deciding.filter(role => !approvedRoles.includes(role));
  document.getElementById('approve-form').hidden = open.length === 0 || record.release.length > 0;
  document.getElementById('approve-role-label').hidden = open.length < 2;
  document.getElementById('approve-role').replaceChildren(...open.map(role => el('option', {}, role)));
  showStatus(approveStatus, '');
}

document.getElementById('model-form').addEventListener('submit', event => {
  event.preventDefault();
  document.getElementById('record').hidden = true;
  loadLedger().catch(error => showStatus(ledgerStatus, error.message, true));
});

document.getElementById('approve-form').addEventListener('submit', async event => {
  event.preventDefault();
  const body = { note: document.getElementById('approve-note').value };
  if (deciding.length > 1) body.role = document.getElementById('approve-role').value;
  try {
    const approved = await api(`/api/v1/models/${encodeURIComponent(model.value)}/candidates/${encodeURIComponent(shownVersion)}/approvals`,
      { method: 'POST', body });
    await showRecord(shownVersion);
    showStatus(approveStatus, approved.releaseDecided ? 'Approved: the release is decided.' : 'Approved: the other role must approve too.');
    await loadLedger();
  } catch (error) {
    showStatus(approveStatus, error.message, true);
  }
});

const rollback = document.getElementById('rollback');
rollback.hidden = deciding.length === 0;
rollback.addEventListener('click', async () => {
  const note = window.prompt(`Why roll ${model.value} back to the version live before the current one?`);
  if (note === null) return;
  try {
    const body = { note };
    if (deciding.length > 1) body.role = deciding[0];
    const decision = await api(`/api/v1/models/${encodeURIComponent(model.value)}/rollback`, { method: 'POST', body });
    showStatus(ledgerStatus, `Rollback to ${decision.version} decided; the retraining worker carries it out.`);
    await loadLedger();
  } catch (error) {
    showStatus(ledgerStatus, error.message, true);
  }
});

if (user.roles.some(role => ['ml-engineer', 'auditor'].includes(role))) {
  document.getElementById('jobs-panel').hidden = false;
  poll(loadJobs, 5000);
}
loadLedger().catch(error => showStatus(ledgerStatus, error.message, true));
if (shownVersion) showRecord(shownVersion).catch(error => showStatus(ledgerStatus, error.message, true));
