"use strict";
// Percept annotate, part of the single-page app (see app.js); scripts share the page's globals.

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
  if (!app.current || app.opening !== null || (event.button !== 0 && event.button !== 1)) return;
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
    commit(app.current.shapes.concat([newShape("point", [x, y])]), app.current.shapes.length, { drawn: true });
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
      commit(app.current.shapes.concat([newShape("rect", p)]), app.current.shapes.length, { drawn: true });
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
  commit(app.current.shapes.concat([newShape("polygon", points)]), app.current.shapes.length, { drawn: true });
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
