/* Công vụ page behaviour. Loaded on every page; no inline scripts (CSP). */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // Selects marked data-autosubmit submit their form when changed (language switch, filters).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]")) { el.form.submit(); }
  });

  // Buttons with data-confirm ask before submitting.
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
  });

  // A "select all" box (data-check-all="form-id") ticks every checkbox of that form, wherever it sits.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches("[data-check-all]")) { return; }
    var selector = 'input[type="checkbox"][name="ids"][form="' + el.getAttribute("data-check-all") + '"]';
    document.querySelectorAll(selector).forEach(function (box) { box.checked = el.checked; });
  });

  // A select with data-follows="unit" offers only the options whose data-unit is the value of the
  // form's unit field (job positions of the unit chosen); an option left hidden is deselected.
  function follow(select) {
    var unit = select.form && select.form.elements[select.getAttribute("data-follows")];
    if (!unit) { return; }
    Array.prototype.forEach.call(select.options, function (option) {
      var other = option.hasAttribute("data-unit") && unit.value !== "" &&
        option.getAttribute("data-unit") !== unit.value;
      option.hidden = other;
      option.disabled = other;
      if (other && option.selected) { select.value = ""; }
    });
  }
  onReady(function () { document.querySelectorAll("select[data-follows]").forEach(follow); });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.form || !el.name) { return; }
    el.form.querySelectorAll('select[data-follows="' + el.name + '"]').forEach(follow);
  });

  // A unit picker (<input data-unit-search="select-id">, rendered hidden before the select): typing
  // narrows the select to the units whose name or code holds every typed word, without diacritics
  // ("so noi vu" finds "Sở Nội vụ"), shown as a short list; Enter or a click picks one, which
  // changes the select as a click on it would (the filter form follows). The chosen unit stays.
  function plain(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function unitPicker(input) {
    var select = document.getElementById(input.getAttribute("data-unit-search"));
    if (!select || input.dataset.wired) { return; }
    input.dataset.wired = "1";
    var all = Array.prototype.slice.call(select.options);
    var keys = all.map(function (option) { return plain(option.text); });
    function narrow() {
      var words = plain(input.value).split(/\s+/).filter(Boolean);
      var value = select.value;
      var found = all.filter(function (option, i) {
        return words.every(function (w) { return keys[i].indexOf(w) !== -1; });
      });
      var shown = all.filter(function (option) {
        return option.value === value || found.indexOf(option) !== -1;
      });
      select.replaceChildren.apply(select, shown);
      select.value = value;
      if (words.length) {
        select.size = Math.min(Math.max(shown.length, 2), 8);  // a short list, not a closed dropdown
      } else {
        select.removeAttribute("size");
      }
      return found.filter(function (option) { return option.value !== ""; });
    }
    function pick(option) {
      select.value = option.value;
      fold();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    input.addEventListener("input", function (event) { event.stopPropagation(); narrow(); });
    // The box itself is no filter: its own change must not submit the form.
    input.addEventListener("change", function (event) { event.stopPropagation(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var found = narrow();
        if (found.length) { pick(found[0]); }
      } else if (event.key === "ArrowDown" && input.value) {
        event.preventDefault();
        select.focus();
      } else if (event.key === "Escape") {
        fold();
      }
    });
    // A unit clicked in the short list (or Enter there) folds it back; arrowing through it keeps it.
    function fold() { if (input.value) { input.value = ""; narrow(); } }
    select.addEventListener("click", function () { if (select.size > 1) { fold(); } });
    select.addEventListener("keydown", function (event) {
      if ((event.key === "Enter" || event.key === "Escape") && select.size > 1) {
        event.preventDefault();
        fold();
      }
    });
    input.hidden = false;
  }
  onReady(function () { document.querySelectorAll("input[data-unit-search]").forEach(unitPicker); });

  // Print buttons (data-print): the browser's own print dialog.
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-print]") : null;
    if (el) { event.preventDefault(); window.print(); }
  });

  // Charts: <canvas data-chart="bar|doughnut|line" data-source="id-of-json-script">.
  var palette = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997", "#ffc107", "#6c757d",
                 "#0dcaf0", "#d63384"];
  function drawCharts(root) {
    if (typeof Chart === "undefined") { return; }
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var source = document.getElementById(canvas.dataset.source);
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var type = canvas.dataset.chart;
      var datasets = data.datasets || [{ label: data.label || "", data: data.values }];
      datasets.forEach(function (ds, i) {
        if (!ds.backgroundColor) {
          ds.backgroundColor = (type === "doughnut" || type === "pie") ? palette : palette[i % palette.length];
        }
      });
      new Chart(canvas, {
        type: type,
        data: { labels: data.labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false,
          indexAxis: canvas.dataset.horizontal ? "y" : "x",
          plugins: { legend: { display: datasets.length > 1 || type === "doughnut" } },
          scales: (type === "doughnut" || type === "pie") ? {} : {
            x: { stacked: !!canvas.dataset.stacked, ticks: { precision: 0 } },
            y: { stacked: !!canvas.dataset.stacked, beginAtZero: true, ticks: { precision: 0 } }
          }
        }
      });
      canvas.dataset.drawn = "1";
    });
  }
  onReady(function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();
