// The worklist: recent cases, refreshed every few seconds, and the upload form (posts to ingest-service).
import { api, authorised, el, percent, poll, showStatus, showUser, when } from './api.js';

const config = await showUser();
document.getElementById('label').textContent = config.label;
// Uploads go to one of the user's own hospitals; ingest-service refuses any other.
document.getElementById('upload-hospital').replaceChildren(...config.hospitals.map(hospital => el('option', {}, hospital)));

const rows = document.querySelector('#worklist tbody');
const status = document.getElementById('worklist-status');

function query() {
  const parameters = new URLSearchParams({ size: '50' });
  for (const [id, name] of [['filter-hospital', 'hospital'], ['filter-group', 'group'], ['filter-flagged', 'flagged'],
    ['filter-diagnosed', 'diagnosed']]) {
    const value = document.getElementById(id).value.trim();
    if (value) parameters.set(name, value);
  }
  return parameters;
}

async function refresh() {
  const page = await api(`/api/v1/cases?${query()}`);
  rows.replaceChildren(...page.items.map(entry => el('tr', { class: 'clickable', 'data-case-id': entry.caseId },
    el('td', {}, el('a', { href: `case.html?id=${encodeURIComponent(entry.caseId)}&hospital=${encodeURIComponent(entry.hospitalId)}` }, entry.caseId)),
    el('td', {}, entry.hospitalId),
    el('td', {}, when(entry.receivedAt)),
    entry.notProcessed && !entry.predictedGroup
      ? el('td', { class: 'not-processed' }, `not processed: ${entry.notProcessed}`)
      : !entry.predictedGroup && entry.notAssessableImages > 0
        ? el('td', { class: 'not-assessable' }, 'not assessable')
        : el('td', { class: entry.predictedGroup ? `group-${entry.predictedGroup}` : '' },
          entry.predictedGroup || 'waiting…',
          entry.predictedGroup && entry.notAssessableImages > 0
            ? el('span', { class: 'not-assessable' }, ` (${entry.notAssessableImages} image(s) not assessable)`) : null),
    el('td', { class: 'num' }, percent(entry.confidence)),
    el('td', {}, entry.flaggedForReview ? el('span', { class: 'flag' }, 'flagged') : ''),
    el('td', { class: 'diagnosis' }, entry.diagnosis ? `Bethesda ${entry.diagnosis}` : 'not recorded'))));
  showStatus(status, `${page.total} cases; showing the newest ${page.items.length}. Updated ${new Date().toLocaleTimeString()}.`);
  return false;
}

document.getElementById('filters').addEventListener('change', refresh);
document.getElementById('filter-hospital').addEventListener('input', refresh);
poll(refresh, 2000);

document.getElementById('upload').addEventListener('submit', async event => {
  event.preventDefault();
  const uploadStatus = document.getElementById('upload-status');
  const caseId = document.getElementById('upload-case').value.trim();
  const form = new FormData();
  form.append('image', document.getElementById('upload-file').files[0]);
  form.append('hospitalId', document.getElementById('upload-hospital').value.trim());
  showStatus(uploadStatus, 'Sending…');
  try {
    const response = await authorised(`${config.ingestUrl}/api/v1/cases/${encodeURIComponent(caseId)}/images`, { method: 'POST', body: form });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.detail || `HTTP ${response.status}`);
    showStatus(uploadStatus, `Accepted: image ${answer.imageId} of case ${caseId}. Its result appears below as soon as it is ready.`);
    uploadStatus.append(' ', el('a', { href: `case.html?id=${encodeURIComponent(caseId)}&hospital=${encodeURIComponent(answer.hospitalId || form.get('hospitalId'))}`, id: 'uploaded-case' }, 'Open the case'));
    refresh();
  } catch (error) {
    showStatus(uploadStatus, `Not accepted: ${error.message}`, true);
  }
});
