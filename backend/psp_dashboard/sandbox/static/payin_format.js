// PayShack sandbox: how the Pay-In page writes numbers, rupees and times. Times arrive as
// strict ISO-8601 UTC and are shown in IST; anything unparseable is shown as sent, the
// way a real dashboard leaks a bad record.
(function () {
  "use strict";

  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const IST_MS = 19800000;

  const pad = (n) => (n < 10 ? "0" : "") + n;

  function groupIndian(digits) {
    if (digits.length <= 3) return digits;
    let head = digits.slice(0, -3);
    const parts = [];
    while (head.length > 2) { parts.unshift(head.slice(-2)); head = head.slice(0, -2); }
    if (head) parts.unshift(head);
    return parts.join(",") + "," + digits.slice(-3);
  }

  function groupInternational(digits) {
    return digits.replace(/\B(?=(\d{3})+$)/g, ",");
  }

  function count(n, grouping) {
    const digits = String(Math.max(0, Math.trunc(n)));
    return grouping === "international" ? groupInternational(digits) : groupIndian(digits);
  }

  // Rupees always use Indian grouping: that is what an Indian dashboard shows.
  function money(value, symbol, missing) {
    if (value === null || value === undefined) return missing;
    if (typeof value !== "number" || !isFinite(value)) return String(value);
    const fixed = Math.abs(value).toFixed(2).split(".");
    return (value < 0 ? "-" : "") + symbol + groupIndian(fixed[0]) + "." + fixed[1];
  }

  function parseIso(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?Z$/.exec(text || "");
    if (!m) return null;
    const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    const d = new Date(ms);
    if (d.getUTCDate() !== +m[3] || d.getUTCHours() !== +m[4] || d.getUTCMinutes() !== +m[5]) return null;
    return new Date(ms + IST_MS);
  }

  const TIME = {
    long(d) {  // 04 Mar 2026, 05:25:14 AM
      const h = d.getUTCHours();
      return pad(d.getUTCDate()) + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear() + ", " +
        pad(h % 12 || 12) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds()) + " " + (h >= 12 ? "PM" : "AM");
    },
    iso(d) {  // 2026-03-04 05:25:14
      return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
        pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
    },
    numeric(d) {  // 04/03/2026 05:25:14
      return pad(d.getUTCDate()) + "/" + pad(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear() + " " +
        pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
    }
  };

  function time(value, format, missing) {
    if (value === null || value === undefined) return missing;
    const d = parseIso(value);
    return d ? TIME[format](d) : String(value);
  }

  // "dd/mm/yyyy" (what the text date fields ask for) → "yyyy-mm-dd"; "" stays "";
  // null when it is not a real calendar day.
  function dmyToIso(text) {
    const t = String(text || "").trim();
    if (!t) return "";
    const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
    if (!m) return null;
    const d = new Date(Date.UTC(+m[3], +m[2] - 1, +m[1]));
    if (d.getUTCFullYear() !== +m[3] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[1]) return null;
    return m[3] + "-" + pad(+m[2]) + "-" + pad(+m[1]);
  }

  function isoToDmy(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : "";
  }

  window.PayShackFormat = { count, money, time, dmyToIso, isoToDmy };
})();
