// Rescheduling on the Gantt chart, on top of the per-task date form under the chart that
// works without JavaScript: dragging a bar (both dates move) or its right edge (the due
// date), or the arrow keys on a focused bar, fill in that task's form and submit it, so
// the server checks and answers exactly as for dates typed into the form.
(function () {
  "use strict";
  var svg = document.querySelector("svg[data-gantt]");
  if (!svg) return;
  var dayWidth = parseFloat(svg.dataset.dayWidth);
  var status = document.getElementById("gantt-status");
  var DAY = 86400000;

  function parse(text) {
    return text ? Date.parse(text + "T00:00:00Z") : null;
  }
  function format(time) {
    return new Date(time).toISOString().slice(0, 10);
  }

  // A bar's pending change: whole days moved (both ends) and days added to its end.
  function Bar(group) {
    this.group = group;
    this.rect = group.querySelector(".gantt-bar");
    this.handle = group.querySelector(".gantt-handle");
    this.x = parseFloat(this.rect.getAttribute("x"));
    this.width = parseFloat(this.rect.getAttribute("width"));
    this.handleX = parseFloat(this.handle.getAttribute("x"));
    this.start = parse(group.dataset.start);
    this.due = parse(group.dataset.due);
    var begins = this.start !== null ? this.start : this.due;
    var ends = this.due !== null ? this.due : this.start;
    this.begins = begins;
    this.ends = ends;
    this.days = Math.round((ends - begins) / DAY) + 1;
    this.moved = 0;
    this.stretched = 0;
  }
  Bar.prototype.set = function (moved, stretched) {
    this.moved = moved;
    // A bar is at least one day long: the due date never goes before the start.
    this.stretched = Math.max(stretched, 1 - this.days);
    var shift = this.moved * dayWidth;
    var extra = this.stretched * dayWidth;
    this.rect.setAttribute("x", this.x + shift);
    this.rect.setAttribute("width", this.width + extra);
    this.handle.setAttribute("x", this.handleX + shift + extra);
    this.group.classList.toggle("gantt-pending", this.changed());
    this.announce();
  };
  Bar.prototype.changed = function () {
    return this.moved !== 0 || this.stretched !== 0;
  };
  // The dates the form will send; a date the task does not have stays empty unless its
  // end is being stretched (then both ends are needed).
  Bar.prototype.dates = function () {
    var offset = this.moved * DAY;
    var start = this.start !== null ? this.start + offset : null;
    var due = this.due !== null ? this.due + offset : null;
    if (this.stretched !== 0) {
      start = this.begins + offset;
      due = this.ends + offset + this.stretched * DAY;
    }
    return { start: start === null ? "" : format(start), due: due === null ? "" : format(due) };
  };
  Bar.prototype.announce = function () {
    if (!status) return;
    var dates = this.dates();
    status.textContent = this.changed()
      ? this.group.dataset.title + ": " + (dates.start || "—") + " → " + (dates.due || "—") +
        " (" + status.dataset.pending + ")"
      : "";
  };
  Bar.prototype.save = function () {
    var form = document.getElementById("schedule-" + this.group.dataset.ganttTask);
    if (!form || !this.changed()) return;
    var dates = this.dates();
    form.elements.start.value = dates.start;
    form.elements.due.value = dates.due;
    form.submit();
  };

  var bars = new Map();
  svg.querySelectorAll(".gantt-editable").forEach(function (group) {
    bars.set(group, new Bar(group));
  });

  svg.addEventListener("keydown", function (event) {
    var bar = bars.get(event.target);
    if (!bar) return;
    var step = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
    if (step) {
      event.preventDefault();
      if (event.shiftKey) bar.set(bar.moved, bar.stretched + step);
      else bar.set(bar.moved + step, bar.stretched);
    } else if (event.key === "Enter" && bar.changed()) {
      event.preventDefault();
      bar.save();
    } else if (event.key === "Escape") {
      bar.set(0, 0);
    }
  });

  var drag = null;
  svg.addEventListener("pointerdown", function (event) {
    var group = event.target.closest(".gantt-editable");
    var bar = group && bars.get(group);
    if (!bar || event.button !== 0 || event.target.closest("a")) return;
    event.preventDefault();
    group.focus();
    drag = {
      bar: bar,
      edge: event.target === bar.handle,
      x: event.clientX,
      // Screen pixels per SVG unit: the chart may be scaled by its container.
      scale: svg.getScreenCTM().a,
      moved: bar.moved,
      stretched: bar.stretched,
    };
    event.target.setPointerCapture(event.pointerId);
  });
  svg.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var days = Math.round((event.clientX - drag.x) / drag.scale / dayWidth);
    if (drag.edge) drag.bar.set(drag.moved, drag.stretched + days);
    else drag.bar.set(drag.moved + days, drag.stretched);
  });
  function drop() {
    if (!drag) return;
    var bar = drag.bar;
    drag = null;
    bar.save();
  }
  svg.addEventListener("pointerup", drop);
  svg.addEventListener("pointercancel", function () {
    if (drag) drag.bar.set(drag.moved, drag.stretched);
    drag = null;
  });
})();
