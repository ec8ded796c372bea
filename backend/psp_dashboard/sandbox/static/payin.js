// PayShack sandbox: the Pay-In page. Fetches one page of pay-ins as JSON (decrypting it
// with WebCrypto AES-GCM when the server sends a string), then renders the table the way
// an Indian dashboard shows it: rupees with Indian digit grouping and IST times.
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("ps-config").textContent);
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var IST_MS = 19800000;
  var table = document.getElementById("payins");
  var tbody = table.querySelector("tbody");
  var summary = document.getElementById("summary");
  var errorBox = document.getElementById("error");
  var errorText = document.getElementById("error-text");
  var prevBtn = document.getElementById("prev");
  var nextBtn = document.getElementById("next");
  var pageNo = document.getElementById("page-no");
  var sizeSel = document.getElementById("page-size");
  var fromInput = document.getElementById("date-from");
  var toInput = document.getElementById("date-to");
  var params = new URLSearchParams(location.search);
  var state = {
    page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
    limit: parseInt(params.get("limit") || "10", 10) || 10,
    from: params.get("dateFrom") || "",
    to: params.get("dateTo") || ""
  };
  var last = null;
  var seq = 0;
  var aesKey = null;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function groupIndian(digits) {
    if (digits.length <= 3) return digits;
    var head = digits.slice(0, -3), parts = [];
    while (head.length > 2) { parts.unshift(head.slice(-2)); head = head.slice(0, -2); }
    if (head) parts.unshift(head);
    return parts.join(",") + "," + digits.slice(-3);
  }

  function money(value, symbol) {
    if (value === null || value === undefined) return "—";
    if (typeof value !== "number" || !isFinite(value)) return String(value);
    var fixed = Math.abs(value).toFixed(2).split(".");
    return (value < 0 ? "-" : "") + symbol + groupIndian(fixed[0]) + "." + fixed[1];
  }

  // Strict ISO-8601 UTC parsing: anything else is shown as sent.
  function parseIso(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?Z$/.exec(text || "");
    if (!m) return null;
    var ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    var d = new Date(ms);
    if (d.getUTCDate() !== +m[3] || d.getUTCHours() !== +m[4] || d.getUTCMinutes() !== +m[5]) return null;
    return new Date(ms + IST_MS);
  }

  function longIst(text) {  // 15 Jan 2026, 09:16:46 PM
    var d = parseIso(text);
    if (!d) return text == null ? "" : String(text);
    var h = d.getUTCHours(), ampm = h >= 12 ? "PM" : "AM";
    h = h % 12 || 12;
    return pad(d.getUTCDate()) + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear() + ", " +
      pad(h) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds()) + " " + ampm;
  }

  function shortIst(text) {  // 15/01/2026 21:16:46
    var d = parseIso(text);
    if (!d) return text == null ? "" : String(text);
    return pad(d.getUTCDate()) + "/" + pad(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear() + " " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
  }

  function badgeClass(status) {
    var s = String(status || "").toLowerCase();
    if (s === "success") return "success";
    if (s === "failed" || s === "tampered") return "failed";
    if (s === "refunded" || s === "cb_refunded") return "refunded";
    return "pending";
  }

  function b64bytes(text) {
    var bin = atob(text), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  async function unseal(data) {
    if (typeof data !== "string") return data;
    if (!aesKey) {
      aesKey = await crypto.subtle.importKey("raw", b64bytes(cfg.key), "AES-GCM", false, ["decrypt"]);
    }
    var raw = b64bytes(data);
    var plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: raw.slice(0, 12) }, aesKey, raw.slice(12));
    return JSON.parse(new TextDecoder().decode(plain));
  }

  // Cells follow cfg.columns (the server may rename, reorder or hide columns).
  var FORMATS = {
    amount: function (t) { return money(t.amount, "₹"); },
    paidAmount: function (t) { return money(t.paidAmount, ""); },
    utr: function (t) { return t.utr || "—"; },
    createdAt: function (t) { return longIst(t.createdAt); },
    modifiedAt: function (t) { return shortIst(t.modifiedAt); }
  };
  var NUMERIC = { amount: true, paidAmount: true };

  function cell(row, text, cls) {
    var td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function render(data) {
    var frag = document.createDocumentFragment();
    data.transactions.forEach(function (t) {
      var tr = document.createElement("tr");
      cfg.columns.forEach(function (col) {
        if (col.key === "txnStatus") {
          var badge = document.createElement("span");
          badge.className = "badge " + badgeClass(t.txnStatus);
          badge.textContent = t.txnStatus;
          cell(tr, "").appendChild(badge);
        } else {
          var format = FORMATS[col.key];
          cell(tr, format ? format(t) : t[col.key], NUMERIC[col.key] ? "num" : "");
        }
      });
      frag.appendChild(tr);
    });
    tbody.replaceChildren(frag);
    var first = data.totalRecords ? (data.currentPageNo - 1) * data.perPage + 1 : 0;
    var lastRow = data.totalRecords ? first + data.transactions.length - 1 : 0;
    summary.textContent = "Showing " + groupIndian(String(first)) + "–" + groupIndian(String(lastRow)) +
      " of " + groupIndian(String(data.totalRecords));
    pageNo.textContent = "Page " + data.currentPageNo + " of " + Math.max(1, data.totalPages);
    prevBtn.disabled = data.currentPageNo <= 1;
    nextBtn.disabled = !data.nextPage;
    last = data;
  }

  function syncUrl() {
    var q = new URLSearchParams();
    q.set("page", state.page);
    q.set("limit", state.limit);
    if (state.from) q.set("dateFrom", state.from);
    if (state.to) q.set("dateTo", state.to);
    history.replaceState(null, "", location.pathname + "?" + q.toString());
  }

  async function load() {
    var mine = ++seq;
    table.setAttribute("aria-busy", "true");
    table.dataset.state = "loading";
    prevBtn.disabled = true;
    nextBtn.disabled = true;
    errorBox.hidden = true;
    syncUrl();
    var q = new URLSearchParams({ page: state.page, limit: state.limit });
    if (state.from) q.set("dateFrom", state.from);
    if (state.to) q.set("dateTo", state.to);
    try {
      var resp = await fetch(cfg.dataUrl + "?" + q.toString(), { credentials: "same-origin" });
      if (resp.status === 401) { location.assign(cfg.loginUrl); return; }
      if (!resp.ok) throw new Error("HTTP " + resp.status);
      var body = await resp.json();
      var data = await unseal(body.data);
      if (mine !== seq) return;  // a newer request superseded this one
      render(data);
      table.dataset.state = "ready";
    } catch (err) {
      if (mine !== seq) return;
      errorText.textContent = "Could not load transactions (" + err.message + ").";
      errorBox.hidden = false;
      table.dataset.state = "error";
      if (last) { prevBtn.disabled = last.currentPageNo <= 1; nextBtn.disabled = !last.nextPage; }
    } finally {
      if (mine === seq) table.setAttribute("aria-busy", "false");
    }
  }

  sizeSel.value = String(state.limit);
  fromInput.value = state.from;
  toInput.value = state.to;
  sizeSel.addEventListener("change", function () { state.limit = parseInt(sizeSel.value, 10); state.page = 1; load(); });
  document.getElementById("apply").addEventListener("click", function () {
    state.from = fromInput.value; state.to = toInput.value; state.page = 1; load();
  });
  prevBtn.addEventListener("click", function () { if (state.page > 1) { state.page -= 1; load(); } });
  nextBtn.addEventListener("click", function () { if (last && last.nextPage) { state.page = last.nextPage; load(); } });
  document.getElementById("retry").addEventListener("click", load);
  load();
})();
