// One case: each image with its Grad-CAM overlay, the calibrated probabilities, the model, and the
// form for the final diagnosis. Polls until every image has its prediction and explanation.
import { GROUPS, GROUP_COLOURS, api, el, imageUrl, percent, poll, showStatus, showUser, when } from './api.js';

await showUser();

const caseId = new URLSearchParams(location.search).get('id');
// A case is known by its hospital and its id; the API answers only for the signed-in user's hospitals.
const hospitalId = new URLSearchParams(location.search).get('hospital');
const scoped = hospitalId ? `?hospital=${encodeURIComponent(hospitalId)}` : '';
document.getElementById('case-id').textContent = caseId;
const status = document.getElementById('case-status');
const shown = new Map(); // imageId -> what was drawn, so a poll redraws only what changed

function probabilityBars(probabilities) {
  return el('div', { class: 'bars', role: 'list', 'aria-label': 'calibrated probabilities' },
    GROUPS.flatMap(group => {
      const p = probabilities[group.toLowerCase()];
      return [
        el('span', { class: `group-${group}`, role: 'listitem' }, group.charAt(0) + group.slice(1).toLowerCase()),
        el('div', { class: 'bar', 'aria-hidden': 'true' }, el('span', { style: `width:${(100 * p).toFixed(1)}%;background:${GROUP_COLOURS[group]}` })),
        el('span', { class: 'num', id: `prob-${group.toLowerCase()}` }, percent(p)),
      ];
    }));
}

/** An <img> of the API, loaded with the user's token (its src is set once the bytes are here). */
function securedImage(url, attributes) {
  const img = el('img', attributes);
  imageUrl(url).then(objectUrl => { img.src = objectUrl; }).catch(error => { img.alt = `${img.alt} (${error.message})`; });
  return img;
}

function imageView(image) {
  const prediction = image.prediction;
  const explanation = image.explanation;
  const overlay = explanation && explanation.overlayUrl
    ? securedImage(explanation.overlayUrl, { class: 'on-top overlay', alt: `Grad-CAM heatmap of ${explanation.group} on the image` })
    : null;
  const opacity = el('input', { type: 'range', min: '0', max: '100', value: '100', id: `opacity-${image.imageId}`,
    oninput: event => { if (overlay) overlay.style.opacity = event.target.value / 100; } });
  const toggle = el('input', { type: 'checkbox', checked: true, id: `toggle-${image.imageId}`,
    onchange: event => { if (overlay) overlay.hidden = !event.target.checked; } });
  return el('section', { class: 'panel image', 'data-image-id': image.imageId },
    el('div', { class: 'images' },
      el('figure', {}, securedImage(image.originalUrl, { class: 'original', alt: 'the smear as received' }),
        el('figcaption', {}, `Original, ${image.width}x${image.height}, received ${when(image.receivedAt)}`)),
      el('figure', {},
        el('div', { class: 'overlay-stack' }, securedImage(image.originalUrl, { alt: '' }), overlay),
        el('figcaption', {}, explanation
          ? `Grad-CAM of ${explanation.group} (${explanation.method}, ${explanation.rows}x${explanation.cols})`
          : image.notProcessed ? 'Heatmap: none' : 'Heatmap: waiting for the explanation…'))),
    image.notProcessed
      ? el('p', { class: 'not-processed', id: `not-processed-${image.imageId}`, role: 'alert' },
        `Not processed by ${image.notProcessed.service}: ${image.notProcessed.reason}`)
      : null,
    explanation && explanation.overlayUrl ? el('form', { class: 'inline', onsubmit: event => event.preventDefault() },
      el('label', { for: toggle.id }, 'Show heatmap', toggle), el('label', { for: opacity.id }, 'Heatmap opacity', opacity)) : null,
    prediction && prediction.assessment && !prediction.assessment.assessable
      ? el('div', {},
        el('h2', {}, 'Prediction: ', el('span', { class: 'not-assessable', id: 'predicted-group' }, 'not assessable'),
          el('span', { class: 'flag', id: 'review-flag' }, ' flagged for expert review')),
        el('p', {}, 'The model gives no treatment group for this image and no heatmap:'),
        el('ul', { class: 'assessment-reasons', id: `reasons-${image.imageId}` },
          ...prediction.assessment.reasons.map(reason => el('li', {}, reason))),
        el('p', { id: 'model' }, `Model ${prediction.model.name} ${prediction.model.version} (sha256 ${prediction.model.sha256.slice(0, 12)}…), `
          + `assessed ${when(prediction.predictedAt)}`))
      : prediction
      ? el('div', {},
        el('h2', {}, 'Prediction: ', el('span', { class: `group-${prediction.group}`, id: 'predicted-group' }, prediction.group),
          prediction.flaggedForReview ? el('span', { class: 'flag', id: 'review-flag' }, ' flagged for expert review') : null),
        probabilityBars(prediction.probabilities),
        prediction.predictionSet
          ? el('p', { id: `prediction-set-${image.imageId}` }, `Plausible at ${percent(prediction.predictionSet.targetCoverage)} coverage: `
            + (prediction.predictionSet.groups.length ? prediction.predictionSet.groups.join(', ') : 'no group (unlike every group\'s calibration images)'))
          : null,
        el('p', { id: 'model' }, `Model ${prediction.model.name} ${prediction.model.version} (sha256 ${prediction.model.sha256.slice(0, 12)}…), `
          + `predicted ${when(prediction.predictedAt)}`))
      : el('p', {}, image.notProcessed ? 'Prediction: none' : 'Prediction: waiting…'));
}

async function refreshCase() {
  let found;
  try {
    found = await api(`/api/v1/cases/${encodeURIComponent(caseId)}${scoped}`);
  } catch (error) {
    showStatus(status, `Waiting for the case to be recorded (${error.message})`);
    return false;
  }
  document.getElementById('hospital').textContent = found.hospitalId;
  const container = document.getElementById('images');
  for (const image of found.images) {
    const signature = `${!!image.prediction}/${image.explanation ? image.explanation.explainedAt : ''}/${image.notProcessed ? image.notProcessed.deadLetterId : ''}`;
    if (shown.get(image.imageId) === signature) continue;
    const view = imageView(image);
    const old = container.querySelector(`[data-image-id="${image.imageId}"]`);
    old ? old.replaceWith(view) : container.append(view);
    shown.set(image.imageId, signature);
  }
  const notAssessable = image => image.prediction && image.prediction.assessment && !image.prediction.assessment.assessable;
  const complete = found.images.length > 0 && found.images.every(image => image.prediction && (image.explanation || notAssessable(image)));
  const stopped = found.images.filter(image => image.notProcessed && !image.explanation).length;
  showStatus(status, complete ? `${found.images.length} image(s), all predicted and explained.`
    : stopped ? `${stopped} image(s) not processed; see the reason beside each.` : 'Waiting for results…');
  return complete;
}

async function refreshDiagnoses() {
  const history = await api(`/api/v1/cases/${encodeURIComponent(caseId)}/diagnoses${scoped}`);
  document.querySelector('#diagnosis-history tbody').replaceChildren(...history.map(d => el('tr', {},
    el('td', { class: 'num' }, d.version), el('td', {}, d.bethesdaCategory), el('td', { class: `group-${d.group}` }, d.group),
    el('td', {}, d.recordedBy), el('td', {}, d.comment || ''), el('td', {}, when(d.recordedAt)))));
}

document.getElementById('diagnosis').addEventListener('submit', async event => {
  event.preventDefault();
  const diagnosisStatus = document.getElementById('diagnosis-status');
  try {
    const recorded = await api(`/api/v1/cases/${encodeURIComponent(caseId)}/diagnoses${scoped}`, {
      method: 'POST',
      body: {
        bethesdaCategory: document.getElementById('bethesda').value,
        comment: document.getElementById('comment').value.trim() || null,
      },
    });
    showStatus(diagnosisStatus, `Recorded Bethesda ${recorded.bethesdaCategory} (${recorded.group}) as version ${recorded.version}.`);
    await refreshDiagnoses();
  } catch (error) {
    showStatus(diagnosisStatus, `Not recorded: ${error.message}`, true);
  }
});

poll(refreshCase);
refreshDiagnoses().catch(() => {});
