// The analytics pages' maps (web/analytics*.go): a choropleth of appeals
// by district on the dashboard, the initiatives' points on the project
// map. Data comes in data-* attributes; the district outlines from the
// public map's GeoJSON. No tiles: the outlines are the map. Without
// JavaScript the pages show the same data as tables.
(function () {
  "use strict";

  function parse(el, name) {
    try { return JSON.parse(el.getAttribute(name) || "null"); } catch (e) { return null; }
  }

  function outlines(el, style, done) {
    fetch(el.getAttribute("data-districts"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (fc) {
        if (!fc || !window.L) { return; }
        var map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
        var layer = L.geoJSON(fc, { style: style, onEachFeature: done }).addTo(map);
        if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); }
        el.oknoMap = map;
        var pts = parse(el, "data-initiatives");
        if (pts) { markers(map, pts); }
      })
      .catch(function () { /* the tables below say the same */ });
  }

  function markers(map, pts) {
    pts.forEach(function (p) {
      var icon = L.divIcon({ className: "analytics-marker analytics-marker--" + p.status, iconSize: [14, 14] });
      var m = L.marker([p.lat, p.lon], { icon: icon, title: p.title, keyboard: true }).addTo(map);
      var a = document.createElement("a");
      a.href = "#initiative-" + p.id;
      a.textContent = p.title + " (" + p.appeals + ")";
      m.bindPopup(a);
    });
  }

  function init() {
    var dash = document.getElementById("analytics-map");
    if (dash) {
      var density = parse(dash, "data-density") || {};
      outlines(dash, function (f) {
        var d = density[String(f.properties.id)];
        return { className: "heat-" + (d ? d[1] : 0) };
      }, function (f, layer) {
        var d = density[String(f.properties.id)];
        layer.bindTooltip(f.properties.name + ": " + (d ? d[0] : 0), { sticky: true });
      });
    }
    var ini = document.getElementById("initiatives-map");
    if (ini) {
      outlines(ini, function () { return { className: "heat-0" }; }, function (f, layer) {
        layer.bindTooltip(f.properties.name, { sticky: true });
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
