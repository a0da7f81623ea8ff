// Progressive enhancement only: every form works without this file.
(function () {
  "use strict";

  // The page gives each message in its own language (data-* attributes); English otherwise.
  function words(element, key, fallback) {
    return (element && element.dataset[key]) || fallback;
  }

  // Report the browser's time zone so online meetings can show "your time".
  function fillTimeZone(form) {
    var field = form.querySelector("input[name=tz]");
    if (!field || field.value) return;
    try {
      field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      field.value = "";
    }
  }

  document.querySelectorAll("form.search-form").forEach(function (form) {
    form.addEventListener("submit", function () { fillTimeZone(form); });

    var button = form.querySelector("[data-geolocate]");
    var status = form.querySelector(".geo-status");
    if (!button || !("geolocation" in navigator)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = words(status, "locating", "Finding your location…");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          // Two decimals is about 1 km: enough to find meetings, not enough to find a home.
          form.querySelector("input[name=lat]").value = position.coords.latitude.toFixed(2);
          form.querySelector("input[name=lng]").value = position.coords.longitude.toFixed(2);
          var place = form.querySelector("input[name=q]");
          if (place) place.value = "";
          fillTimeZone(form);
          status.textContent = words(status, "searching", "Searching near you…");
          form.submit();
        },
        function () {
          status.textContent = words(status, "unavailable",
            "Your location is not available. Type a town or ZIP code instead.");
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
      );
    });
  });

  // Online meetings: say when the next one starts on the visitor's own clock, if it differs.
  document.querySelectorAll("[data-your-time]").forEach(function (element) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (!zone || zone === element.dataset.zone) return;
      var start = new Date(element.dataset.yourTime);
      var language = document.documentElement.lang;
      var text = new Intl.DateTimeFormat(language === "en" ? "en-GB" : language, {
        weekday: "long", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
      }).format(start);
      element.textContent = words(element, "label", "In your time zone: {time}")
        .replace("{time}", text);
      element.hidden = false;
    } catch (e) {
      // An old browser without time zone support simply shows the meeting's own time.
    }
  });

  // Share: the phone's own share sheet where the browser has one, else copy the link.
  document.querySelectorAll("[data-share]").forEach(function (button) {
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    var canCopy = navigator.clipboard && window.isSecureContext;
    if (!navigator.share && !canCopy) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = window.location.href;
      if (navigator.share) {
        navigator.share({ title: button.getAttribute("data-share") || document.title, url: url })
          .catch(function () { /* The person closed the share sheet. */ });
        return;
      }
      navigator.clipboard.writeText(url).then(
        function () {
          status.textContent = words(status, "copied",
            "Link copied. Paste it into a message to share it.");
        },
        function () {
          status.textContent = words(status, "copyThis", "Copy this address to share it: {url}")
            .replace("{url}", url);
        }
      );
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
