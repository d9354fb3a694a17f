/* The question editor: the fields of the chosen type only, and option rows added and removed
 * (2 to 8). Without JavaScript every row and field shows and the server reads them all the same. */
(function () {
  "use strict";
  var form = document.querySelector("[data-question-editor]");
  if (!form) { return; }
  var kind = form.querySelector("select[name=kind]");
  var rows = form.querySelectorAll("[data-option-row]");
  var MIN = 2;

  function filled(row) { return row.querySelector("input[type=text]").value.trim() !== ""; }

  function showKind() {
    var value = kind.value || "single";
    var parts = form.querySelectorAll("[data-for-kinds]");
    for (var i = 0; i < parts.length; i++) {
      parts[i].hidden = parts[i].getAttribute("data-for-kinds").split(" ").indexOf(value) < 0;
    }
    if (value === "truefalse") {
      rows[0].querySelector("input[type=text]").value = rows[0].querySelector("input[type=text]").value || "Đúng";
      rows[1].querySelector("input[type=text]").value = rows[1].querySelector("input[type=text]").value || "Sai";
    }
  }

  function showRows() {
    var last = MIN - 1;
    for (var i = 0; i < rows.length; i++) { if (filled(rows[i]) || rows[i].getAttribute("data-open")) { last = i; } }
    for (var j = 0; j < rows.length; j++) {
      rows[j].hidden = j > last;
      var extra = form.querySelector("[data-option-extra='" + j + "']");  // the row's picture
      if (extra && j > last) { extra.hidden = true; }
    }
    var add = form.querySelector("[data-add-option]");
    if (add) { add.disabled = last >= rows.length - 1 || kind.value === "truefalse"; }
  }

  form.addEventListener("click", function (event) {
    var target = event.target;
    if (target.hasAttribute("data-add-option")) {
      for (var i = 0; i < rows.length; i++) {
        if (rows[i].hidden) { rows[i].setAttribute("data-open", "1"); rows[i].hidden = false; break; }
      }
      showRows();
    } else if (target.hasAttribute("data-remove-option")) {
      // Removing a row moves the ones below it up, with their key: the key follows its option.
      var row = target.closest("[data-option-row]");
      var index = parseInt(row.getAttribute("data-option-row"), 10);
      var visible = 0;
      for (var k = 0; k < rows.length; k++) { if (!rows[k].hidden) { visible = k + 1; } }
      if (visible <= MIN) { return; }
      for (var r = index; r < rows.length - 1; r++) {
        var here = rows[r].querySelectorAll("input"), next = rows[r + 1].querySelectorAll("input");
        for (var f = 0; f < here.length; f++) {
          if (here[f].type === "radio") { here[f].checked = next[f].checked; } else { here[f].value = next[f].value; }
        }
      }
      // A picture chosen cannot move to another row (a file input is not set by script): the
      // rows from the removed one on start without theirs.
      var files = form.querySelectorAll("[data-option-extra] input[type=file]");
      for (var p = index; p < files.length; p++) { files[p].value = ""; }
      var lastInputs = rows[rows.length - 1].querySelectorAll("input");
      for (var q = 0; q < lastInputs.length; q++) {
        if (lastInputs[q].type === "radio") { lastInputs[q].checked = false; } else { lastInputs[q].value = ""; }
      }
      rows[visible - 1].removeAttribute("data-open");
      rows[visible - 1].hidden = true;
      showRows();
    }
  });
  kind.addEventListener("change", function () { showKind(); showRows(); });
  showKind();
  showRows();
})();
