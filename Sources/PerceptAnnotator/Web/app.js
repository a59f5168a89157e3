"use strict";
// Percept annotate: the single-page labeling app. It talks only to the documented HTTP API;
// every edit is queued and sent at once, retried until the server acknowledges it.

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
  pump();
}

function queuePatch(imageId, change) {
  // A new object each time: the one in flight must stay as sent, or a change made while it is
  // out would be forgotten when its answer arrives.
  app.pendingPatches.set(imageId, Object.assign({}, app.pendingPatches.get(imageId) || {}, change));
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

function updateListEntry(image) {
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

async function openImage(imageId) {
  if (app.draft) app.draft = null;
  const result = await api("GET", `/api/images/${imageId}`);
  if (result.status !== 200) return showError(result.data ? result.data.error : "cannot open image");
  const state = result.data;
  if (!app.pendingShapes.has(imageId)) app.versions.set(imageId, state.version);
  const pending = app.pendingShapes.get(imageId);
  app.current = { image: state.image, shapes: pending ? clone(pending) : state.shapes };
  app.selected = -1;
  app.selectedVertex = -1;
  const photo = $("photo");
  photo.setAttribute("href", `/images/${imageId}`);
  photo.setAttribute("width", state.image.width);
  photo.setAttribute("height", state.image.height);
  $("image-name").textContent = state.image.path;
  history.replaceState(null, "", `#${imageId}`);
  fit();
  renderList();
  renderReview();
  render();
  const current = document.querySelector("#image-list li.current");
  if (current) current.scrollIntoView({ block: "nearest" });
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

// ---- Editing: every change goes through commit, which records undo and saves ----

function clone(value) { return JSON.parse(JSON.stringify(value)); }

function historyOf(imageId) {
  if (!app.history.has(imageId)) app.history.set(imageId, { undo: [], redo: [] });
  return app.history.get(imageId);
}

function commit(shapes, selected) {
  const id = app.current.image.id;
  const record = historyOf(id);
  record.undo.push(clone(app.current.shapes));
  record.redo = [];
  app.current.shapes = shapes;
  if (selected !== undefined) app.selected = selected;
  if (app.selected >= shapes.length) app.selected = -1;
  queueShapes(id, shapes);
  render();
}

function undo(redo) {
  if (!app.current) return;
  const record = historyOf(app.current.image.id);
  const from = redo ? record.redo : record.undo;
  const to = redo ? record.undo : record.redo;
  if (!from.length) return;
  to.push(clone(app.current.shapes));
  app.current.shapes = from.pop();
  app.selected = -1;
  app.selectedVertex = -1;
  queueShapes(app.current.image.id, app.current.shapes);
  render();
}

function clampPoint(x, y) {
  const image = app.current.image;
  return [Math.min(Math.max(x, 0), image.width), Math.min(Math.max(y, 0), image.height)];
}

function round(value) { return Math.round(value * 100) / 100; }

function newShape(kind, points) {
  return { kind, class: app.activeClass, points: points.map(round), attributes: {}, source: "user" };
}

function setClassOfSelection(classId) {
  app.activeClass = classId;
  if (app.current && app.selected >= 0) {
    const shapes = clone(app.current.shapes);
    shapes[app.selected].class = classId;
    commit(shapes);
  }
  renderClasses();
}

function deleteSelection() {
  if (!app.current || app.selected < 0) return;
  const shapes = clone(app.current.shapes);
  const shape = shapes[app.selected];
  if (shape.kind === "polygon" && app.selectedVertex >= 0 && shape.points.length > 6) {
    shape.points.splice(app.selectedVertex * 2, 2);
    app.selectedVertex = -1;
    return commit(shapes);
  }
  shapes.splice(app.selected, 1);
  app.selectedVertex = -1;
  commit(shapes, -1);
}

function accept(index) {
  const shapes = clone(app.current.shapes);
  shapes[index].source = "user";
  delete shapes[index].score;
  commit(shapes);
}

function nudge(dx, dy) {
  if (app.selected < 0) return;
  const shapes = clone(app.current.shapes);
  shapes[app.selected] = moved(shapes[app.selected], dx, dy);
  commit(shapes);
}

function moved(shape, dx, dy) {
  const image = app.current.image;
  const xs = shape.points.filter((_, i) => i % 2 === 0), ys = shape.points.filter((_, i) => i % 2 === 1);
  // Keep the whole shape inside the image.
  dx = Math.min(Math.max(dx, -Math.min(...xs)), image.width - Math.max(...xs));
  dy = Math.min(Math.max(dy, -Math.min(...ys)), image.height - Math.max(...ys));
  const result = clone(shape);
  result.points = shape.points.map((value, i) => round(value + (i % 2 === 0 ? dx : dy)));
  if (result.source === "prediction") { result.source = "user"; delete result.score; }
  return result;
}

async function copyPrevious() {
  if (!app.current) return;
  const index = app.images.findIndex((image) => image.id === app.current.image.id);
  if (index <= 0) return;
  const previous = app.images[index - 1];
  const source = app.pendingShapes.get(previous.id) ||
    ((await api("GET", `/api/images/${previous.id}`)).data || { shapes: [] }).shapes;
  const copies = source.filter((shape) => shape.source === "user").map((shape) => {
    const copy = clone(shape);
    for (let i = 0; i < copy.points.length; i += 2) [copy.points[i], copy.points[i + 1]] = clampPoint(copy.points[i], copy.points[i + 1]);
    return copy;
  }).filter((shape) => shape.kind !== "rect" || (shape.points[0] < shape.points[2] && shape.points[1] < shape.points[3]));
  if (copies.length) commit(app.current.shapes.concat(copies));
}

function setStatus(status) {
  if (!app.current) return;
  const change = { status };
  if (status === "rejected") change.comment = $("comment").value;
  app.current.image.status = status;
  queuePatch(app.current.image.id, change);
  renderReview();
}

// ---- Drawing ----

function toImage(event) {
  const box = $("canvas").getBoundingClientRect();
  return [(event.clientX - box.left - app.view.x) / app.view.scale, (event.clientY - box.top - app.view.y) / app.view.scale];
}

function fit() {
  if (!app.current) return;
  const box = $("canvas").getBoundingClientRect();
  const image = app.current.image;
  const scale = Math.min((box.width - 20) / image.width, (box.height - 20) / image.height);
  app.view = { scale, x: (box.width - image.width * scale) / 2, y: (box.height - image.height * scale) / 2 };
  render();
}

function classOf(id) { return app.classes.find((entry) => entry.id === id) || { name: `class ${id}`, color: "#cccccc" }; }

function isShown(shape) {
  return !app.hiddenClasses.has(shape.class) && !(shape.source === "prediction" && (shape.score || 0) < app.threshold);
}

function element(name, attributes, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.append(node);
  return node;
}

function outline(shape, attributes, parent) {
  const p = shape.points;
  if (shape.kind === "rect") return element("rect", Object.assign({ x: p[0], y: p[1], width: p[2] - p[0], height: p[3] - p[1] }, attributes), parent);
  if (shape.kind === "polygon") return element(attributes.open ? "polyline" : "polygon", Object.assign({ points: p.join(" ") }, attributes), parent);
  return element("circle", Object.assign({ cx: p[0], cy: p[1], r: 4 / app.view.scale }, attributes), parent);
}

function render() {
  $("view").setAttribute("transform", `translate(${app.view.x} ${app.view.y}) scale(${app.view.scale})`);
  const layer = $("shapes"), handles = $("handles"), draft = $("draft");
  layer.textContent = "";
  handles.textContent = "";
  draft.textContent = "";
  if (!app.current) return;
  app.current.shapes.forEach((shape, index) => {
    if (!isShown(shape)) return;
    const color = classOf(shape.class).color;
    const classes = ["shape", index === app.selected ? "selected" : "", shape.source === "prediction" ? "prediction" : ""].join(" ");
    const node = outline(shape, { class: classes, fill: color, stroke: color, "data-index": index }, layer);
    node.dataset.index = index;
    const label = element("text", { x: shape.points[0], y: shape.points[1] - 3 / app.view.scale, class: "label-text",
      "font-size": 12 / app.view.scale }, layer);
    label.textContent = classOf(shape.class).name + (shape.source === "prediction" ? ` ${Number(shape.score).toFixed(2)}` : "");
  });
  if (app.selected >= 0 && app.current.shapes[app.selected] && isShown(app.current.shapes[app.selected])) {
    handlePoints(app.current.shapes[app.selected]).forEach((point, index) => {
      const size = 8 / app.view.scale;
      const isVertex = app.current.shapes[app.selected].kind === "polygon" && index === app.selectedVertex;
      element("rect", { x: point[0] - size / 2, y: point[1] - size / 2, width: size, height: size,
        class: "handle" + (isVertex ? " vertex-selected" : ""), "data-handle": index }, handles);
    });
  }
  if (app.draft) {
    outline(app.draft, { class: "draft", open: app.draft.kind === "polygon" }, draft);
  }
  renderShapePanel();
  $("status-line").textContent = `${app.current.image.width}×${app.current.image.height} · ${Math.round(app.view.scale * 100)}% · ` +
    `${app.current.shapes.filter((shape) => shape.source === "user").length} shapes · tool: ${app.tool}`;
}

// Rect handles: the four corners (0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left);
// polygon handles: its vertices; a point: itself.
function handlePoints(shape) {
  const p = shape.points;
  if (shape.kind === "rect") return [[p[0], p[1]], [p[2], p[1]], [p[2], p[3]], [p[0], p[3]]];
  const points = [];
  for (let i = 0; i < p.length; i += 2) points.push([p[i], p[i + 1]]);
  return points;
}

function movedHandle(shape, handle, x, y) {
  const result = clone(shape);
  const p = result.points;
  if (shape.kind === "rect") {
    const xs = [p[0], p[2]], ys = [p[1], p[3]];
    if (handle === 0 || handle === 3) xs[0] = x; else xs[1] = x;
    if (handle === 0 || handle === 1) ys[0] = y; else ys[1] = y;
    result.points = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].map(round);
  } else {
    p[handle * 2] = round(x);
    p[handle * 2 + 1] = round(y);
  }
  if (result.source === "prediction") { result.source = "user"; delete result.score; }
  return result;
}

function onMouseDown(event) {
  if (!app.current || (event.button !== 0 && event.button !== 1)) return;
  const [rawX, rawY] = toImage(event);
  const [x, y] = clampPoint(rawX, rawY);
  if (event.button === 1) return startPan(event);
  if (app.tool !== "select" && app.activeClass === null) return showError("Add a class first (right panel), then draw.");
  if (app.tool === "rect") {
    app.draft = { kind: "rect", points: [x, y, x, y], start: [x, y] };
  } else if (app.tool === "polygon") {
    if (!app.draft) app.draft = { kind: "polygon", points: [] };
    const p = app.draft.points;
    const closeDistance = 8 / app.view.scale;
    if (p.length >= 6 && Math.hypot(p[0] - x, p[1] - y) < closeDistance) return closePolygon();
    const last = p.length - 2;
    if (last < 0 || Math.hypot(p[last] - x, p[last + 1] - y) > 1 / app.view.scale) p.push(round(x), round(y));
  } else if (app.tool === "point") {
    commit(app.current.shapes.concat([newShape("point", [x, y])]), app.current.shapes.length);
  } else {
    const handle = event.target.dataset ? event.target.dataset.handle : undefined;
    if (handle !== undefined) {
      app.selectedVertex = Number(handle);
      app.drag = { kind: "handle", handle: Number(handle), original: clone(app.current.shapes[app.selected]) };
    } else if (event.target.dataset && event.target.dataset.index !== undefined) {
      app.selected = Number(event.target.dataset.index);
      app.selectedVertex = -1;
      app.drag = { kind: "move", start: [rawX, rawY], original: clone(app.current.shapes[app.selected]) };
    } else {
      app.selected = -1;
      startPan(event);
    }
  }
  render();
}

function startPan(event) {
  app.drag = { kind: "pan", start: [event.clientX, event.clientY], view: Object.assign({}, app.view) };
  $("canvas").classList.add("panning");
}

function onMouseMove(event) {
  if (!app.current) return;
  const [rawX, rawY] = toImage(event);
  const [x, y] = clampPoint(rawX, rawY);
  if (app.draft && app.draft.kind === "rect" && app.draft.start) {
    const [sx, sy] = app.draft.start;
    app.draft.points = [Math.min(sx, x), Math.min(sy, y), Math.max(sx, x), Math.max(sy, y)];
    return render();
  }
  if (app.draft && app.draft.kind === "polygon") {
    app.draft.preview = [x, y];
    return renderDraftPreview();
  }
  if (!app.drag) return;
  if (app.drag.kind === "pan") {
    app.view.x = app.drag.view.x + event.clientX - app.drag.start[0];
    app.view.y = app.drag.view.y + event.clientY - app.drag.start[1];
  } else if (app.drag.kind === "move") {
    app.current.shapes[app.selected] = moved(app.drag.original, rawX - app.drag.start[0], rawY - app.drag.start[1]);
    app.drag.changed = true;
  } else if (app.drag.kind === "handle") {
    app.current.shapes[app.selected] = movedHandle(app.drag.original, app.drag.handle, x, y);
    app.drag.changed = true;
  }
  render();
}

function renderDraftPreview() {
  const draft = $("draft");
  draft.textContent = "";
  const points = app.draft.points.concat(app.draft.preview || []);
  if (points.length >= 2) outline({ kind: "polygon", points }, { class: "draft", open: true }, draft);
}

function onMouseUp() {
  $("canvas").classList.remove("panning");
  if (app.draft && app.draft.kind === "rect") {
    const p = app.draft.points;
    app.draft = null;
    if (p[2] - p[0] >= 2 && p[3] - p[1] >= 2) {
      commit(app.current.shapes.concat([newShape("rect", p)]), app.current.shapes.length);
      setTool("select");
    }
    return render();
  }
  if (app.drag && app.drag.changed) {
    // The live preview changed the shape in place; record the edit against the original.
    const shapes = clone(app.current.shapes);
    app.current.shapes[app.selected] = app.drag.original;
    app.drag = null;
    return commit(shapes);
  }
  app.drag = null;
}

function closePolygon() {
  if (!app.draft || app.draft.points.length < 6) return;
  const points = app.draft.points;
  app.draft = null;
  commit(app.current.shapes.concat([newShape("polygon", points)]), app.current.shapes.length);
  setTool("select");
}

function onWheel(event) {
  if (!app.current) return;
  event.preventDefault();
  const box = $("canvas").getBoundingClientRect();
  const factor = Math.exp(-event.deltaY * 0.0015);
  const scale = Math.min(Math.max(app.view.scale * factor, 0.02), 64);
  const cx = event.clientX - box.left, cy = event.clientY - box.top;
  app.view.x = cx - (cx - app.view.x) * scale / app.view.scale;
  app.view.y = cy - (cy - app.view.y) * scale / app.view.scale;
  app.view.scale = scale;
  render();
}

function setTool(tool) {
  app.tool = tool;
  if (tool !== "polygon" && app.draft && app.draft.kind === "polygon") app.draft = null;
  for (const button of document.querySelectorAll("[data-tool]")) button.classList.toggle("active", button.dataset.tool === tool);
  $("canvas").classList.toggle("select", tool === "select");
  render();
}

// ---- Panels ----

function renderClasses() {
  const query = $("class-search").value.trim().toLowerCase();
  const list = $("class-list");
  list.textContent = "";
  app.classes.forEach((entry, index) => {
    if (query && !entry.name.toLowerCase().includes(query)) return;
    const item = document.createElement("li");
    item.dataset.id = entry.id;
    if (entry.id === app.activeClass) item.className = "active";
    const key = document.createElement("span");
    key.className = "key";
    key.textContent = index < 9 ? String(index + 1) : "";
    const shown = document.createElement("input");
    shown.type = "checkbox";
    shown.checked = !app.hiddenClasses.has(entry.id);
    shown.title = "show / hide";
    shown.addEventListener("change", () => {
      if (shown.checked) app.hiddenClasses.delete(entry.id); else app.hiddenClasses.add(entry.id);
      render();
    });
    const color = document.createElement("input");
    color.type = "color";
    color.value = entry.color;
    color.addEventListener("change", () => saveClasses(app.classes.map((c) => c.id === entry.id ? Object.assign({}, c, { color: color.value }) : c)));
    const name = document.createElement("input");
    name.type = "text";
    name.value = entry.name;
    name.addEventListener("change", () => saveClasses(app.classes.map((c) => c.id === entry.id ? Object.assign({}, c, { name: name.value }) : c)));
    const remove = document.createElement("button");
    remove.textContent = "×";
    remove.title = "Remove the class (only when no shape uses it)";
    remove.addEventListener("click", () => saveClasses(app.classes.filter((c) => c.id !== entry.id)));
    item.addEventListener("click", (event) => { if (event.target === item || event.target === key) setClassOfSelection(entry.id); });
    item.append(key, shown, color, name, remove);
    list.append(item);
  });
  const select = $("shape-class");
  select.textContent = "";
  for (const entry of app.classes) {
    const option = document.createElement("option");
    option.value = entry.id;
    option.textContent = entry.name;
    select.append(option);
  }
}

async function loadClasses() {
  const result = await api("GET", "/api/classes");
  if (result.status !== 200) return showError("cannot read the class list");
  app.classes = result.data.classes;
  if (!app.classes.some((entry) => entry.id === app.activeClass)) app.activeClass = app.classes.length ? app.classes[0].id : null;
  renderClasses();
  render();
}

async function saveClasses(classes) {
  const result = await api("PUT", "/api/classes", { classes: classes.map((c) => ({ id: c.id, name: c.name, color: c.color })) });
  if (result.status !== 200) showError(result.data ? result.data.error : "cannot save the class list");
  else app.classes = result.data.classes;
  if (!app.classes.some((entry) => entry.id === app.activeClass)) app.activeClass = app.classes.length ? app.classes[0].id : null;
  renderClasses();
  render();
}

function renderShapePanel() {
  const shape = app.current && app.selected >= 0 ? app.current.shapes[app.selected] : null;
  $("shape-none").hidden = !!shape;
  $("shape-details").hidden = !shape;
  if (!shape) return;
  $("shape-class").value = shape.class;
  for (const key of ["occluded", "truncated", "difficult"]) $("attr-" + key).checked = Number(shape.attributes[key]) === 1;
  if (document.activeElement !== $("attr-text")) $("attr-text").value = shape.attributes.text || "";
  $("prediction-actions").hidden = shape.source !== "prediction";
  $("prediction-score").textContent = shape.source === "prediction" ? `proposal, score ${Number(shape.score).toFixed(2)}` : "";
}

function editSelected(change) {
  if (app.selected < 0) return;
  const shapes = clone(app.current.shapes);
  change(shapes[app.selected]);
  commit(shapes);
}

function renderReview() {
  if (!app.current) return;
  const status = app.current.image.status;
  $("image-status").className = "badge " + status;
  $("image-status").textContent = status.replace("_", " ");
  if (document.activeElement !== $("comment")) $("comment").value = app.current.image.comment || "";
}

// ---- Keyboard ----

function onKey(event) {
  const target = event.target;
  if (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT") {
    if (event.key === "Escape") target.blur();
    return;
  }
  if ($("help").open || $("export").open) return;
  const key = event.key;
  const control = event.ctrlKey || event.metaKey;
  if (control && (key === "z" || key === "Z")) { event.preventDefault(); return undo(event.shiftKey); }
  if (control && key === "y") { event.preventDefault(); return undo(true); }
  if (control) return;
  const handled = {
    w: () => setTool("rect"), p: () => setTool("polygon"), k: () => setTool("point"),
    d: () => step(1), a: () => step(-1), n: () => step(1, (image) => image.status === "new"),
    f: fit, c: copyPrevious, e: () => setStatus("done"), " ": () => setStatus("verified"),
    "?": () => $("help").showModal(), Delete: deleteSelection, Backspace: deleteSelection, Enter: closePolygon,
    y: () => { if (app.selected >= 0 && app.current.shapes[app.selected].source === "prediction") accept(app.selected); },
    Escape: () => { app.draft = null; app.selected = -1; app.selectedVertex = -1; setTool("select"); },
    ArrowLeft: () => nudge(event.shiftKey ? -10 : -1, 0), ArrowRight: () => nudge(event.shiftKey ? 10 : 1, 0),
    ArrowUp: () => nudge(0, event.shiftKey ? -10 : -1), ArrowDown: () => nudge(0, event.shiftKey ? 10 : 1),
  }[key];
  if (handled) {
    event.preventDefault();
    return handled();
  }
  if (/^[1-9]$/.test(key)) {
    const entry = app.classes[Number(key) - 1];
    if (entry) setClassOfSelection(entry.id);
  }
}

// ---- Start ----

function wire() {
  const canvas = $("canvas");
  canvas.addEventListener("mousedown", onMouseDown);
  window.addEventListener("mousemove", onMouseMove);
  window.addEventListener("mouseup", onMouseUp);
  canvas.addEventListener("dblclick", () => { if (app.tool === "polygon") closePolygon(); });
  canvas.addEventListener("wheel", onWheel, { passive: false });
  window.addEventListener("resize", fit);
  document.addEventListener("keydown", onKey);
  // A focused button would take the next Space or Enter meant as a shortcut.
  document.addEventListener("click", (event) => { const button = event.target.closest("button"); if (button) button.blur(); });
  for (const button of document.querySelectorAll("[data-tool]")) button.addEventListener("click", () => setTool(button.dataset.tool));
  $("undo").addEventListener("click", () => undo(false));
  $("redo").addEventListener("click", () => undo(true));
  $("copy-previous").addEventListener("click", copyPrevious);
  $("fit").addEventListener("click", fit);
  $("mark-done").addEventListener("click", () => setStatus("done"));
  $("mark-verified").addEventListener("click", () => setStatus("verified"));
  $("mark-rejected").addEventListener("click", () => setStatus("rejected"));
  $("previous-image").addEventListener("click", () => step(-1));
  $("next-image").addEventListener("click", () => step(1));
  $("next-unlabelled").addEventListener("click", () => step(1, (image) => image.status === "new"));
  $("filter").addEventListener("change", () => { app.filter = $("filter").value; renderList(); });
  $("image-list").addEventListener("click", (event) => {
    const item = event.target.closest("li");
    if (item) openImage(Number(item.dataset.id));
  });
  $("comment").addEventListener("change", () => {
    if (!app.current) return;
    app.current.image.comment = $("comment").value;
    queuePatch(app.current.image.id, { comment: $("comment").value });
  });
  $("class-search").addEventListener("input", renderClasses);
  $("class-search").addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const query = $("class-search").value.trim().toLowerCase();
    const match = app.classes.find((entry) => entry.name.toLowerCase().includes(query));
    if (match) setClassOfSelection(match.id);
    $("class-search").value = "";
    $("class-search").blur();
    renderClasses();
  });
  $("class-add").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("class-new-name").value.trim();
    if (!name) return;
    $("class-new-name").value = "";
    saveClasses(app.classes.concat([{ name, color: $("class-new-color").value }]));
  });
  $("shape-class").addEventListener("change", () => editSelected((shape) => { shape.class = Number($("shape-class").value); }));
  for (const key of ["occluded", "truncated", "difficult"]) {
    $("attr-" + key).addEventListener("change", () => editSelected((shape) => { shape.attributes[key] = $("attr-" + key).checked ? 1 : 0; }));
  }
  $("attr-text").addEventListener("change", () => editSelected((shape) => {
    if ($("attr-text").value) shape.attributes.text = $("attr-text").value; else delete shape.attributes.text;
  }));
  $("accept-prediction").addEventListener("click", () => { if (app.selected >= 0) accept(app.selected); });
  $("reject-prediction").addEventListener("click", deleteSelection);
  $("threshold").addEventListener("input", () => {
    app.threshold = Number($("threshold").value);
    $("threshold-value").textContent = app.threshold.toFixed(2);
    render();
  });
  $("accept-all").addEventListener("click", () => {
    if (!app.current) return;
    commit(app.current.shapes.map((shape) => {
      if (shape.source !== "prediction" || !isShown(shape)) return shape;
      const copy = clone(shape);
      copy.source = "user";
      delete copy.score;
      return copy;
    }));
  });
  $("reject-all").addEventListener("click", () => {
    if (app.current) commit(app.current.shapes.filter((shape) => shape.source !== "prediction"), -1);
  });
  $("conflict-theirs").addEventListener("click", () => resolveConflict(false));
  $("conflict-mine").addEventListener("click", () => resolveConflict(true));
  $("error-close").addEventListener("click", () => { $("error-banner").hidden = true; });
  $("open-help").addEventListener("click", () => $("help").showModal());
  $("open-export").addEventListener("click", () => $("export").showModal());
  $("export-close").addEventListener("click", () => $("export").close());
  $("export-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("export-result").textContent = "Exporting…";
    const result = await api("POST", "/api/export", {
      format: $("export-format").value, target: $("export-target").value, force: $("export-force").checked,
    });
    if (result.status !== 200) {
      $("export-result").textContent = "Failed: " + (result.data ? result.data.error : result.status);
      return;
    }
    const losses = result.data.report.losses.map((loss) => `${loss.effect}: ${loss.count}`);
    $("export-result").textContent = `Wrote ${result.data.target}\n` + (losses.length ? losses.join("\n") : "nothing lost");
  });
}

async function start() {
  // A token given in the URL is now in a cookie; keep it out of the address bar and history.
  if (location.search.includes("token=")) history.replaceState(null, "", location.pathname + location.hash);
  wire();
  setTool("select");
  await loadClasses();
  await loadImages();
  const requested = Number(location.hash.slice(1));
  const first = app.images.find((image) => image.id === requested) || app.images.find((image) => image.status === "new") || app.images[0];
  if (first) await openImage(first.id);
  document.body.dataset.ready = "true";
}

start();
