// Progressive enhancement: the address and directions links above already work without a map.
// Loaded only when the site has a tile server configured (settings.MAP_TILE_URL).
(function () {
  "use strict";
  var element = document.getElementById("meeting-map");
  if (!element || typeof L === "undefined") return;
  var data = element.dataset;
  var point = [parseFloat(data.lat), parseFloat(data.lng)];
  if (isNaN(point[0]) || isNaN(point[1])) return;

  // Static files carry hashed names, so Leaflet cannot guess its marker images from its CSS path:
  // give it whole URLs, and an empty image path so it does not put its guess in front of them.
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions({
    iconUrl: data.iconUrl,
    iconRetinaUrl: data.iconRetinaUrl,
    shadowUrl: data.shadowUrl
  });
  element.classList.add("map-ready");
  var map = L.map(element, { scrollWheelZoom: false }).setView(point, 16);
  L.tileLayer(data.tileUrl, { maxZoom: 19, attribution: data.attribution }).addTo(map);
  L.marker(point, { alt: data.label }).addTo(map).bindPopup(document.createTextNode(data.label));
})();
