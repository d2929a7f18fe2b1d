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
