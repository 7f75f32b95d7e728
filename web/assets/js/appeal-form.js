// The appeal form (appeal-new.html): everything here is an improvement;
// the form works without it. It counts characters, filters the reasons
// as the citizen types, lets a suggestion choose its reason, picks the
// point on a Leaflet map into the lat/lon inputs, and keeps a double
// click from sending the form twice (the idempotency key would catch it
// anyway).
(function () {
  "use strict";

  function counter() {
    var out = document.getElementById("text-counter");
    if (!out) {
      return;
    }
    var input = document.getElementById(out.getAttribute("data-for"));
    var max = parseInt(out.getAttribute("data-max"), 10);
    var ru = document.documentElement.lang !== "en";
    function update() {
      var n = Array.from(input.value).length;
      var left = max - n;
      if (left >= 0) {
        out.textContent = ru ? "Осталось символов: " + left : left + " characters left";
      } else {
        out.textContent = ru ? "Превышено на " + (-left) + " симв." : (-left) + " characters too many";
      }
      out.classList.toggle("appeal-counter--over", left < 0);
    }
    out.hidden = false;
    input.addEventListener("input", update);
    update();
  }

  function filter() {
    var box = document.querySelector("[data-appeal-filter]");
    if (!box) {
      return;
    }
    var input = box.querySelector("input");
    var none = document.getElementById("reason-filter-none");
    box.hidden = false;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      document.querySelectorAll(".appeal-cat").forEach(function (cat) {
        var catTitle = cat.querySelector("summary").textContent.toLowerCase();
        var any = false;
        cat.querySelectorAll(".appeal-reason").forEach(function (r) {
          var text = (r.textContent + " " + (r.getAttribute("data-keywords") || "")).toLowerCase();
          var hit = q === "" || text.indexOf(q) >= 0 || catTitle.indexOf(q) >= 0;
          r.hidden = !hit;
          any = any || hit;
          shown += hit ? 1 : 0;
        });
        cat.hidden = !any;
        if (q !== "") {
          cat.open = any;
        }
      });
      none.hidden = shown > 0;
    });
  }

  // A suggestion's link chooses its reason (or opens its category).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-choose]");
    if (!link) {
      return;
    }
    var el = document.getElementById(link.getAttribute("data-choose"));
    if (!el) {
      return;
    }
    event.preventDefault();
    var cat = el.closest("details") || (el.tagName === "DETAILS" ? el : null);
    if (cat) {
      cat.hidden = false;
      cat.open = true;
    }
    if (el.type === "radio") {
      el.checked = true;
    }
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
  });

  function map() {
    var box = document.getElementById("appeal-map");
    if (!box || !window.L) {
      return;
    }
    var lat = document.getElementById("f-lat");
    var lon = document.getElementById("f-lon");
    box.hidden = false;
    box.setAttribute("role", "application");
    box.setAttribute("aria-label", box.getAttribute("data-label"));
    var m = window.L.map(box).setView([59.9386, 30.3141], 11);
    var tiles = box.getAttribute("data-tiles");
    if (tiles) {
      window.L.tileLayer(tiles, { maxZoom: 19, attribution: box.getAttribute("data-attribution") || "" }).addTo(m);
    }
    fetch(box.getAttribute("data-outlines"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (fc) {
        if (!fc || !fc.features || !fc.features.length) {
          return;
        }
        var layer = window.L.geoJSON(fc, {
          style: { color: "#15586c", weight: 1, fillOpacity: 0.05 },
          interactive: false
        }).addTo(m);
        if (!marker) {
          m.fitBounds(layer.getBounds());
        }
      })
      .catch(function () {});
    var marker = null;
    function place(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = window.L.circleMarker(latlng, { radius: 9, color: "#b3261e", weight: 3, fillOpacity: 0.6 }).addTo(m);
      }
    }
    function fromInputs() {
      var a = parseFloat(lat.value.replace(",", "."));
      var b = parseFloat(lon.value.replace(",", "."));
      if (!isNaN(a) && !isNaN(b)) {
        place([a, b]);
        return [a, b];
      }
      return null;
    }
    var start = fromInputs();
    if (start) {
      m.setView(start, 16);
    }
    m.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      place(e.latlng);
    });
    lat.addEventListener("change", fromInputs);
    lon.addEventListener("change", fromInputs);
  }

  // The final send: a second click while the first is on its way does
  // nothing.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-once")) {
      return;
    }
    if (button.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
      return;
    }
    button.setAttribute("aria-disabled", "true");
  });

  document.addEventListener("DOMContentLoaded", function () {
    counter();
    filter();
    map();
  });
})();
