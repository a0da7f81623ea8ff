// Place suggestions as a person types a town or ZIP code: the ARIA Authoring Practices' combobox
// with a listbox popup (arrow keys move, Enter picks, Escape closes). Progressive enhancement:
// without this file the box is a plain search field and the results page offers "did you mean".
(function () {
  "use strict";

  var DELAY = 250; // milliseconds of quiet typing before asking the site
  var SHORTEST = 2; // letters before suggesting (a ZIP code needs three digits, as the site does)

  function setUp(input) {
    var url = input.getAttribute("data-suggest");
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var form = input.form;
    var timer = null;
    var pending = null;
    var answers = {};
    var places = [];
    var active = -1;

    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    // The page gives these words in its own language; English otherwise.
    list.setAttribute("aria-label", input.dataset.suggestLabel || "Suggested places");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.parentNode.classList.add("has-suggestions");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    function open() {
      if (!places.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      mark(-1);
    }

    function mark(index) {
      var options = list.children;
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = index;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        options[active].scrollIntoView({ block: "nearest" });
        input.setAttribute("aria-activedescendant", options[active].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      input.value = places[index].value;
      close();
      forgetLocation();
    }

    // A place typed replaces "use my location".
    function forgetLocation() {
      ["lat", "lng"].forEach(function (name) {
        var field = form && form.querySelector("input[name=" + name + "]");
        if (field) field.value = "";
      });
    }

    function show(found) {
      places = found;
      active = -1;
      list.textContent = "";
      found.forEach(function (place, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = place.label;
        // Keep the focus in the box: a click picks without blurring it.
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(index); });
        list.appendChild(option);
      });
      if (found.length && document.activeElement === input) {
        open();
        status.textContent = (found.length === 1
          ? input.dataset.suggestOne || "1 place suggested. Use the down arrow key to choose it."
          : input.dataset.suggestMany ||
            "{count} places suggested. Use the up and down arrow keys to choose one."
        ).replace("{count}", found.length);
      } else {
        close();
        status.textContent = "";
      }
    }

    function ask(text) {
      if (answers[text]) {
        show(answers[text]);
        return;
      }
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending.signal
      })
        .then(function (response) { return response.ok ? response.json() : { places: [] }; })
        .then(function (data) {
          answers[text] = data.places;
          if (input.value.trim() === text) show(data.places);
        })
        .catch(function () { /* Aborted or offline: the form still works without suggestions. */ });
    }

    input.addEventListener("input", function () {
      forgetLocation();
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < SHORTEST) {
        places = [];
        close();
        return;
      }
      timer = setTimeout(function () { ask(text); }, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var count = places.length;
      if (event.key === "ArrowDown") {
        if (!count) return;
        event.preventDefault();
        if (list.hidden) {
          open();
          if (event.altKey) return;
        }
        mark((active + 1) % count);
      } else if (event.key === "ArrowUp") {
        if (!count) return;
        event.preventDefault();
        open();
        mark(active <= 0 ? count - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          // A search box would clear itself on Escape; with the list open, only close it.
          event.preventDefault();
          close();
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", close);
  }

  if (!("fetch" in window) || !("AbortController" in window)) return;
  document.querySelectorAll("input[data-suggest]").forEach(setUp);
})();
