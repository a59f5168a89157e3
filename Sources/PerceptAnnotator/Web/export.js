"use strict";
// Percept annotate, part of the single-page app (see app.js); scripts share the page's globals.

// ---- Export dialog: a folder is required; the server resolves it (POST /api/export/check)
// and the dialog shows the absolute path, and whether a folder would be replaced, before the
// user confirms the write ----

let exportChecked = null;  // the request body the shown check answered, until a field changes

function exportRequest() {
  const request = { format: $("export-format").value, target: $("export-target").value.trim(), force: $("export-force").checked };
  if ($("export-finished-only").checked) request.status = ["done", "verified"];
  return request;
}

function resetExportCheck() {
  exportChecked = null;
  $("export-confirm").hidden = true;
  $("export-run").hidden = false;
  $("export-plan").textContent = "";
  $("export-result").textContent = "";
}

async function checkExport(event) {
  event.preventDefault();
  resetExportCheck();
  const request = exportRequest();
  if (!request.target) {
    $("export-plan").textContent = "Choose a folder: an empty path would mean the server's working folder, so it is refused.";
    $("export-target").focus();
    return;
  }
  $("export-plan").textContent = "Checking…";
  let answer;
  try {
    answer = await api("POST", "/api/export/check", request);
  } catch (error) {
    $("export-plan").textContent = "Offline: the server does not answer; nothing was written.";
    return;
  }
  if (answer.status === 404 || answer.status === 405) {
    // A server without the check: it cannot resolve the path, so show it as typed.
    $("export-plan").textContent = `Will write to ${request.target} (as typed; this server cannot check the folder first).`;
  } else if (answer.status !== 200) {
    $("export-plan").textContent = "Refused: " + (answer.data ? answer.data.error : answer.status);
    return;
  } else {
    const plan = answer.data;
    const state = plan.wouldReplace ? "It exists and would be REPLACED." : plan.exists && !plan.empty ? "It exists and is not empty." : plan.exists ? "It exists and is empty." : "It will be created.";
    $("export-plan").textContent = `Will write to ${plan.resolved}\n${state}`;
  }
  exportChecked = JSON.stringify(request);
  $("export-run").hidden = true;
  $("export-confirm").hidden = false;
  $("export-confirm").focus();
}

async function runExport() {
  const request = exportRequest();
  if (JSON.stringify(request) !== exportChecked) return resetExportCheck();
  $("export-confirm").hidden = true;
  $("export-result").textContent = "Exporting…";
  let result;
  try {
    result = await api("POST", "/api/export", request);
  } catch (error) {
    result = { status: 0, data: { error: "the server does not answer" } };
  }
  $("export-run").hidden = false;
  exportChecked = null;
  if (result.status !== 200) {
    $("export-result").textContent = "Failed: " + (result.data ? result.data.error : result.status);
    return;
  }
  const losses = result.data.report.losses.map((loss) => `${loss.effect}: ${loss.count}`);
  $("export-result").textContent = `Wrote ${result.data.target}\n` + (losses.length ? losses.join("\n") : "nothing lost");
}

function wireExport() {
  $("open-export").addEventListener("click", () => { resetExportCheck(); $("export").showModal(); });
  $("export-close").addEventListener("click", () => $("export").close());
  $("export-form").addEventListener("submit", checkExport);
  $("export-confirm").addEventListener("click", runExport);
  for (const id of ["export-format", "export-target", "export-force", "export-finished-only"]) {
    $(id).addEventListener("input", resetExportCheck);
    $(id).addEventListener("change", resetExportCheck);
  }
}
