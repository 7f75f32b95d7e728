// Okno's own script: small enhancements only. Every page works without it.
(function () {
  "use strict";

  // The error summary takes focus when the page loads, so screen reader and
  // keyboard users land on the list of problems (GOV.UK pattern).
  function focusErrorSummary(root) {
    var summary = root.querySelector('[data-module="error-summary"]');
    if (summary) {
      summary.focus();
    }
  }

  // A link in the error summary moves focus to its field and scrolls its
  // label (or legend) into view, which the bare anchor jump would hide.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) {
      return;
    }
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) {
      return;
    }
    event.preventDefault();
    var legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
    var label = legend || document.querySelector("label[for='" + input.id + "']");
    (label || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    focusErrorSummary(document);
  });

  // After htmx swaps in a form with errors, focus its summary too.
  document.addEventListener("htmx:afterSwap", function (event) {
    focusErrorSummary(event.target);
  });
})();
