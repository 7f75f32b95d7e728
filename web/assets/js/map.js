// The public map of appeals and an appeal's place (templates map.html,
// appeal-public.html). Settings come from data-* attributes: the CSP
// forbids inline scripts. Texts from the server are always put in as
// text (textContent), never as HTML. Without tiles (data-tiles empty) the
// map shows district outlines only and works offline.
(function () {
  "use strict";

  var DEFAULT_CENTER = [59.94, 30.31]; // Saint Petersburg, the demo region

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function baseMap(node) {
    var map = L.map(node, { zoomControl: true, keyboard: true, minZoom: 3, maxZoom: 19 });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var tiles = node.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: node.getAttribute("data-attribution") || "" }).addTo(map);
    }
    node.setAttribute("role", "region");
    node.setAttribute("aria-label", node.getAttribute("data-label") || "");
    return map;
  }

  function districts(map, url, fit) {
    if (!url) return;
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (fc) {
      var layer = L.geoJSON(fc, {
        style: { color: "#505a5f", weight: 1.5, fill: true, fillColor: "#f3f2f1", fillOpacity: 0.25 },
        onEachFeature: function (f, l) {
          if (f.properties && f.properties.name) l.bindTooltip(el("span", "", f.properties.name), { sticky: true });
        }
      }).addTo(map);
      layer.bringToBack();
      if (fit && fc.features && fc.features.length) map.fitBounds(layer.getBounds());
    }).catch(function () { /* outlines are decoration: the map works without them */ });
  }

  function markerIcon(status, symbol) {
    var span = el("span", "map-marker map-marker--" + status, symbol);
    span.setAttribute("aria-hidden", "true");
    return L.divIcon({ html: span, className: "map-icon", iconSize: [26, 26], iconAnchor: [13, 13] });
  }

  var SYMBOLS = { open: "!", answered: "?", fixed: "✓", fixed_auto: "✓", not_fixed: "✕" };

  function popup(p, more) {
    var box = el("div", "map-popup");
    var h = el("p", "map-popup__title");
    var a = el("a", "", p.reason);
    a.href = p.url;
    h.appendChild(a);
    box.appendChild(h);
    box.appendChild(el("p", "map-popup__status", p.status_title));
    if (p.address) box.appendChild(el("p", "map-popup__address", p.address));
    if (p.text) box.appendChild(el("p", "map-popup__text", p.text));
    var link = el("a", "map-popup__more", more);
    link.href = p.url;
    box.appendChild(link);
    return box;
  }

  function appealsMap(node) {
    var map = baseMap(node);
    map.setView(DEFAULT_CENTER, 10);
    districts(map, node.getAttribute("data-districts"), true);
    var api = node.getAttribute("data-api");
    var status = document.getElementById(node.id + "-status");
    var more = node.getAttribute("data-more");
    var clusterText = node.getAttribute("data-cluster") || "%d";
    var clusters = L.layerGroup().addTo(map);
    var points = L.markerClusterGroup ? L.markerClusterGroup({ maxClusterRadius: 40, showCoverageOnHover: false }) : L.layerGroup();
    points.addTo(map);
    var seq = 0;

    function say(text) { if (status) status.textContent = text || ""; }

    function load() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(5); }).join(",");
      var url = api + (api.indexOf("?") >= 0 ? "&" : "?") + "bbox=" + encodeURIComponent(bbox) + "&zoom=" + map.getZoom();
      var mine = ++seq;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(function (fc) {
        if (mine !== seq) return; // a newer view is loading
        clusters.clearLayers();
        points.clearLayers();
        (fc.features || []).forEach(function (f) {
          var c = f.geometry.coordinates, p = f.properties || {};
          var at = [c[1], c[0]];
          if (p.kind === "cluster") {
            var label = clusterText.replace("%d", p.count);
            var st = dominant(p.statuses), icon;
            if (p.count === 1) {
              // One appeal: its status's marker; a click zooms to it.
              icon = markerIcon(st, SYMBOLS[st] || "•");
            } else {
              var span = el("span", "map-cluster map-cluster--" + st, p.count);
              span.title = label;
              icon = L.divIcon({ html: span, className: "map-icon", iconSize: [40, 40], iconAnchor: [20, 20] });
            }
            var m = L.marker(at, { icon: icon, title: label, alt: label, keyboard: true });
            m.on("click", function () {
              var bb = p.bbox;
              if (bb && (bb[0] !== bb[2] || bb[1] !== bb[3])) map.fitBounds([[bb[1], bb[0]], [bb[3], bb[2]]], { maxZoom: 18 });
              else map.setView(at, Math.min(map.getZoom() + 3, 18));
            });
            clusters.addLayer(m);
          } else {
            var pm = L.marker(at, { icon: markerIcon(p.status, SYMBOLS[p.status] || "•"), title: p.reason + " — " + p.status_title,
              alt: p.reason, keyboard: true });
            pm.bindPopup(popup(p, more));
            points.addLayer(pm);
          }
        });
        say(fc.truncated ? node.getAttribute("data-truncated") : "");
      }).catch(function () {
        if (mine === seq) say(node.getAttribute("data-failed"));
      });
    }

    map.on("moveend", load);
    load();
  }

  // dominant is the status most appeals of a cluster have: its colour.
  function dominant(statuses) {
    var best = "open", n = -1;
    for (var k in statuses) {
      if (Object.prototype.hasOwnProperty.call(statuses, k) && statuses[k] > n) { best = k; n = statuses[k]; }
    }
    return best;
  }

  function pointMap(node) {
    var lat = parseFloat(node.getAttribute("data-lat")), lon = parseFloat(node.getAttribute("data-lon"));
    if (isNaN(lat) || isNaN(lon)) return;
    var map = baseMap(node);
    map.setView([lat, lon], 15);
    districts(map, node.getAttribute("data-districts"), false);
    L.marker([lat, lon], { icon: markerIcon(node.getAttribute("data-status"), node.getAttribute("data-symbol")), keyboard: false }).addTo(map);
  }

  function start() {
    if (typeof L === "undefined") return;
    var nodes = document.querySelectorAll("[data-map]");
    for (var i = 0; i < nodes.length; i++) {
      var kind = nodes[i].getAttribute("data-map");
      if (kind === "appeals") appealsMap(nodes[i]);
      else if (kind === "point") pointMap(nodes[i]);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
