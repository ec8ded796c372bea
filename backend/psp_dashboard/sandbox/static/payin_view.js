// PayShack sandbox: builds the Pay-In page's controls, rows and pager for one layout
// variant (cfg.variant, see dashboard_variants.py). Different dashboards name and nest
// the same things differently; this file is where those differences live, so that
// payin.js (state, fetching) is the same for every variant.
(function () {
  "use strict";

  const F = window.PayShackFormat;
  const SIZES = [10, 25, 50, 100];
  const STATUSES = ["Success", "Failed", "Tampered", "INITIATED", "Pending", "In Process",
    "Incomplete", "Refunded", "Cb_Refunded"];

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ----- filters --------------------------------------------------------------------

  function dateInputs(v) {
    const text = v.date_filter === "placeholder";
    const attrs = (id) => text
      ? { id, type: "text", placeholder: "dd/mm/yyyy", inputmode: "numeric", autocomplete: "off", size: 10 }
      : { id, type: "date" };
    return [el("input", attrs("date-from")), el("input", attrs("date-to"))];
  }

  function buildFilters(section, v) {
    const [from, to] = dateInputs(v);
    const group = el("span", { class: "field-group" });
    if (v.date_filter === "two-labels") {
      group.append(el("label", { for: "date-from" }, "From"), from, el("label", { for: "date-to" }, "To"), to);
    } else {
      // One caption for the pair (or none): the inputs carry no label of their own.
      if (v.date_filter === "one-label") {
        group.append(el("label", { class: "range-label" }, v.filter_zone === "UTC" ? "Date range (UTC):" : "Date range:"));
      }
      group.append(from, el("span", { class: "dash", "aria-hidden": "true" }, "–"), to);
    }
    section.append(group);
    if (v.filter_zone === "UTC" && v.date_filter !== "one-label") {
      section.append(el("span", { class: "hint" }, "Dates in UTC"));
    }
    let status = null;
    if (v.status_filter) {
      status = el("select", { id: "status-filter" });
      status.append(el("option", { value: "" }, "All statuses"));
      STATUSES.forEach((s) => status.append(el("option", { value: s }, s)));
      const field = el("span", { class: "field-group" });
      field.append(el("label", { for: "status-filter" }, "Status"), status);
      section.append(field);
    }
    let apply = null;
    if (v.apply !== "enter") {
      apply = el("button", { type: "button", id: "apply" }, v.apply === "search" ? "Search" : "Apply");
      section.append(apply);
    }
    const dateError = el("span", { class: "field-error", hidden: "" }, "Enter dates as dd/mm/yyyy");
    section.append(dateError);

    return {
      inputs: [from, to].concat(status ? [status] : []),
      apply,
      read() {
        const f = v.date_filter === "placeholder" ? F.dmyToIso(from.value) : from.value;
        const t = v.date_filter === "placeholder" ? F.dmyToIso(to.value) : to.value;
        dateError.hidden = f !== null && t !== null;
        if (!dateError.hidden) return null;
        return { from: f, to: t, status: status ? status.value : "" };
      },
      show(state) {
        from.value = v.date_filter === "placeholder" ? F.isoToDmy(state.from) : state.from;
        to.value = v.date_filter === "placeholder" ? F.isoToDmy(state.to) : state.to;
        if (status) status.value = state.status;
      }
    };
  }

  function buildSizeSelect(v) {
    const sel = el("select", { id: "page-size", "aria-label": v.size_options === "per-page" ? "Page size" : null });
    SIZES.forEach((n) => {
      const text = v.size_options === "per-page" ? n + " / page" : v.size_options === "show" ? "Show " + n : String(n);
      sel.append(el("option", { value: String(n) }, text));
    });
    return sel;
  }

  // ----- table ----------------------------------------------------------------------

  // The server sends the table's shell (element, header row, empty body); rows are ours.
  const CELLS = {
    table: { row: "tr", cell: "td" },
    grid: { row: "div", cell: "div", role: "gridcell" },
    "aria-table": { row: "div", cell: "div", role: "cell" }
  };

  function adoptTable(v, columns) {
    const layout = CELLS[v.table];
    const root = document.getElementById("payins");
    const body = root.querySelector("tbody, .tbody");

    function rowOf(t, cellOf) {
      const tr = el(layout.row, layout.role ? { role: "row", class: "tr" } : {});
      columns.forEach((col) => {
        const td = el(layout.cell, layout.role ? { role: layout.role, class: "td" } : {});
        cellOf(col, t, td);
        tr.append(td);
      });
      return tr;
    }
    return { root, body, rowOf };
  }

  // ----- pager ----------------------------------------------------------------------

  function statusClass(status) {
    const s = String(status || "").toLowerCase();
    if (s === "success") return "success";
    if (s === "failed" || s === "tampered") return "failed";
    if (s === "refunded" || s === "cb_refunded") return "refunded";
    return "pending";
  }

  function stepControl(v, which, onStep) {
    const isNext = which === "next";
    let node;
    if (v.next === "link") {
      // role=link: without an href an <a> would drop out of the accessibility tree.
      node = el("a", { class: "page-link", id: which, role: "link", "aria-disabled": "true" }, isNext ? "Next" : "Previous");
    } else if (v.next === "icon") {
      node = el("button", { type: "button", id: which, class: "icon", "aria-label": isNext ? "Next page" : "Previous page", disabled: "" });
      node.append(el("span", { "aria-hidden": "true" }, isNext ? "›" : "‹"));
    } else {
      node = el("button", { type: "button", id: which, disabled: "" }, isNext ? "Next" : "Previous");
    }
    node.addEventListener("click", (event) => {
      event.preventDefault();  // links too: the page fetches instead of navigating
      if (node.disabled || node.getAttribute("aria-disabled") === "true") return;
      onStep(isNext ? 1 : -1);
    });
    return {
      set(enabled, href) {
        if (v.next !== "link") { node.disabled = !enabled; return; }
        if (enabled) { node.removeAttribute("aria-disabled"); node.setAttribute("href", href); }
        else { node.setAttribute("aria-disabled", "true"); node.removeAttribute("href"); }
      },
      node
    };
  }

  // First, last and current±2, with "…" where pages are skipped.
  function pageList(current, last) {
    const pages = [];
    for (let p = 1; p <= last; p++) {
      if (p === 1 || p === last || Math.abs(p - current) <= 2) pages.push(p);
    }
    return pages;
  }

  function buildPager(nav, v, hooks) {
    const showsPageOf = v.totals === "page-of" || ((v.totals === "showing" || v.totals === "records") && v.next !== "numbered");
    const pageNo = showsPageOf ? el("span", { id: "page-no", class: "page-no" }) : null;
    let prev = null, next = null, numbers = null;
    if (v.next === "numbered") {
      numbers = el("span", { class: "pages" });
      nav.append(numbers);
      if (pageNo) nav.append(pageNo);
    } else {
      prev = stepControl(v, "prev", hooks.step);
      next = stepControl(v, "next", hooks.step);
      nav.append(prev.node);
      if (pageNo) nav.append(pageNo);
      nav.append(next.node);
    }

    function renumber(current, last, enabled) {
      numbers.replaceChildren();
      let before = 0;
      pageList(current, last).forEach((p) => {
        if (before && p > before + 1) numbers.append(el("span", { class: "gap" }, "…"));
        const b = el("button", { type: "button", class: "page-num", "aria-current": p === current ? "page" : null, disabled: enabled ? null : "" }, String(p));
        b.addEventListener("click", () => { if (!b.disabled && p !== current) hooks.go(p); });
        numbers.append(b);
        before = p;
      });
    }

    // Page numbers are grouped only where they are the page's totals ("page-of").
    const pageCount = (n) => (v.totals === "page-of" ? F.count(n, v.grouping) : String(n));
    return {
      disable() {
        nav.querySelectorAll("button, select").forEach((c) => { c.disabled = true; });
        if (prev) { prev.set(false); next.set(false); }
      },
      update(data) {
        nav.querySelectorAll("select").forEach((c) => { c.disabled = false; });
        const last = Math.max(1, data.totalPages);
        if (pageNo) pageNo.textContent = "Page " + pageCount(data.currentPageNo) + " of " + pageCount(last);
        if (numbers) renumber(data.currentPageNo, last, true);
        if (prev) {
          prev.set(data.currentPageNo > 1, hooks.href(data.currentPageNo - 1));
          next.set(!!data.nextPage, hooks.href(data.nextPage));
        }
      }
    };
  }

  function summaryText(v, data) {
    const g = (n) => F.count(n, v.grouping);
    if (v.totals === "records") return g(data.totalRecords) + (data.totalRecords === 1 ? " record" : " records");
    const first = data.totalRecords ? (data.currentPageNo - 1) * data.perPage + 1 : 0;
    const lastRow = data.totalRecords ? first + data.transactions.length - 1 : 0;
    return "Showing " + g(first) + "–" + g(lastRow) + " of " + g(data.totalRecords);
  }

  // ----- the page -------------------------------------------------------------------

  function build(cfg, hooks) {
    const v = cfg.variant;
    const root = document.querySelector(".payin");
    const filters = buildFilters(root.querySelector(".filters"), v);
    const sizeSel = v.size_selector ? buildSizeSelect(v) : null;
    if (sizeSel && v.size_options === "plain") {
      root.querySelector(".filters").append(el("label", { for: "page-size" }, "Rows per page"), sizeSel);
    }
    let summary = null;
    if (v.totals === "showing" || v.totals === "records") {
      summary = el("p", { id: "summary", role: "status", "aria-live": "polite" }, "Loading…");
      root.querySelector(".filters").after(summary);
    }
    const table = adoptTable(v, cfg.columns);
    const pagerNav = root.querySelector(".pager");
    const pager = buildPager(pagerNav, v, hooks);
    if (sizeSel && v.size_options !== "plain") pagerNav.append(sizeSel);  // footer style: after the pages

    const missing = v.missing;
    const FORMAT = {
      money: (col, t) => F.money(t[col.key], col.key === "paidAmount" ? "" : "₹", missing),
      time: (col, t) => F.time(t[col.key], col.key === "createdAt" ? v.created_format : v.modified_format, missing),
      text: (col, t) => {
        const value = t[col.key];
        if (col.key === "utr") return value || missing;
        return value === null || value === undefined ? "" : String(value);
      }
    };
    function fillCell(col, t, td) {
      if (col.kind === "status") {
        td.append(el("span", { class: "badge " + statusClass(t.txnStatus) }, t.txnStatus == null ? "" : String(t.txnStatus)));
        return;
      }
      td.textContent = FORMAT[col.kind](col, t);
      if (col.kind === "money") td.classList.add("num");
    }

    return {
      filters,
      sizeSel,
      loading() {
        table.root.setAttribute("aria-busy", "true");
        table.root.dataset.state = "loading";
        pager.disable();
      },
      rows(data) {
        const frag = document.createDocumentFragment();
        data.transactions.forEach((t) => frag.append(table.rowOf(t, fillCell)));
        table.body.replaceChildren(frag);
        if (summary) summary.textContent = summaryText(v, data);
      },
      settled(state) {
        table.root.dataset.state = state;
        table.root.setAttribute("aria-busy", "false");
      },
      pager
    };
  }

  window.PayShackView = { build };
})();
