"use strict";
// Percept annotate, part of the single-page app (see app.js); scripts share the page's globals.

// ---- Editing: every change goes through commit, which records undo and saves ----

function clone(value) { return JSON.parse(JSON.stringify(value)); }

function historyOf(imageId) {
  if (!app.history.has(imageId)) app.history.set(imageId, { undo: [], redo: [], drawn: -1 });
  return app.history.get(imageId);
}

// Records the current shapes for undo, replaces them and saves. `how.drawn` marks a commit that
// adds a drawn shape; `how.property` an edit of the selection's class or attributes. Property
// edits made to the shape just drawn, before anything else, join its drawing's undo step, so
// one Ctrl+Z takes back a drawn shape with the class and attributes given to it.
function commit(shapes, selected, how = {}) {
  const id = app.current.image.id;
  const record = historyOf(id);
  const joins = how.property && record.drawn >= 0 && record.drawn === app.selected && record.undo.length > 0;
  if (!joins) record.undo.push(clone(app.current.shapes));
  record.redo = [];
  app.current.shapes = shapes;
  if (selected !== undefined) app.selected = selected;
  if (app.selected >= shapes.length) app.selected = -1;
  if (how.drawn) record.drawn = app.selected;
  else if (!joins) record.drawn = -1;
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
  record.drawn = -1;
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
    commit(shapes, undefined, { property: true });
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
