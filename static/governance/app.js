/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    // Move keyboard and screen-reader focus to a form's error summary.
    var alert = document.querySelector("[data-autofocus]");
    if (alert) alert.focus();

    document.addEventListener("click", function (event) {
      var print = event.target.closest("[data-print]");
      if (print) {
        window.print();
        return;
      }
      var copy = event.target.closest("[data-copy]");
      if (copy) {
        var input = document.querySelector(copy.getAttribute("data-copy"));
        if (!input) return;
        input.select();
        var done = function () {
          var label = copy.textContent;
          copy.textContent = "Copied";
          setTimeout(function () { copy.textContent = label; }, 1500);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(done);
        } else {
          document.execCommand("copy");
          done();
        }
      }
    });

    // A table wider than its card scrolls sideways (in its .table-wrap, or by itself on a
    // phone): with nothing focusable inside, a keyboard user could not scroll it, so the
    // scrolling box takes focus; a wrapper becomes a region named after its section.
    var scrollers = document.querySelectorAll(".table-wrap, .table");
    var focusable = "a[href], button, input, select, textarea, [tabindex]";
    var keyboardScroll = function () {
      scrollers.forEach(function (box) {
        var scrolls = box.scrollWidth > box.clientWidth + 1;
        var wrapper = box.tagName !== "TABLE";
        var section = box.closest("[aria-labelledby]");
        if (scrolls && !box.querySelector(focusable)) {
          box.setAttribute("tabindex", "0");
          if (wrapper) {
            box.setAttribute("role", "region");
            if (section) box.setAttribute("aria-labelledby", section.getAttribute("aria-labelledby"));
            else box.setAttribute("aria-label", "Table");
          }
        } else if (!scrolls && box.getAttribute("tabindex") === "0") {
          box.removeAttribute("tabindex");
          if (wrapper) {
            ["role", "aria-labelledby", "aria-label"].forEach(function (name) { box.removeAttribute(name); });
          }
        }
      });
    };
    keyboardScroll();
    window.addEventListener("resize", keyboardScroll);

    // On a phone an incident table shows one card per incident (the stylesheet): each cell
    // keeps its column's name as data-label, shown above its value there.
    document.querySelectorAll(".table").forEach(function (table) {
      var rows = table.querySelectorAll(':scope > tbody > tr[id^="incident-"]');
      if (!rows.length) return;
      var names = Array.prototype.map.call(
        table.querySelectorAll(":scope > thead th"),
        function (th) { return th.textContent.trim(); }
      );
      rows.forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (cell.tagName === "TD" && !cell.classList.contains("actions") && names[index]) {
            cell.setAttribute("data-label", names[index]);
          }
        });
      });
    });

    // The page keeps the focused field clear of a sticky save bar by its real height (the
    // stylesheet's 6rem is for a one-line bar; a bar that wraps on a phone is taller).
    var bar = document.querySelector(".sticky-actions");
    if (bar) {
      var clearBar = function () {
        document.documentElement.style.scrollPaddingBottom = bar.offsetHeight + 16 + "px";
      };
      clearBar();
      window.addEventListener("resize", clearBar);
    }

    // A tab strip cut off by a narrow screen says so: data-more names the side(s) with more
    // tabs, which the stylesheet fades out.
    var strips = document.querySelectorAll(".section-nav");
    var markMore = function (strip) {
      var before = strip.scrollLeft > 1;
      var after = strip.scrollLeft + strip.clientWidth < strip.scrollWidth - 1;
      var more = before && after ? "both" : before ? "start" : after ? "end" : null;
      if (more) strip.setAttribute("data-more", more);
      else strip.removeAttribute("data-more");
    };
    strips.forEach(function (strip) {
      markMore(strip);
      strip.addEventListener("scroll", function () { markMore(strip); }, { passive: true });
      // The browser scrolls a half-hidden tab no further when it takes focus: bring it clear
      // of the fade (the strip's scroll padding).
      strip.addEventListener("focusin", function (event) {
        event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
      });
    });
    window.addEventListener("resize", function () { strips.forEach(markMore); });

    // Show the custom RRULE field only when "Custom rule" is chosen.
    var repeat = document.getElementById("id_repeat");
    var rrule = document.getElementById("id_rrule");
    if (repeat && rrule) {
      var box = rrule.closest(".field");
      var sync = function () { box.hidden = repeat.value !== "custom"; };
      repeat.addEventListener("change", sync);
      sync();
    }
  });
})();
