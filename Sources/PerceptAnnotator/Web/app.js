"use strict";
// Percept annotate: the single-page labeling app. It talks only to the documented HTTP API;
// every edit is queued and sent at once, retried until the server acknowledges it. This file
// (state, HTTP, saving, the image list) loads first; editing.js, canvas.js and panels.js follow
// and share its globals.

const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);

const app = {
  images: [],            // rows of GET /api/images, in path order
  counts: {},
  filter: "",
  classes: [],
  hiddenClasses: new Set(),
  activeClass: null,
  current: null,         // {image, shapes} of the image on screen
  selected: -1,
  selectedVertex: -1,
  tool: "select",
  view: { scale: 1, x: 0, y: 0 },
  draft: null,           // the shape being drawn
  drag: null,            // the move, resize or pan in progress
  history: new Map(),    // image id -> {undo: [shapes], redo: [shapes]}
  versions: new Map(),   // image id -> the version the server acknowledged last
  pendingShapes: new Map(), // image id -> shapes not yet acknowledged
  pendingPatches: new Map(), // image id -> {status, comment} not yet acknowledged
  conflicts: new Map(),  // image id -> {mine, theirs}
  saving: false,
  threshold: 0.5,
  searchIndex: 0,        // the highlighted row of the class search
  opening: null,         // the id of the image being loaded; edits wait until it is shown
  openRequest: 0,        // counts openImage calls, so only the latest one is shown
  detector: false,       // whether the server has a detector (--detector) to propose boxes
};

// ---- HTTP ----

async function api(method, path, body) {
  const options = { method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let data = null;
  try { data = await response.json(); } catch (error) { data = null; }
  return { status: response.status, data };
}

function showError(message) {
  $("error-message").textContent = message;
  $("error-banner").hidden = false;
}

function setSaveState(state, text) {
  const element = $("save-state");
  element.className = "save-state " + state;
  element.dataset.state = state;
  element.textContent = text;
}

function refreshSaveState() {
  if (app.conflicts.size) return setSaveState("conflict", "Conflict");
  if (app.pendingShapes.size || app.pendingPatches.size) return setSaveState("saving", "Saving…");
  setSaveState("saved", "Saved");
}

// ---- Saving: one queue for all images; a failed send is retried, never dropped ----

function queueShapes(imageId, shapes) {
  app.pendingShapes.set(imageId, clone(shapes));
  // Show the edit in the list at once, as the server will count it, so an offline edit does not
  // leave the list's badge behind the panel.
  const entry = app.images.find((image) => image.id === imageId);
  if (entry) {
    const people = shapes.filter((shape) => shape.source === "user").length;
    updateListEntry(Object.assign({}, entry, { shapes: people, predictions: shapes.length - people,
      status: entry.status === "new" && people > 0 ? "in_progress" : entry.status }));
  }
  pump();
}

function queuePatch(imageId, change) {
  // A new object each time: the one in flight must stay as sent, or a change made while it is
  // out would be forgotten when its answer arrives.
  app.pendingPatches.set(imageId, Object.assign({}, app.pendingPatches.get(imageId) || {}, change));
  const entry = app.images.find((image) => image.id === imageId);
  if (entry) updateListEntry(Object.assign({}, entry, change));
  pump();
}

async function pump() {
  refreshSaveState();
  if (app.saving) return;
  app.saving = true;
  let delay = 250;
  while (app.pendingShapes.size || app.pendingPatches.size) {
    try {
      if (app.pendingShapes.size) await sendShapes(app.pendingShapes.keys().next().value);
      else await sendPatch(app.pendingPatches.keys().next().value);
      delay = 250;
      refreshSaveState();
    } catch (error) {
      setSaveState("retrying", "Offline — retrying");
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 4000);
    }
  }
  app.saving = false;
  refreshSaveState();
}

async function sendShapes(imageId) {
  const shapes = app.pendingShapes.get(imageId);
  const version = app.versions.get(imageId);
  const result = await api("PUT", `/api/images/${imageId}/shapes`, { version, shapes });
  if (result.status >= 500) throw new Error("server error " + result.status);
  // Only forget the entry if no newer edit replaced it while the request was out.
  if (app.pendingShapes.get(imageId) === shapes) app.pendingShapes.delete(imageId);
  if (result.status === 200) {
    app.versions.set(imageId, result.data.version);
    updateListEntry(result.data.image);
  } else if (result.status === 409) {
    app.pendingShapes.delete(imageId);
    app.conflicts.set(imageId, { mine: shapes, theirs: result.data.current });
    showConflict(imageId, result.data.error);
  } else {
    showError(`Not saved: ${result.data ? result.data.error : result.status}`);
  }
}

async function sendPatch(imageId) {
  const change = app.pendingPatches.get(imageId);
  const result = await api("PATCH", `/api/images/${imageId}`, change);
  if (result.status >= 500) throw new Error("server error " + result.status);
  if (app.pendingPatches.get(imageId) === change) app.pendingPatches.delete(imageId);
  if (result.status === 200) updateListEntry(result.data);
  else showError(`Not saved: ${result.data ? result.data.error : result.status}`);
}

function showConflict(imageId, message) {
  $("conflict-message").textContent = `${message}. Another window changed this image.`;
  $("conflict").hidden = false;
  $("conflict").dataset.image = imageId;
  refreshSaveState();
}

function resolveConflict(keepMine) {
  const imageId = Number($("conflict").dataset.image);
  const conflict = app.conflicts.get(imageId);
  if (!conflict) return;
  app.conflicts.delete(imageId);
  $("conflict").hidden = true;
  app.versions.set(imageId, conflict.theirs.version);
  updateListEntry(conflict.theirs.image);
  if (keepMine) {
    queueShapes(imageId, conflict.mine);
  } else if (app.current && app.current.image.id === imageId) {
    app.current.shapes = conflict.theirs.shapes;
    app.selected = -1;
    render();
  }
  refreshSaveState();
}

window.addEventListener("beforeunload", (event) => {
  if (app.pendingShapes.size || app.pendingPatches.size) event.preventDefault();
});

// ---- Images ----

async function loadImages() {
  const result = await api("GET", "/api/images");
  if (result.status !== 200) return showError(result.data ? result.data.error : "cannot list images");
  app.images = result.data.images;
  app.counts = result.data.counts;
  renderList();
}

function visibleImages() {
  if (!app.filter) return app.images;
  if (app.filter === "review") return app.images.filter((image) => image.status === "done" || image.status === "rejected");
  return app.images.filter((image) => image.status === app.filter);
}

function updateListEntry(answer) {
  // A status not yet acknowledged wins over an older answer, so list and panel agree with the
  // user's last action.
  const pending = app.pendingPatches.get(answer.id);
  const image = pending && pending.status ? Object.assign({}, answer, { status: pending.status }) : answer;
  const index = app.images.findIndex((entry) => entry.id === image.id);
  if (index < 0) return;
  const old = app.images[index];
  if (old.status !== image.status) {
    app.counts[old.status] = (app.counts[old.status] || 1) - 1;
    app.counts[image.status] = (app.counts[image.status] || 0) + 1;
  }
  app.images[index] = image;
  if (app.current && app.current.image.id === image.id) {
    app.current.image = Object.assign(app.current.image, { status: image.status, comment: image.comment });
    renderReview();
  }
  // Patch the one row: rebuilding a list of thousands on every save would stall typing.
  const item = document.querySelector(`#image-list li[data-id="${image.id}"]`);
  if (item) item.replaceWith(listItem(image));
  renderProgress();
}

function listItem(image) {
  const item = document.createElement("li");
  item.dataset.id = image.id;
  if (app.current && app.current.image.id === image.id) item.className = "current";
  const name = document.createElement("span");
  name.textContent = image.path;
  name.title = image.path;
  const badge = document.createElement("span");
  badge.className = "badge " + image.status;
  badge.textContent = `${image.shapes}${image.predictions ? "+" + image.predictions : ""} ${image.status.replace("_", " ")}`;
  item.append(name, badge);
  return item;
}

function renderList() {
  const list = $("image-list");
  list.textContent = "";
  const fragment = document.createDocumentFragment();
  for (const image of visibleImages()) fragment.append(listItem(image));
  list.append(fragment);
  renderProgress();
}

function renderProgress() {
  const total = app.images.length;
  const finished = (app.counts.done || 0) + (app.counts.verified || 0);
  $("progress").innerHTML = "";
  const bold = document.createElement("b");
  bold.textContent = `${finished} / ${total}`;
  $("progress").append(bold, ` done or verified · ${app.counts.verified || 0} verified · ${app.counts.new || 0} unlabelled`);
}

// How openImage treats the address bar: "push" adds a history entry (Back returns), "replace"
// rewrites the current one, "follow" means the URL already names the image.
async function openImage(imageId, how = "push") {
  const request = ++app.openRequest;
  app.opening = imageId;
  app.draft = null;
  app.drag = null;
  let result;
  try {
    // With a detector, the server runs it first on an image that has no proposals yet.
    result = app.detector ? await api("POST", `/api/images/${imageId}/propose`, {}) : await api("GET", `/api/images/${imageId}`);
    // The detector may have added classes the list does not show yet.
    if (result.status === 200 && result.data.shapes.some((shape) => !app.classes.some((entry) => entry.id === shape.class))) {
      await loadClasses();
    }
  } catch (error) {
    result = null;
  }
  if (request !== app.openRequest) return;  // a later request replaced this one
  app.opening = null;
  if (!result || result.status !== 200) {
    showURLOfCurrent();
    return showError(result ? (result.data ? result.data.error : `cannot open image ${imageId}`)
      : `Offline: cannot open image ${imageId} until the server answers. Your edits are kept and retried.`);
  }
  const state = result.data;
  if (state.warning) showError(state.warning);
  if (!app.pendingShapes.has(imageId)) app.versions.set(imageId, state.version);
  const pending = app.pendingShapes.get(imageId);
  app.current = { image: state.image, shapes: pending ? clone(pending) : state.shapes };
  if (pending) {
    // The server has not counted the unsent shapes yet: the list holds what they make.
    const listed = app.images.find((image) => image.id === imageId);
    if (listed) app.current.image.status = listed.status;
  } else {
    updateListEntry(state.image);
  }
  app.selected = -1;
  app.selectedVertex = -1;
  const photo = $("photo");
  photo.setAttribute("href", `/images/${imageId}`);
  photo.setAttribute("width", state.image.width);
  photo.setAttribute("height", state.image.height);
  $("image-name").textContent = state.image.path;
  $("image-name").title = state.image.path;
  if (how === "push" && location.hash !== `#${imageId}`) history.pushState(null, "", `#${imageId}`);
  else showURLOfCurrent();
  fit();
  renderList();
  renderReview();
  render();
  const current = document.querySelector("#image-list li.current");
  if (current) current.scrollIntoView({ block: "nearest" });
}

function showURLOfCurrent() {
  if (app.current && location.hash !== `#${app.current.image.id}`) history.replaceState(null, "", `#${app.current.image.id}`);
}

// Back, Forward and an edited address change the hash: show the image it names, so the page
// never edits another image than the URL says.
function followURL() {
  const requested = Number(location.hash.slice(1));
  if (requested === app.opening || (app.opening === null && app.current && requested === app.current.image.id)) return;
  if (!app.images.some((image) => image.id === requested)) {
    showError(`There is no image #${location.hash.slice(1)}; showing ${app.current ? app.current.image.path : "nothing"}.`);
    return showURLOfCurrent();
  }
  openImage(requested, "follow");
}

function step(offset, predicate) {
  const list = visibleImages();
  if (!list.length) return;
  let index = app.current ? list.findIndex((image) => image.id === app.current.image.id) : -1;
  for (let tries = 0; tries < list.length; tries++) {
    index = (index + offset + list.length) % list.length;
    if (!predicate || predicate(list[index])) return openImage(list[index].id);
  }
}
