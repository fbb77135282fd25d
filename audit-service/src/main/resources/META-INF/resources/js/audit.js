// The audit dashboard: the month's sample with its figures, disagreements and their review, drift
// over time, and the retraining requested.
import { GROUPS, api, el, number, percent, showStatus, showUser, when } from './api.js';
import { lineChart, reliabilityDiagram } from './charts.js';

const user = await showUser();

const PSI_THRESHOLD = 0.25;
const month = document.getElementById('month');
const hospital = document.getElementById('hospital');
const sampleStatus = document.getElementById('sample-status');
const parameters = new URLSearchParams(location.search);
month.value = parameters.get('month') || new Date().toISOString().slice(0, 7);
hospital.value = parameters.get('hospital') || '';

function confusionTable(confusion) {
  const largest = Math.max(1, ...confusion.flat());
  return [
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, ''), GROUPS.map(g => el('th', { scope: 'col' }, g)))),
    el('tbody', {}, confusion.map((row, t) => el('tr', {}, el('th', { scope: 'row' }, GROUPS[t]),
      row.map((count, p) => el('td', {
        'data-truth': GROUPS[t], 'data-predicted': GROUPS[p],
        style: `background: rgba(${t === p ? '46,125,50' : '179,38,30'}, ${(0.1 + 0.75 * count / largest).toFixed(2)})`,
      }, count))))),
  ];
}

function perClassTable(report) {
  return [
    el('thead', {}, el('tr', {}, ['Group', 'Precision', 'Recall', 'F1', 'AUC (one vs rest)', 'Cases'].map((h, i) =>
      el('th', { scope: 'col', class: i ? 'num' : '' }, h)))),
    el('tbody', {}, GROUPS.map(g => {
      const f = report.perClass[g];
      return el('tr', {}, el('th', { scope: 'row', class: `group-${g}` }, g), el('td', { class: 'num' }, number(f.precision)),
        el('td', { class: 'num' }, number(f.recall), el('small', {}, interval(report.intervals.recall[g], number))), el('td', { class: 'num' }, number(f.f1)),
        el('td', { class: 'num' }, number(report.aucOneVsRest[g])), el('td', { class: 'num' }, f.support));
    })),
  ];
}

/** A figure's 95 % interval and the cases it rests on, or nothing when there is none. */
function interval(i, format = percent) {
  return i ? ` (95 % CI ${format(i.lower)}–${format(i.upper)}, ${i.basedOn} cases)` : '';
}

function showSample(report) {
  const m = report.metrics;
  const ci = m.intervals;
  const assessability = report.assessability;
  document.getElementById('sample').hidden = false;
  document.getElementById('summary').textContent = `${report.label.startsWith('PROVISIONAL') ? report.label + ' ' : ''}${report.drawnCases} of ${report.eligibleCases} confirmed cases sampled `
    + `(drawn ${when(report.drawnAt)}, seed ${report.seed}). Agreement ${percent(report.agreement)}${interval(ci.accuracy)}, `
    + `macro-F1 ${number(m.macroF1)}${interval(ci.macroF1, number)}, `
    + `Brier ${number(m.brierScore)}, flagged for review ${percent(m.flaggedForReviewShare)}.${report.note ? ' ' + report.note + '.' : ''} `
    + `${ci.detectable} `
    + (assessability && assessability.images
      ? `Not assessable this month: ${assessability.notAssessable} of ${assessability.images} images (${percent(assessability.shareNotAssessable)}), counted apart.`
      : '');
  document.getElementById('confusion').replaceChildren(...confusionTable(m.confusion));
  document.getElementById('per-class').replaceChildren(...perClassTable(m));
  document.getElementById('bethesda-v').textContent = `Bethesda V: ${m.bethesdaV.cases} cases, recall ${percent(m.bethesdaV.recall)}`
    + `${interval(ci.bethesdaVRecall)}, called Benign ${percent(m.bethesdaV.calledBenign)}.`;
  reliabilityDiagram(document.getElementById('reliability'), m.reliability);
  document.getElementById('ece').textContent = `Expected calibration error (15 bins): ${number(m.expectedCalibrationError)}`
    + interval(ci.expectedCalibrationError, number);
  const enriched = report.enrichedReviewList;
  document.getElementById('enriched').textContent = enriched
    ? `${enriched.label}. ${enriched.caseIds.length} of ${enriched.riskyCasesOutsideTheSample} risky cases: ${enriched.caseIds.join(', ') || 'none'}; `
      + `${enriched.disagreements.length} disagreements.`
    : 'None drawn.';
}

/** A month not yet over is shown provisionally: drawn for the view only, nothing kept (the server refuses to draw it). */
function isOpen(yearMonth) {
  return yearMonth >= new Date().toISOString().slice(0, 7);
}

async function loadSample(draw) {
  const query = `?hospital=${encodeURIComponent(hospital.value.trim())}`;
  try {
    if (isOpen(month.value)) {
      showSample(await api(`/api/v1/audit/samples/${month.value}/provisional${query}`));
    } else {
      showSample(await api(`/api/v1/audit/samples/${month.value}${query}`, { method: draw ? 'POST' : 'GET' }));
    }
    showStatus(sampleStatus, '');
  } catch (error) {
    document.getElementById('sample').hidden = true;
    showStatus(sampleStatus, error.message, true);
  }
  await loadDisagreements();
}

async function review(id, status) {
  const reviewStatus = document.getElementById('review-status');
  try {
    await api(`/api/v1/audit/disagreements/${id}/reviews`, { method: 'POST', body: {
      status, comment: document.getElementById('review-comment').value.trim() || null } });
    showStatus(reviewStatus, `Disagreement ${id} is ${status}.`);
  } catch (error) {
    showStatus(reviewStatus, error.message, true);
  }
  await loadDisagreements();
}

async function loadDisagreements() {
  const query = new URLSearchParams({ size: '100' });
  if (hospital.value.trim()) query.set('hospital', hospital.value.trim());
  const status = document.getElementById('disagreement-status').value;
  if (status) query.set('status', status);
  const page = await api(`/api/v1/audit/disagreements?${query}`);
  document.querySelector('#disagreements tbody').replaceChildren(...page.items.map(d => el('tr', { 'data-id': d.id },
    el('td', {}, el('a', { href: `case.html?id=${encodeURIComponent(d.caseId)}&hospital=${encodeURIComponent(d.hospitalId || '')}` }, d.caseId)),
    el('td', {}, `${d.modelName} ${d.modelVersion}`), el('td', { class: `group-${d.predictedGroup}` }, d.predictedGroup),
    el('td', {}, `Bethesda ${d.bethesdaCategory} (${d.diagnosedGroup})`), el('td', { class: 'review-status' }, d.status),
    el('td', {}, when(d.openedAt)),
    el('td', {}, d.status === 'RESOLVED' ? '' : [
      d.status === 'OPEN' ? el('button', { type: 'button', class: 'secondary', onclick: () => review(d.id, 'DISCUSSED') }, 'Discussed') : null,
      el('button', { type: 'button', class: 'secondary', onclick: () => review(d.id, 'RESOLVED') }, 'Resolved')]))));
}

async function loadDrift() {
  const select = document.getElementById('drift-model');
  const current = await api('/api/v1/audit/drift');
  if (!select.options.length) {
    select.replaceChildren(...current.map(r => el('option', { value: r.model }, `${r.model} ${r.version}`)));
  }
  const now = current.find(r => r.model === select.value);
  if (!now) return;
  document.getElementById('drift-now').replaceChildren(el('tbody', {},
    el('tr', {}, el('th', { scope: 'row' }, 'Live since'), el('td', {}, when(now.liveSince))),
    el('tr', {}, el('th', { scope: 'row' }, 'Predictions in the last 30 days'), el('td', {}, now.predictions)),
    el('tr', {}, el('th', { scope: 'row' }, 'Class mix PSI'), el('td', {}, number(now.classMixPsi))),
    el('tr', {}, el('th', { scope: 'row' }, 'Confidence PSI'), el('td', {}, number(now.confidencePsi))),
    el('tr', {}, el('th', { scope: 'row' }, 'Macro-F1 on confirmed cases (card)'),
      el('td', {}, `${number(now.macroF1)} (${number(now.referenceMacroF1)}) on ${now.confirmedCases} cases`)),
    el('tr', {}, el('th', { scope: 'row' }, 'Notes'), el('td', {}, now.notes.join('; ') || 'none'))));
  const history = await api(`/api/v1/audit/drift/history?model=${encodeURIComponent(select.value)}&weeks=12`);
  lineChart(document.getElementById('drift-chart'), history.map(h => h.windowTo.slice(5, 10)), [
    { name: 'class mix', colour: '#1f5fbf', values: history.map(h => h.classMixPsi) },
    { name: 'confidence', colour: '#b26a00', values: history.map(h => h.confidencePsi) },
  ], PSI_THRESHOLD);
}

async function loadShift() {
  const query = hospital.value ? `&hospital=${encodeURIComponent(hospital.value.trim())}` : '';
  const weeks = await api(`/api/v1/audit/shift?weeks=12${query}`);
  const shown = hospital.value.trim() || (weeks[0] && weeks[0].hospitalId);
  const rows = weeks.filter(w => w.hospitalId === shown);
  lineChart(document.getElementById('shift-chart'), rows.map(w => w.weekStart.slice(5, 10)), [
    { name: 'not assessable', colour: '#b07800', values: rows.map(w => w.shareNotAssessable) },
    { name: 'estimated macro-F1', colour: '#1f5fbf', values: rows.map(w => w.estimatedMacroF1) },
    { name: 'confirmed macro-F1', colour: '#2e7d32', values: rows.map(w => w.confirmedMacroF1) },
  ], 0.5, { xLabel: `week starting (${shown || 'no hospital yet'})`, yLabel: 'share', yMax: 1 });
  document.getElementById('shift-weeks').replaceChildren(
    el('thead', {}, el('tr', {}, ['Week', 'Hospital', 'Model', 'Images', 'Not assessable', 'Mean OOD score', 'Estimated macro-F1',
      'Confirmed macro-F1', 'Alarms'].map(h => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, weeks.slice().reverse().map(w => el('tr', { class: w.alarms.length ? 'alarm' : '' },
      el('td', {}, w.weekStart.slice(0, 10)), el('td', {}, w.hospitalId), el('td', {}, `${w.model} ${w.version}`),
      el('td', { class: 'num' }, w.images), el('td', { class: 'num' }, percent(w.shareNotAssessable)),
      el('td', { class: 'num' }, number(w.meanOutOfDistribution)), el('td', { class: 'num' }, number(w.estimatedMacroF1)),
      el('td', { class: 'num' }, w.confirmedCases ? `${number(w.confirmedMacroF1)} (${w.confirmedCases})` : '–'),
      el('td', { class: w.alarms.length ? 'not-assessable' : '' }, w.alarms.join('; ') || 'none')))));
}

async function loadRetraining() {
  const page = await api('/api/v1/audit/retraining?size=50');
  document.querySelector('#retraining tbody').replaceChildren(...page.items.map(r => el('tr', {},
    el('td', {}, when(r.requestedAt)), el('td', {}, `${r.model} ${r.version}`), el('td', {}, r.trigger), el('td', {}, r.reason),
    el('td', { class: 'num' }, r.manifestSize), el('td', {}, r.published ? 'yes' : 'pending (outbox)'))));
}

async function loadDeadLetters() {
  const parameters = new URLSearchParams({ size: '50' });
  const service = document.getElementById('deadletter-service').value;
  if (service) parameters.set('service', service);
  if (hospital.value) parameters.set('hospital', hospital.value);
  const page = await api(`/api/v1/deadletters?${parameters}`);
  document.querySelector('#deadletters tbody').replaceChildren(...page.items.map(d => el('tr', { 'data-dead-letter-id': d.eventId },
    el('td', {}, when(d.occurredAt)), el('td', {}, d.service),
    el('td', {}, `${d.sourceTopic} ${d.sourcePartition ?? '?'}@${d.sourceOffset ?? '?'}`),
    el('td', {}, d.caseId ? el('a', { href: `case.html?id=${encodeURIComponent(d.caseId)}&hospital=${encodeURIComponent(d.hospitalId || '')}` }, d.caseId) : '–', d.imageId ? ` / ${d.imageId}` : ''),
    el('td', { class: 'not-processed' }, d.reason), el('td', {}, redriveCell(d)))));
  showStatus(document.getElementById('deadletters-status'), `${page.total} dead letters; showing the newest ${page.items.length}.`);
}

/** A re-drive once asked says when and by whom; an image's letter can be re-driven once its cause is fixed. */
function redriveCell(letter) {
  if (letter.redrive) return `re-driven ${when(letter.redrive.at)} by ${letter.redrive.by}`;
  if (!letter.redrivable) return '–';
  return el('button', { type: 'button', onclick: () => redrive(letter.eventId) }, 'Re-drive');
}

async function redrive(eventId) {
  const status = document.getElementById('deadletters-status');
  try {
    await api(`/api/v1/deadletters/${encodeURIComponent(eventId)}/redrive`, { method: 'POST' });
    await loadDeadLetters();
  } catch (error) {
    showStatus(status, error.message, true);
  }
}

document.getElementById('deadletter-service').addEventListener('change', () => loadDeadLetters().catch(error => console.warn(error)));
document.getElementById('sample-form').addEventListener('submit', event => { event.preventDefault(); loadSample(false); });
document.getElementById('draw').addEventListener('click', () => { if (document.getElementById('sample-form').reportValidity()) loadSample(true); });
document.getElementById('disagreement-status').addEventListener('change', loadDisagreements);
document.getElementById('drift-model').addEventListener('change', loadDrift);

if (hospital.value) loadSample(false); else loadDisagreements();
loadDrift().catch(error => console.warn(error));
loadShift().catch(error => console.warn(error));
loadRetraining().catch(error => console.warn(error));
// Dead letters are operations' (the admin role): others see the panel say so, and nothing is asked.
if (user.roles.includes('admin')) loadDeadLetters().catch(error => console.warn(error));
else showStatus(document.getElementById('deadletters-status'), 'Dead letters and their re-drive are for operations (the admin role).');
