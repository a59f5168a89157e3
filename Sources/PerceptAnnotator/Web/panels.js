"use strict";
// Percept annotate, part of the single-page app (see app.js); scripts share the page's globals.

// ---- Panels ----

function renderClasses() {
  const query = classQuery();
  const list = $("class-list");
  list.textContent = "";
  classMatches(query).forEach((entry, rank) => {
    const index = app.classes.indexOf(entry);
    const item = document.createElement("li");
    item.dataset.id = entry.id;
    item.classList.toggle("active", entry.id === app.activeClass);
    item.classList.toggle("highlight", !!query && rank === app.searchIndex);
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
  const choices = searchChoices();
  if (choices[choices.length - 1] === "create") list.append(createItem(query, app.searchIndex === choices.length - 1));
  const select = $("shape-class");
  select.textContent = "";
  for (const entry of app.classes) {
    const option = document.createElement("option");
    option.value = entry.id;
    option.textContent = entry.name;
    select.append(option);
  }
  // Rebuilding the options resets the dropdown to its first class: show the selection's again.
  renderShapePanel();
}

async function loadClasses() {
  const result = await api("GET", "/api/classes");
  if (result.status !== 200) return showError("cannot read the class list");
  app.classes = result.data.classes;
  if (!app.classes.some((entry) => entry.id === app.activeClass)) app.activeClass = app.classes.length ? app.classes[0].id : null;
  renderClasses();
  render();
}

// Sends the whole class list; returns the list the server keeps, or null when it refused.
async function saveClasses(classes) {
  const result = await api("PUT", "/api/classes", { classes: classes.map((c) => ({ id: c.id, name: c.name, color: c.color })) });
  if (result.status !== 200) showError(result.data ? result.data.error : "cannot save the class list");
  else app.classes = result.data.classes;
  if (!app.classes.some((entry) => entry.id === app.activeClass)) app.activeClass = app.classes.length ? app.classes[0].id : null;
  renderClasses();
  render();
  return result.status === 200 ? app.classes : null;
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
  commit(shapes, undefined, { property: true });
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
  if ($("help").open || $("export").open || app.opening !== null) return;
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
  wireClassSearch();
  $("class-add").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("class-new-name").value.trim();
    if (!name) return;
    $("class-new-name").value = "";
    saveClasses(app.classes.concat([{ name, color: $("class-new-color").value }]));
  });
  // After a choice in the Shape panel the keyboard goes back to the shortcuts (a focused
  // dropdown would swallow the next `w`).
  $("shape-class").addEventListener("change", () => {
    $("shape-class").blur();
    setClassOfSelection(Number($("shape-class").value));
  });
  for (const key of ["occluded", "truncated", "difficult"]) {
    $("attr-" + key).addEventListener("change", () => {
      $("attr-" + key).blur();
      editSelected((shape) => { shape.attributes[key] = $("attr-" + key).checked ? 1 : 0; });
    });
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
  wireExport();
}

async function start() {
  // A token given in the URL is now in a cookie; keep it out of the address bar and history.
  if (location.search.includes("token=")) history.replaceState(null, "", location.pathname + location.hash);
  wire();
  setTool("select");
  await wirePrelabel();
  await loadClasses();
  await loadImages();
  const requested = Number(location.hash.slice(1));
  const first = app.images.find((image) => image.id === requested) || app.images.find((image) => image.status === "new") || app.images[0];
  if (first) await openImage(first.id, "replace");
  window.addEventListener("hashchange", followURL);
  window.addEventListener("popstate", followURL);
  document.body.dataset.ready = "true";
}

start();
