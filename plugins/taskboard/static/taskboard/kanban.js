// Drag and drop on the kanban, on top of the per-card "Move" form that works without
// JavaScript: dropping a card on a column picks that column in the card's form and
// submits it, so the server checks and answers exactly as for the keyboard path.
(function () {
  "use strict";
  var board = document.querySelector("[data-taskboard]");
  if (!board) return;
  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".taskboard-card");
    if (!card) return;
    event.dataTransfer.setData("text/plain", card.dataset.task);
    event.dataTransfer.effectAllowed = "move";
  });
  board.querySelectorAll(".taskboard-column").forEach(function (column) {
    column.addEventListener("dragover", function (event) {
      event.preventDefault();
      column.classList.add("taskboard-drop");
    });
    column.addEventListener("dragleave", function () {
      column.classList.remove("taskboard-drop");
    });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      column.classList.remove("taskboard-drop");
      var id = event.dataTransfer.getData("text/plain");
      var card = board.querySelector('.taskboard-card[data-task="' + CSS.escape(id) + '"]');
      var form = card && card.querySelector("form.taskboard-move");
      if (!form || form.status.value === column.dataset.status) return;
      form.status.value = column.dataset.status;
      form.submit();
    });
  });
})();
