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
        bar.style.width = `${status.percent}%`;
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
