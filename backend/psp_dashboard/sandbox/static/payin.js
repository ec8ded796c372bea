// PayShack sandbox: the Pay-In page's state and data calls. Fetches one page of pay-ins
// as JSON (decrypting it with WebCrypto AES-GCM when the server sends a string) and hands
// it to the variant's view (payin_view.js). Only the newest request may render.
(function () {
  "use strict";

  const cfg = JSON.parse(document.getElementById("ps-config").textContent);
  const v = cfg.variant;
  const errorBox = document.getElementById("error");
  const errorText = document.getElementById("error-text");
  const SIZES = [10, 25, 50, 100];

  // Without url_state the page forgets everything on reload, like many SPAs.
  const params = new URLSearchParams(v.url_state ? location.search : "");
  const askedLimit = parseInt(params.get("limit") || "", 10);
  const state = {
    page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
    limit: v.size_selector && askedLimit >= 1 && askedLimit <= 100 ? askedLimit : v.page_size,
    from: params.get("dateFrom") || "",
    to: params.get("dateTo") || "",
    status: v.status_filter ? params.get("status") || "" : ""
  };
  let last = null;
  let seq = 0;
  let aesKey = null;

  function query(page) {
    const q = new URLSearchParams({ page: page, limit: state.limit });
    if (state.from) q.set("dateFrom", state.from);
    if (state.to) q.set("dateTo", state.to);
    if (state.status) q.set("status", state.status);
    return q;
  }

  function href(page) {
    return v.url_state && page ? location.pathname + "?" + query(page).toString() : "#";
  }

  const view = window.PayShackView.build(cfg, {
    step(delta) { if (last) go(state.page + delta); },
    go,
    href
  });

  function go(page) {
    if (!last || page < 1 || page > Math.max(1, last.totalPages)) return;
    state.page = page;
    load();
  }

  function b64bytes(text) {
    const bin = atob(text), out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  async function unseal(data) {
    if (typeof data !== "string") return data;
    if (!aesKey) {
      aesKey = await crypto.subtle.importKey("raw", b64bytes(cfg.key), "AES-GCM", false, ["decrypt"]);
    }
    const raw = b64bytes(data);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: raw.slice(0, 12) }, aesKey, raw.slice(12));
    return JSON.parse(new TextDecoder().decode(plain));
  }

  function syncUrl() {
    if (!v.url_state) return;
    const q = query(state.page);
    if (!v.size_selector) q.delete("limit");
    history.replaceState(null, "", location.pathname + "?" + q.toString());
  }

  // The pager may trail the rows (pager_lag_ms): a page that has rendered its rows is
  // not yet a page whose Next button tells the truth.
  function settlePager(mine, data) {
    if (!v.pager_lag_ms) { view.pager.update(data); return; }
    setTimeout(() => { if (mine === seq) view.pager.update(data); }, v.pager_lag_ms);
  }

  async function load() {
    const mine = ++seq;
    view.loading();
    errorBox.hidden = true;
    syncUrl();
    try {
      const resp = await fetch(cfg.dataUrl + "?" + query(state.page).toString(), { credentials: "same-origin" });
      if (resp.status === 401) { location.assign(cfg.loginUrl); return; }
      if (!resp.ok) throw new Error("HTTP " + resp.status);
      const body = await resp.json();
      const data = await unseal(body.data);
      if (mine !== seq) return;  // a newer request superseded this one
      view.rows(data);
      last = data;
      view.settled("ready");
      settlePager(mine, data);
    } catch (err) {
      if (mine !== seq) return;
      errorText.textContent = "Could not load transactions (" + err.message + ").";
      errorBox.hidden = false;
      view.settled("error");
      if (last) view.pager.update(last);
    }
  }

  function apply() {
    const chosen = view.filters.read();
    if (!chosen) return;  // the field shows what it expects
    Object.assign(state, chosen, { page: 1 });
    load();
  }

  view.filters.show(state);
  if (view.filters.apply) view.filters.apply.addEventListener("click", apply);
  if (v.apply === "enter") {
    // No button: Enter in a filter field applies; editing alone changes nothing.
    view.filters.inputs.forEach((input) => input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); apply(); }
    }));
  }
  if (view.sizeSel) {
    view.sizeSel.value = String(SIZES.indexOf(state.limit) >= 0 ? state.limit : v.page_size);
    view.sizeSel.addEventListener("change", () => {
      state.limit = parseInt(view.sizeSel.value, 10);
      state.page = 1;
      load();
    });
  }
  document.getElementById("retry").addEventListener("click", load);
  load();
})();
