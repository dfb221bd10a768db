// Directory administration page: plain DOM, text only (never innerHTML with data),
// same-origin fetch with the session cookie and the X-CSRF-Token header on changes.

const API = "/api/v1/admin";
const state = { csrf: null, me: null, selected: null, importText: null, regions: [], orgAction: null };
const $ = (id) => document.getElementById(id);

function say(text) {
  $("status").textContent = text;
}

async function call(method, path, body, contentType = "application/json") {
  const headers = {};
  if (state.csrf && method !== "GET") headers["X-CSRF-Token"] = state.csrf;
  const init = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = contentType;
    init.body = contentType === "application/json" ? JSON.stringify(body) : body;
  }
  const response = await fetch(path, init);
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error((data && data.message) || `request failed (${response.status})`);
    error.code = data && data.code;
    error.status = response.status;
    error.details = data && data.details;
    throw error;
  }
  return data;
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  row.append(td);
  return td;
}

function button(label, onClick, className) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  if (className) b.className = className;
  b.addEventListener("click", onClick);
  return b;
}

function showApp(me) {
  state.me = me;
  state.csrf = me.csrf_token;
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("who").hidden = false;
  $("who-name").textContent = `${me.username} (${me.role})`;
  $("nav-accounts").hidden = me.role !== "admin";
  loadServices();
  loadPending();
  loadCreateChoices().catch((e) => say(`Could not load organisations or regions: ${e.message}`));
  if (me.role === "admin") loadAccounts().catch((e) => say(`Could not load accounts: ${e.message}`));
}

// A checkbox per Veilig Thuis region, labelled by code and name (text only).
function renderRegionChoices(box, prefix, checked) {
  box.replaceChildren();
  for (const region of state.regions) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox";
    input.value = region.vt_code;
    input.id = `${prefix}-${region.vt_code}`;
    input.checked = checked.has(region.vt_code);
    label.htmlFor = input.id;
    label.append(input, ` ${region.vt_code} ${region.name}`);
    box.append(label);
  }
}

function checkedRegions(box) {
  return [...box.querySelectorAll("input[type=checkbox]:checked")].map((i) => i.value);
}

async function loadCreateChoices() {
  const [, regions] = await Promise.all([loadOrganizations(), call("GET", `${API}/regions`)]);
  state.regions = regions;
  renderRegionChoices($("svc-areas"), "svc-area", new Set(checkedRegions($("svc-areas"))));
}

// Organisations: the table on the Organisations tab and the choice on the service form
// (a retired organisation is offered for no new service).
async function loadOrganizations() {
  const orgs = await call("GET", `${API}/organizations`);
  const select = $("svc-org");
  const previous = select.value;
  select.replaceChildren();
  for (const org of orgs.filter((o) => !o.retired)) {
    const option = document.createElement("option");
    option.value = org.id;
    option.textContent = org.confidential_sites ? `${org.name} (confidential sites)` : org.name;
    select.append(option);
  }
  if (previous && [...select.options].some((o) => o.value === previous)) select.value = previous;
  renderOrganizationTable(orgs);
}

function activeServices(org) {
  return org.services.filter((s) => s.status === "active");
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function renderOrganizationTable(orgs) {
  const body = $("organization-table").tBodies[0];
  body.replaceChildren();
  for (const org of orgs) {
    const row = document.createElement("tr");
    row.dataset.organizationId = org.id;
    row.dataset.key = org.key;
    row.dataset.retired = String(org.retired);
    if (org.retired) row.className = "retired";
    cell(row, org.name);
    cell(row, org.key);
    cell(row, `${activeServices(org).length} active of ${org.services.length}`);
    let status = "active";
    if (org.retired) {
      status = "retired";
      if (org.retired_at) status += ` ${org.retired_at.slice(0, 10)}`;
      if (org.retired_by) status += ` by ${org.retired_by}`;
    }
    cell(row, status);
    const action = org.retired
      ? button("Reinstate…", () => openOrganizationDialog(org))
      : button("Retire…", () => openOrganizationDialog(org), "danger");
    action.setAttribute("aria-label", `${org.retired ? "Reinstate" : "Retire"} ${org.name}`);
    cell(row, "").append(action);
    body.append(row);
  }
}

// The confirmation says what will happen to what people looking for help are told.
function openOrganizationDialog(org) {
  const retire = !org.retired;
  const active = activeServices(org);
  state.orgAction = { org, retire };
  $("org-dialog-title").textContent = `${retire ? "Retire" : "Reinstate"} ${org.name}?`;
  if (active.length === 0) {
    $("org-dialog-effect").textContent =
      "It has no active services, so what people looking for help are told does not change.";
  } else if (retire) {
    $("org-dialog-effect").textContent =
      `Its ${plural(active.length, "active service")} will at once stop being routed from a postcode ` +
      "(what the chat assistant tells people looking for help) and leave the public service list:";
  } else {
    $("org-dialog-effect").textContent =
      `Its ${plural(active.length, "active service")} will at once be routed from a postcode and ` +
      "listed publicly again:";
  }
  const list = $("org-dialog-services");
  list.replaceChildren();
  for (const svc of active) {
    const li = document.createElement("li");
    li.textContent = `${svc.name} (${svc.kind})`;
    list.append(li);
  }
  $("org-dialog-keep").textContent = retire
    ? "Nothing is deleted: the organisation, its services, phone numbers and history are kept, " +
      "and you can reinstate it later. It is no longer offered for new services."
    : "Services that were retired on their own stay retired.";
  const confirm = $("org-dialog-confirm");
  confirm.textContent = retire ? "Retire organisation" : "Reinstate organisation";
  confirm.className = retire ? "danger" : "";
  confirm.disabled = false;
  $("org-dialog-error").textContent = "";
  $("org-dialog").showModal();
}

async function confirmOrganizationAction() {
  const { org, retire } = state.orgAction;
  const confirm = $("org-dialog-confirm");
  confirm.disabled = true;
  $("org-dialog-error").textContent = "";
  try {
    await call("POST", `${API}/organizations/${encodeURIComponent(org.id)}/${retire ? "retire" : "reinstate"}`);
  } catch (e) {
    // The row is left as it was: the directory answered with an error and changed nothing,
    // or could not be reached and the current state is unknown.
    $("org-dialog-error").textContent = `${retire ? "Not retired" : "Not reinstated"}: ${errorText(e)}. ` +
      (e.status ? "Nothing was changed." : "The directory could not be reached; reload the page to see the current state.");
    confirm.disabled = false;
    return;
  }
  $("org-dialog").close();
  say(retire
    ? `Organisation ${org.name} retired: its services are no longer routed or listed publicly.`
    : `Organisation ${org.name} reinstated: its active services are routed and listed again.`);
  await refresh();
  const row = [...$("organization-table").tBodies[0].rows].find((r) => r.dataset.organizationId === org.id);
  if (row) row.querySelector("button").focus();
}

async function loadAccounts() {
  const accounts = await call("GET", `${API}/accounts`);
  const body = $("account-table").tBodies[0];
  body.replaceChildren();
  for (const account of accounts) {
    const row = document.createElement("tr");
    [account.username, account.role, account.active ? "yes" : "no"].forEach((t) => cell(row, t));
    body.append(row);
  }
}

// The API's message already names each bad field ("phone.number: ..."); shown as text.
function errorText(e) {
  return e.message;
}

function optional(value) {
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function showLogin() {
  state.csrf = null;
  $("login-view").hidden = false;
  $("app-view").hidden = true;
  $("who").hidden = true;
}

async function loadServices() {
  const q = $("search").value.trim();
  const data = await call("GET", `${API}/services${q ? `?q=${encodeURIComponent(q)}` : ""}`);
  const body = $("service-table").tBodies[0];
  body.replaceChildren();
  for (const svc of data.items) {
    const row = document.createElement("tr");
    row.className = "clickable" + (svc.needs_attention ? " attention" : "");
    row.tabIndex = 0;
    row.dataset.serviceId = svc.id;
    row.dataset.key = svc.key;
    cell(row, svc.name);
    cell(row, svc.kind);
    cell(row, svc.organization.retired ? `${svc.status}, organisation retired` : svc.status);
    cell(row, svc.last_verified);
    cell(row, svc.unconfirmed.join(", "));
    cell(row, svc.pending_changes || "");
    const open = () => openService(svc.id);
    row.addEventListener("click", open);
    row.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
    body.append(row);
  }
}

async function openService(id) {
  const svc = await call("GET", `${API}/services/${encodeURIComponent(id)}`);
  state.selected = svc;
  $("detail").hidden = false;
  $("detail-name").textContent = svc.name;
  $("detail-meta").textContent =
    `${svc.kind} · ${svc.organization.name} · ${svc.status} · last verified ${svc.last_verified || "never"}`;
  $("detail-org-retired").hidden = !svc.organization.retired;
  $("detail-unconfirmed").textContent = svc.unconfirmed.join(", ") || "nothing";
  $("detail-regions").textContent =
    (svc.national ? "national" : svc.areas.map((a) => a.name).join(", ")) || "none";
  renderRegionChoices($("areas-choices"), "area", new Set(svc.areas.map((a) => a.vt_code)));
  $("detail-note").value = svc.note;
  const phones = $("detail-phones");
  phones.replaceChildren();
  for (const phone of svc.phones) {
    const li = document.createElement("li");
    const label = document.createElement("label");
    label.textContent = `Number (now ${phone.number})`;
    const input = document.createElement("input");
    input.value = phone.number;
    input.maxLength = 30;
    input.className = "phone-input";
    input.setAttribute("aria-label", `New number for ${phone.number}`);
    label.append(input);
    li.append(label, button("Propose new number", async () => {
      try {
        const result = await call("PATCH", `${API}/services/${svc.id}/phones/${phone.id}`, { number: input.value.trim() });
        say(result.pending ? `Proposed ${input.value.trim()}; waiting for a second administrator.` : "No change.");
        await refresh();
      } catch (e) { say(`Not saved: ${e.message}`); }
    }));
    phones.append(li);
  }
  const pending = $("detail-pending");
  pending.replaceChildren();
  for (const change of svc.pending) {
    const li = document.createElement("li");
    li.textContent = `${change.field}: ${change.old ?? ""} → ${change.new ?? ""} (proposed by ${change.proposed_by})`;
    pending.append(li);
  }
  const history = $("history-table").tBodies[0];
  history.replaceChildren();
  for (const h of svc.history) {
    const row = document.createElement("tr");
    [h.at.replace("T", " ").slice(0, 19), h.by, h.action, h.field, h.old, h.new].forEach((t) => cell(row, t));
    history.append(row);
  }
}

async function loadPending() {
  const items = await call("GET", `${API}/pending`);
  $("pending-count").textContent = items.length ? `(${items.length})` : "";
  const body = $("pending-table").tBodies[0];
  body.replaceChildren();
  for (const change of items) {
    const row = document.createElement("tr");
    row.dataset.changeId = change.id;
    [change.service_name, change.field, change.old, change.new, change.proposed_by].forEach((t) => cell(row, t));
    const actions = cell(row, "");
    const decide = (verb) => async () => {
      try {
        await call("POST", `${API}/pending/${change.id}/${verb}`);
        say(verb === "approve" ? "Approved; the new value is served now." : "Rejected.");
        await refresh();
      } catch (e) { say(`Not done: ${e.message}`); }
    };
    actions.append(button("Approve", decide("approve")), button("Reject", decide("reject"), "danger"));
    body.append(row);
  }
}

async function refresh() {
  await Promise.all([loadServices(), loadPending(), loadOrganizations()]);
  if (state.selected) await openService(state.selected.id);
}

function showTab(name) {
  for (const b of document.querySelectorAll("nav [data-tab]")) {
    b.setAttribute("aria-pressed", String(b.dataset.tab === name));
    $(`tab-${b.dataset.tab}`).hidden = b.dataset.tab !== name;
  }
}

function renderImport(result, error) {
  const box = $("import-result");
  box.replaceChildren();
  const p = document.createElement("p");
  if (error) {
    p.className = "error";
    p.textContent = `${error.message}`;
    box.append(p);
    const list = document.createElement("ul");
    list.id = "import-errors";
    for (const e of (error.details && error.details.errors) || []) {
      const li = document.createElement("li");
      li.textContent = `line ${e.line}: ${e.field}: ${e.reason}`;
      list.append(li);
    }
    box.append(list);
    return;
  }
  const s = result.diff.summary;
  p.textContent = `${result.applied ? "Applied" : "Preview"}: ${s.create} new, ${s.update} changed, ${s.unchanged} unchanged.`;
  box.append(p);
  const list = document.createElement("ul");
  list.id = "import-diff";
  for (const r of result.diff.rows) {
    const li = document.createElement("li");
    const fields = Object.entries(r.changes).map(([f, [o, n]]) => `${f}: ${o ?? ""} → ${n ?? ""}`).join("; ");
    li.textContent = `line ${r.line}: ${r.action} ${r.key} ${fields}` +
      (r.needs_approval.length ? ` (waits for approval: ${r.needs_approval.join(", ")})` : "");
    list.append(li);
  }
  box.append(list);
}

async function runImport(apply) {
  const file = $("import-file").files[0];
  if (!file) { say("Choose a CSV file first."); return; }
  const text = await file.text();
  try {
    const result = await call("POST", `${API}/import${apply ? "?apply=true" : ""}`, text, "text/csv");
    renderImport(result, null);
    $("import-apply").disabled = apply;
    if (apply) await refresh();
  } catch (e) {
    renderImport(null, e);
    $("import-apply").disabled = true;
  }
}

function wire() {
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").textContent = "";
    try {
      const me = await call("POST", `${API}/login`, { username: $("username").value, password: $("password").value });
      $("password").value = "";
      showApp(me);
    } catch (e) {
      $("login-error").textContent = e.message;
    }
  });
  $("logout").addEventListener("click", async () => {
    try { await call("POST", `${API}/logout`); } finally { showLogin(); }
  });
  $("search").addEventListener("input", () => loadServices());
  $("note-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await call("PATCH", `${API}/services/${state.selected.id}`, { note: $("detail-note").value });
      say("Note saved.");
      await refresh();
    } catch (e) { say(`Not saved: ${e.message}`); }
  });
  $("retire-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await call("POST", `${API}/services/${state.selected.id}/retire`);
    } catch (e) { say(`Not retired: ${errorText(e)}`); return; }
    say("Service retired.");
    await refresh();
  });
  $("org-dialog-form").addEventListener("submit", (event) => {
    event.preventDefault();
    confirmOrganizationAction();
  });
  $("org-dialog-cancel").addEventListener("click", () => $("org-dialog").close());
  $("areas-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const codes = checkedRegions($("areas-choices"));
    try {
      const result = await call("PUT", `${API}/services/${state.selected.id}/areas`, { vt_codes: codes });
      say(result.pending ? `Proposed regions ${codes.join(", ") || "none"}; waiting for a second administrator.`
        : "No change.");
      await refresh();
    } catch (e) { say(`Not saved: ${errorText(e)}`); }
  });
  $("org-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("create-error").textContent = "";
    const body = {
      name: $("org-name").value.trim(),
      key: $("org-key").value.trim(),
      confidential_sites: $("org-confidential").checked,
    };
    const website = optional($("org-website").value);
    if (website) body.website = website;
    try {
      const org = await call("POST", `${API}/organizations`, body);
      $("org-form").reset();
      await loadCreateChoices();
      $("svc-org").value = org.id;
      say(`Organisation ${org.name} created.`);
    } catch (e) { $("create-error").textContent = `Organisation not created: ${errorText(e)}`; }
  });
  $("service-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("create-error").textContent = "";
    const body = {
      organization_id: $("svc-org").value,
      key: $("svc-key").value.trim(),
      kind: $("svc-kind").value,
      name: $("svc-name").value.trim(),
      description: $("svc-description").value.trim(),
      national: $("svc-national").checked,
      vt_codes: checkedRegions($("svc-areas")),
    };
    const url = optional($("svc-url").value);
    if (url) body.url = url;
    const phone = optional($("svc-phone").value);
    if (phone) body.phone = { number: phone };
    try {
      const svc = await call("POST", `${API}/services`, body);
      $("service-form").reset();
      renderRegionChoices($("svc-areas"), "svc-area", new Set());
      say(`Service ${svc.name} created` +
        (svc.pending.length ? `; ${svc.pending.map((c) => c.field).join(", ")} waiting for a second administrator.` : "."));
      await refresh();
    } catch (e) { $("create-error").textContent = `Service not created: ${errorText(e)}`; }
  });
  $("account-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("account-error").textContent = "";
    try {
      const account = await call("POST", `${API}/accounts`, {
        username: $("acc-username").value.trim(),
        password: $("acc-password").value,
        role: $("acc-role").value,
      });
      $("account-form").reset();
      say(`Account ${account.username} (${account.role}) created.`);
      await loadAccounts();
    } catch (e) { $("account-error").textContent = `Account not created: ${errorText(e)}`; }
  });
  for (const b of document.querySelectorAll("nav [data-tab]")) {
    b.addEventListener("click", () => showTab(b.dataset.tab));
  }
  $("import-check").addEventListener("click", () => runImport(false));
  $("import-apply").addEventListener("click", () => runImport(true));
  call("GET", `${API}/me`).then(showApp, showLogin);
}

wire();
