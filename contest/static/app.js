// The app's only script (no inline JavaScript anywhere, so a strict Content-Security-Policy
// can forbid it). Behaviour is declared in the HTML through data attributes, whose text the
// templates escape like any other: a quote in a translation cannot break anything.
//
//   <form data-confirm="…">            asks before the form is sent
//   <button data-confirm="…">          asks before this button sends its form
//   <div data-build-status="URL">      follows a book build until it ends, then reloads
//   <form data-live-total>             shows Σ weight × mark of its [data-weight] inputs in
//                                      its [data-total] element as the judge types
//   <div class="table-wrap">           a table that may scroll sideways: reachable by keyboard
//                                      and named, if the template did not say so itself
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  const button = event.submitter;
  const message = (button && button.dataset.confirm) || form.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

function followBuild(panel) {
  const step = panel.querySelector("[data-build-step]");
  const bar = panel.querySelector("[data-build-bar]");
  const percent = panel.querySelector("[data-build-percent]");
  const poll = () => {
    fetch(panel.dataset.buildStatus, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((status) => {
        step.textContent = status.step;
        bar.value = status.percent;
        bar.textContent = `${status.percent}%`;
        percent.textContent = status.percent;
        if (status.state === "done" || status.state === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 800);
        }
      });
  };
  poll();
}

document.querySelectorAll("[data-build-status]").forEach(followBuild);

function followTotal(form) {
  const shown = form.querySelector("[data-total]");
  const update = () => {
    let total = 0;
    form.querySelectorAll("input[data-weight]").forEach((input) => {
      const mark = Number.parseFloat(input.value.replace(",", "."));
      if (Number.isFinite(mark)) {
        total += mark * Number.parseFloat(input.dataset.weight);
      }
    });
    shown.textContent = String(Math.round(total * 100) / 100);
  };
  form.addEventListener("input", update);
  update();
}

document.querySelectorAll("form[data-live-total]").forEach(followTotal);

// <textarea data-word-count="ID" data-min="N" data-max="M">: the element ID shows the count of
// words as the server counts them (tokens holding a letter or digit) and is marked when the
// count is outside the contest's limits.
function followWords(box) {
  const shown = document.getElementById(box.dataset.wordCount);
  const low = Number(box.dataset.min);
  const high = Number(box.dataset.max);
  const update = () => {
    const words = box.value.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
    shown.textContent = String(words);
    shown.classList.toggle("outside", words > 0 && (words < low || words > high));
  };
  box.addEventListener("input", update);
  update();
}

document.querySelectorAll("textarea[data-word-count]").forEach(followWords);

// <input type="search" data-filter-for="ID">: hides the options of select#ID that do not hold
// the typed words, accents and case aside ("cam thi" finds "Cầm Thị Ánh").
function plain(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/gi, "d").toLowerCase();
}

function filterOptions(search) {
  const select = document.getElementById(search.dataset.filterFor);
  search.addEventListener("input", () => {
    const wanted = plain(search.value).split(/\s+/).filter(Boolean);
    select.querySelectorAll("option").forEach((option, index) => {
      const text = plain(option.textContent);
      option.hidden = index > 0 && !wanted.every((word) => text.includes(word));
    });
  });
}

document.querySelectorAll("input[data-filter-for]").forEach(filterOptions);

// A table wider than a phone scrolls inside its .table-wrap. A keyboard user scrolls it once it
// has the focus (tabindex 0), and a screen reader announces it as a region named after the
// table's caption, the text of the list item it sits in, or the heading above it. Templates may
// set all three themselves.
function scrollRegion(wrap) {
  if (!wrap.hasAttribute("tabindex")) {
    wrap.tabIndex = 0;
  }
  if (!wrap.hasAttribute("role")) {
    wrap.setAttribute("role", "region");
  }
  if (wrap.hasAttribute("aria-label") || wrap.hasAttribute("aria-labelledby")) {
    return;
  }
  const item = wrap.parentElement.closest("li");
  const lead = item && item.firstChild.nodeType === Node.TEXT_NODE && item.firstChild.data.trim();
  if (lead) {
    wrap.setAttribute("aria-label", lead);
    return;
  }
  let name = wrap.querySelector("caption");
  if (!name) {
    const above = Array.from(document.querySelectorAll("main h1, main h2, main h3")).filter(
      (heading) => heading.compareDocumentPosition(wrap) & Node.DOCUMENT_POSITION_FOLLOWING,
    );
    name = above[above.length - 1];
  }
  if (name) {
    if (!name.id) {
      name.id = `region-name-${document.querySelectorAll("[id^='region-name-']").length + 1}`;
    }
    wrap.setAttribute("aria-labelledby", name.id);
  }
}

document.querySelectorAll(".table-wrap").forEach(scrollRegion);
