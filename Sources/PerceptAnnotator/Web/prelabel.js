"use strict";
// Percept annotate, part of the single-page app (see app.js); scripts share the page's globals.

// ---- Pre-label all: with `--detector`, the server runs the detector over every image that has
// no proposals yet, in the background; the page polls the progress, keeps editing meanwhile and
// brings the list (and the shown image, when it has no unsent edits) up to date ----

let prelabelPolling = false;

function renderPrelabel(progress) {
  app.detector = !!progress.available;
  $("prelabel").hidden = !progress.available;
  if (!progress.available) return;
  $("prelabel-all").disabled = progress.running;
  const failed = progress.failed ? ` · ${progress.failed} failed` : "";
  $("prelabel-progress").textContent = progress.total || progress.running
    ? `${progress.running ? "Pre-labelling" : "Pre-labelled"} ${progress.done} / ${progress.total} images · ${progress.proposals} proposals${failed}`
    : "";
  $("prelabel-progress").dataset.running = progress.running ? "true" : "false";
  const list = $("prelabel-warnings");
  list.textContent = "";
  for (const warning of progress.warnings) {
    const item = document.createElement("li");
    item.textContent = warning;
    list.append(item);
  }
}

// Shows what the detector stored: list rows whose counts changed, and the shown image when the
// server has a newer version and nothing of the user's is waiting to be sent.
async function refreshAfterProposals() {
  const result = await api("GET", "/api/images");
  if (result.status !== 200) return;
  for (const image of result.data.images) {
    const known = app.images.find((entry) => entry.id === image.id);
    if (known && known.version !== image.version && !app.pendingShapes.has(image.id)) updateListEntry(image);
  }
  const shown = app.current && result.data.images.find((image) => image.id === app.current.image.id);
  if (!shown || shown.version <= (app.versions.get(shown.id) || 0)) return;
  if (app.pendingShapes.has(shown.id) || app.conflicts.has(shown.id) || app.draft || app.drag || app.opening !== null) return;
  const state = await api("GET", `/api/images/${shown.id}`);
  if (state.status !== 200 || !app.current || app.current.image.id !== shown.id || app.pendingShapes.has(shown.id)) return;
  if (state.data.shapes.some((shape) => !app.classes.some((entry) => entry.id === shape.class))) await loadClasses();
  app.versions.set(shown.id, state.data.version);
  app.current.shapes = state.data.shapes;
  app.selected = -1;
  render();
}

async function pollPrelabel() {
  if (prelabelPolling) return;
  prelabelPolling = true;
  let done = -1;
  try {
    for (;;) {
      const result = await api("GET", "/api/prelabel").catch(() => null);
      if (result && result.status === 200) {
        renderPrelabel(result.data);
        if (result.data.done !== done || !result.data.running) {
          done = result.data.done;
          await refreshAfterProposals().catch(() => {});
        }
        if (!result.data.running) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } finally {
    prelabelPolling = false;
  }
}

async function startPrelabel() {
  const result = await api("POST", "/api/prelabel", {}).catch(() => null);
  if (!result || result.status !== 202) return showError(`Pre-label all: ${result && result.data ? result.data.error : "the server does not answer"}`);
  renderPrelabel(result.data);
  pollPrelabel();
}

async function wirePrelabel() {
  $("prelabel-all").addEventListener("click", startPrelabel);
  const result = await api("GET", "/api/prelabel").catch(() => null);
  if (!result || result.status !== 200) return;
  renderPrelabel(result.data);
  if (result.data.running) pollPrelabel();
}
