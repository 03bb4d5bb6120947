// The data-entry and target grids: arrows move between cells, Enter moves down (saving as it leaves),
// Tab moves on as usual. Saving itself is htmx's (hx-trigger="change").
(function () {
  "use strict";
  function cellAt(grid, r, c) {
    return grid.querySelector('input[data-r="' + r + '"][data-c="' + c + '"]');
  }
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.r) return;
    var grid = input.closest("table.entry-grid");
    if (!grid) return;
    var r = Number(input.dataset.r), c = Number(input.dataset.c);
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var next = null;
    if (event.key === "ArrowUp") next = cellAt(grid, r - 1, c);
    else if (event.key === "ArrowDown" || event.key === "Enter") next = cellAt(grid, r + 1, c);
    else if (event.key === "ArrowLeft" && atStart) next = cellAt(grid, r, c - 1);
    else if (event.key === "ArrowRight" && atEnd) next = cellAt(grid, r, c + 1);
    else return;
    event.preventDefault();
    if (event.key === "Enter" && !next) input.dispatchEvent(new Event("change", { bubbles: true }));
    if (next) { next.focus(); next.select(); }
  });
  // the focused cell's changes, in the side panel (after a short pause, so that moving quickly
  // through the grid does not ask for every cell passed over)
  var historyTimer = null;
  function showHistory(input) {
    var panel = document.getElementById("history-panel");
    if (!panel || !input.dataset.element || !window.htmx) return;
    var query = new URLSearchParams({
      org: input.dataset.org, element: input.dataset.element, period: input.dataset.period
    });
    window.htmx.ajax("GET", "/entry/history?" + query.toString(), { target: panel, swap: "innerHTML" });
  }
  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.closest("table.entry-grid")) return;
    input.select();
    clearTimeout(historyTimer);
    historyTimer = setTimeout(function () { showHistory(input); }, 150);
  });
})();
