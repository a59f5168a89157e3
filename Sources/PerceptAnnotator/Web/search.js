"use strict";
// Percept annotate, part of the single-page app (see app.js); scripts share the page's globals.

// ---- Class search: the list shows the matches, arrows move the highlight, Enter picks the
// highlighted row, which is "create class '…'" when no class has the typed name ----

function classQuery() { return $("class-search").value.trim(); }

// The classes whose name contains the query (any case): those starting with it first, each
// group in the class list's order.
function classMatches(query) {
  const wanted = query.toLowerCase();
  if (!wanted) return app.classes.slice();
  const starting = [], containing = [];
  for (const entry of app.classes) {
    const name = entry.name.toLowerCase();
    if (name.startsWith(wanted)) starting.push(entry);
    else if (name.includes(wanted)) containing.push(entry);
  }
  return starting.concat(containing);
}

// What Enter can pick for the current query: the matching classes' ids, then "create" when no
// class is called exactly that (ignoring case).
function searchChoices() {
  const query = classQuery();
  const choices = classMatches(query).map((entry) => entry.id);
  if (query && !app.classes.some((entry) => entry.name.toLowerCase() === query.toLowerCase())) choices.push("create");
  return choices;
}

function createItem(query, highlighted) {
  const item = document.createElement("li");
  item.id = "class-create";
  item.className = "create" + (highlighted ? " highlight" : "");
  item.textContent = `create class '${query}'`;
  item.addEventListener("click", () => pickSearchChoice("create"));
  return item;
}

async function pickSearchChoice(choice) {
  const query = classQuery();
  $("class-search").value = "";
  app.searchIndex = 0;
  $("class-search").blur();
  if (choice === "create") {
    const classes = await saveClasses(app.classes.concat([{ name: query }]));
    const created = classes && classes.find((entry) => entry.name === query);
    if (created) setClassOfSelection(created.id);
  } else if (choice !== undefined) {
    setClassOfSelection(choice);
  }
  renderClasses();
}

function onClassSearchKey(event) {
  const choices = searchChoices();
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    if (!choices.length) return;
    const offset = event.key === "ArrowDown" ? 1 : -1;
    app.searchIndex = (app.searchIndex + offset + choices.length) % choices.length;
    renderClasses();
  } else if (event.key === "Enter") {
    event.preventDefault();
    if (classQuery()) pickSearchChoice(choices[Math.min(app.searchIndex, choices.length - 1)]);
  } else if (event.key === "Escape") {
    $("class-search").value = "";
    app.searchIndex = 0;
    renderClasses();
  }
}

function wireClassSearch() {
  $("class-search").addEventListener("input", () => { app.searchIndex = 0; renderClasses(); });
  $("class-search").addEventListener("keydown", onClassSearchKey);
}
