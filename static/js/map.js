// Progressive enhancement: addresses, directions links and the list of results already work
// without a map. Loaded only when the site has a tile server configured (settings.MAP_TILE_URL).
(function () {
  "use strict";
  if (typeof L === "undefined") return;

  function number(value) {
    var parsed = parseFloat(value);
    return isNaN(parsed) ? null : parsed;
  }

  function tiledMap(element) {
    var data = element.dataset;
    // Static files carry hashed names, so Leaflet cannot guess its marker images from its CSS
    // path: give it whole URLs, and an empty image path so it does not put its guess in front.
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({
      iconUrl: data.iconUrl,
      iconRetinaUrl: data.iconRetinaUrl,
      shadowUrl: data.shadowUrl
    });
    element.classList.add("map-ready");
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(data.tileUrl, { maxZoom: 19, attribution: data.attribution }).addTo(map);
    return map;
  }

  // A meeting's page: its place.
  var meetingMap = document.getElementById("meeting-map");
  if (meetingMap) {
    var point = [number(meetingMap.dataset.lat), number(meetingMap.dataset.lng)];
    if (point[0] !== null && point[1] !== null) {
      var map = tiledMap(meetingMap).setView(point, 16);
      L.marker(point, { alt: meetingMap.dataset.label }).addTo(map)
        .bindPopup(document.createTextNode(meetingMap.dataset.label));
    }
  }

  // A page of results: a list/map switch; the map shows each result with a place, each marker
  // linking to its meeting, and the place searched with the radius around it.
  var resultsMap = document.getElementById("results-map");
  var list = document.querySelector(".results .result-list");
  var switcher = document.querySelector(".view-switch");
  if (!resultsMap || !list || !switcher) return;
  var drawn = null;

  function draw() {
    var map = tiledMap(resultsMap);
    var bounds = L.latLngBounds([]);
    list.querySelectorAll(".result[data-lat]").forEach(function (item) {
      var at = [number(item.dataset.lat), number(item.dataset.lng)];
      var link = item.querySelector("h3 a");
      if (at[0] === null || at[1] === null || !link) return;
      var popup = document.createElement("a");
      popup.href = link.href;
      popup.textContent = link.textContent;
      L.marker(at, { alt: link.textContent, title: link.textContent }).addTo(map).bindPopup(popup);
      bounds.extend(at);
    });
    var data = resultsMap.dataset;
    var searched = [number(data.lat), number(data.lng)];
    if (searched[0] !== null && searched[1] !== null) {
      var metres = number(data.radiusKm) * 1000;
      L.circle(searched, { radius: metres, weight: 2, fill: false }).addTo(map);
      L.circleMarker(searched, { radius: 6, weight: 2, fillOpacity: 1 }).addTo(map);
      bounds.extend(L.latLng(searched).toBounds(2 * metres));
    }
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16] });
    } else {
      map.setView([20, 0], 2);
    }
    return map;
  }

  function show(view) {
    var onMap = view === "map";
    resultsMap.hidden = !onMap;
    list.hidden = onMap;
    switcher.querySelectorAll("button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.view === view));
    });
    if (onMap) {
      if (drawn) drawn.invalidateSize();
      else drawn = draw();
    }
  }

  switcher.hidden = false;
  switcher.querySelectorAll("button").forEach(function (button) {
    button.addEventListener("click", function () { show(button.dataset.view); });
  });
})();
