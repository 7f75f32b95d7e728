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

// Back office (staff-case.html): choosing a reply template fills the
// action's comment when it is empty or still holds a template's text; the
// server does the same for an empty comment when script is off.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-reply-to]")) {
      return;
    }
    var option = select.options[select.selectedIndex];
    var comment = document.getElementById(select.getAttribute("data-reply-to"));
    if (!comment || !option) {
      return;
    }
    if (comment.value.trim() === "" || comment.hasAttribute("data-from-reply")) {
      comment.value = option.getAttribute("data-body") || "";
      comment.setAttribute("data-from-reply", "");
    }
  });
  // Once the official edits it, the text is theirs: another template must not replace it.
  document.addEventListener("input", function (event) {
    if (event.target.removeAttribute) {
      event.target.removeAttribute("data-from-reply");
    }
  });
})();
