// The app's only script (no inline JavaScript anywhere, so a strict Content-Security-Policy
// can forbid it). Behaviour is declared in the HTML through data attributes, whose text the
// templates escape like any other: a quote in a translation cannot break anything.
//
//   <form data-confirm="…">            asks before the form is sent
//   <button data-confirm="…">          asks before this button sends its form
//   <form data-count-checked="NAME">   its question's {checked} and {unchecked} are how many
//                                      of its NAME boxes are ticked, and not, when it asks
//   <input type="checkbox" data-check-all="FORM" hidden>
//                                      shown, ticks or unticks every box of form#FORM at once
//   a page opened at #ID with messages shows them beside the element ID (the row or the
//                                      form where the user acted), not far above
//   <div data-build-status="URL">      follows a book build until it ends, then reloads
//   <form data-live-total>             shows Σ weight × mark of its [data-weight] inputs in
//                                      its [data-total] element as the judge types
//   <div class="table-wrap">           a table that may scroll sideways: reachable by keyboard
//                                      and named, if the template did not say so itself
"use strict";

// <button data-confirm="…" data-confirm-marks> in a <form data-live-total data-total-label="…"
// data-max-total="N" data-no-mark="…">: the question is followed by each mark as it will be
// saved (a decimal comma is a decimal point), "name: mark / maximum" from the inputs'
// data-name and data-max, then the weighted total, in the page's language.
function markOf(input) {
  const typed = input.value.trim().replace(",", ".");
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(typed) ? Number(typed) : Number.NaN;
}

function marksSummary(form) {
  const number = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    maximumFractionDigits: 2,
  });
  let total = 0;
  const lines = Array.from(form.querySelectorAll("input[data-weight]"), (input) => {
    const mark = markOf(input);
    let shown = input.value.trim() || form.dataset.noMark;
    if (Number.isFinite(mark)) {
      total += mark * Number.parseFloat(input.dataset.weight);
      shown = number.format(mark);
    }
    return `${input.dataset.name}: ${shown} / ${number.format(Number(input.dataset.max))}`;
  });
  const sum = number.format(Math.round(total * 100) / 100);
  lines.push(`${form.dataset.totalLabel}: ${sum} / ${number.format(Number(form.dataset.maxTotal))}`);
  return lines.join("\n");
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  const button = event.submitter;
  let message = (button && button.dataset.confirm) || form.dataset.confirm;
  if (message && button && "confirmMarks" in button.dataset) {
    message = `${message}\n\n${marksSummary(form)}`;
  }
  const counted = form.dataset.countChecked;
  if (message && counted) {
    const boxes = Array.from(form.querySelectorAll(`input[name="${CSS.escape(counted)}"]`));
    const checked = boxes.filter((box) => box.checked).length;
    message = message
      .replaceAll("{checked}", String(checked))
      .replaceAll("{unchecked}", String(boxes.length - checked));
  }
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

// <input type="search" data-filter-rows="ID" data-filter-empty="ID2">: hides the rows of
// table#ID (each row's data-search text, else its text) without a word beginning with each
// typed word, accents and case aside, as the server's ?q= does; shows #ID2 when none is left.
function searchWords(text) {
  return plain(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function filterRows(search) {
  const table = document.getElementById(search.dataset.filterRows);
  const empty = document.getElementById(search.dataset.filterEmpty);
  const update = () => {
    const wanted = searchWords(search.value);
    let left = 0;
    table.querySelectorAll("tr[data-search]").forEach((row) => {
      const words = searchWords(row.dataset.search || row.textContent);
      row.hidden = !wanted.every((typed) => words.some((word) => word.startsWith(typed)));
      left += row.hidden ? 0 : 1;
    });
    if (empty) {
      empty.hidden = left > 0;
    }
  };
  search.addEventListener("input", update);
}

document.querySelectorAll("input[data-filter-rows]").forEach(filterRows);

// After a redirect to a row or a section (#ID), the messages the action left (a refusal, a
// success) move beside it: the page opens there, and would otherwise leave them far above.
function messagesBeside() {
  const messages = document.querySelectorAll("main > .flash");
  const id = decodeURIComponent(window.location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!messages.length || !target || target.id === "main") {
    return;
  }
  const holder = document.createElement("div");
  holder.className = "flash-beside";
  messages.forEach((message) => holder.append(message));
  if (target.tagName === "TR") {
    const row = document.createElement("tr");
    const cell = document.createElement("td");
    cell.colSpan = target.cells.length;
    cell.append(holder);
    row.append(cell);
    target.after(row);
  } else {
    target.prepend(holder);
  }
  holder.scrollIntoView({ block: "center" });
}

messagesBeside();

// The box for all (hidden without the script, where each box is ticked by hand) follows the
// boxes of its form: ticked when all are, half when some are.
function checkAll(all) {
  const form = document.getElementById(all.dataset.checkAll);
  const boxes = () => Array.from(form.elements).filter((element) => element.type === "checkbox");
  const follow = () => {
    const ticked = boxes().filter((box) => box.checked).length;
    all.checked = ticked > 0 && ticked === boxes().length;
    all.indeterminate = ticked > 0 && ticked < boxes().length;
  };
  all.hidden = false;
  all.addEventListener("change", () => {
    boxes().forEach((box) => {
      box.checked = all.checked;
    });
  });
  document.addEventListener("change", (event) => {
    if (event.target !== all && event.target.form === form) {
      follow();
    }
  });
  follow();
}

document.querySelectorAll("input[data-check-all]").forEach(checkAll);
