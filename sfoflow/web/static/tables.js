// Narrow screens: a table wider than the page scrolls inside itself (app.css); give each such
// table keyboard access and a name, so it can be scrolled without a mouse (WCAG 2.1.1, axe
// "scrollable-region-focusable"). Runs on load and when the window changes size.
(function () {
  function label(table) {
    var caption = table.querySelector("caption");
    return caption ? caption.textContent.trim() : "Table";
  }
  function mark() {
    var tables = document.querySelectorAll(".govuk-main-wrapper .govuk-table");
    for (var i = 0; i < tables.length; i++) {
      var t = tables[i];
      if (t.scrollWidth > t.clientWidth + 1) {
        if (!t.hasAttribute("tabindex")) { t.setAttribute("tabindex", "0"); t.setAttribute("data-sfo-scroll", "1"); }
        if (!t.hasAttribute("aria-label")) { t.setAttribute("aria-label", label(t) + " (scrolls sideways)"); }
      } else if (t.getAttribute("data-sfo-scroll") === "1") {
        t.removeAttribute("tabindex"); t.removeAttribute("data-sfo-scroll");
      }
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mark); } else { mark(); }
  window.addEventListener("resize", mark);
})();
