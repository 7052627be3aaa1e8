/* Suggestions under the header's search box: titles starting with what is typed
   (GET <data-suggest-url>?q=…), chosen with the mouse or the arrow keys and Enter;
   Escape closes the list (keeping the text), and Enter with nothing chosen runs the full search. */
(() => {
  "use strict";
  const form = document.querySelector("form.search-box[data-suggest-url]");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const list = form.querySelector("[role=listbox]");
  const DELAY_MS = 150;
  let timer = null;
  let controller = null;
  let active = -1;

  const options = () => Array.from(list.querySelectorAll("[role=option]"));

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const items = options();
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", items[index].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function show(suggestions) {
    list.replaceChildren();
    suggestions.forEach((suggestion, index) => {
      const item = document.createElement("li");
      item.id = `search-suggestion-${index}`;
      item.setAttribute("role", "option");
      item.dataset.url = suggestion.url;
      const title = document.createElement("span");
      title.className = "suggestion-title";
      title.textContent = suggestion.title;
      const where = document.createElement("span");
      where.className = "suggestion-meta";
      where.textContent = [suggestion.label, suggestion.space].filter(Boolean).join(" · ");
      item.append(title, where);
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();  // keep the focus in the box until we navigate
        window.location.assign(suggestion.url);
      });
      list.append(item);
    });
    list.hidden = suggestions.length === 0;
    input.setAttribute("aria-expanded", String(suggestions.length > 0));
    highlight(-1);
  }

  async function fetchSuggestions() {
    const text = input.value.trim();
    if (controller) controller.abort();
    if (!text) { close(); return; }
    controller = new AbortController();
    const url = `${form.dataset.suggestUrl}?q=${encodeURIComponent(text)}`;
    try {
      const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
      if (!response.ok) { close(); return; }
      const data = await response.json();
      if (data.query === input.value.trim()) show(data.suggestions);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    const items = options();
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp" && items.length) {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(items[active].dataset.url);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();  // the browser would also clear what was typed
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
})();
