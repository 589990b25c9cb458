// Client-side search over the Pagefind index: results as you type, filters, highlighted matches.
// Loaded as a module from a file (the pages' Content-Security-Policy forbids inline script).
const root = document.getElementById("search");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const selects = Array.from(root.querySelectorAll("select[data-filter]"));
const basePath = root.dataset.base;
let pagefind = null;
let generation = 0;

// Pagefind's excerpts are escaped text with <mark> around the matches; rebuild them as DOM
// nodes so that nothing but text and <mark> can ever reach the page.
function excerptNodes(html) {
  const fragment = document.createDocumentFragment();
  const parts = html.split(/(<mark>|<\/mark>)/);
  let marked = false;
  const decoder = document.createElement("textarea");
  for (const part of parts) {
    if (part === "<mark>") { marked = true; continue; }
    if (part === "</mark>") { marked = false; continue; }
    decoder.innerHTML = part;
    const text = document.createTextNode(decoder.value);
    if (marked) {
      const mark = document.createElement("mark");
      mark.appendChild(text);
      fragment.appendChild(mark);
    } else {
      fragment.appendChild(text);
    }
  }
  return fragment;
}

function activeFilters() {
  const filters = {};
  for (const select of selects) {
    if (select.value) filters[select.dataset.filter] = select.value;
  }
  return filters;
}

async function loadPagefind() {
  if (pagefind) return pagefind;
  pagefind = await import(root.dataset.bundle + "pagefind.js");
  await pagefind.options({ baseUrl: basePath, excerptLength: 30 });
  await pagefind.init();
  return pagefind;
}

function matches(data, filters) {
  return Object.entries(filters).every(([key, value]) => data.meta && data.meta[key] === value);
}

// Filters apply to result metadata: results are read in batches until a page of matches is found.
async function collect(results, filters, wanted) {
  const found = [];
  for (let start = 0; start < results.length && found.length < wanted && start < 1000; start += 25) {
    const batch = await Promise.all(results.slice(start, start + 25).map((result) => result.data()));
    for (const data of batch) if (matches(data, filters) && found.length < wanted) found.push(data);
  }
  return found;
}

function meta(data) {
  const parts = [];
  for (const key of ["event", "source", "date"]) {
    if (data.meta && data.meta[key]) parts.push(data.meta[key]);
  }
  return parts.join(" · ");
}

async function runSearch() {
  const query = input.value.trim();
  const mine = ++generation;
  const params = new URLSearchParams(window.location.search);
  if (query) params.set("q", query); else params.delete("q");
  window.history.replaceState(null, "", params.toString() ? "?" + params.toString() : window.location.pathname);
  const filters = activeFilters();
  if (!query) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  const engine = await loadPagefind();
  const search = await engine.search(query);
  if (mine !== generation) return;
  const results = await collect(search.results, filters, 20);
  if (mine !== generation) return;
  const items = results.map((data) => {
    const item = document.createElement("li");
    item.className = "story";
    const heading = document.createElement("h2");
    heading.className = "story-title";
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    heading.appendChild(link);
    const info = document.createElement("p");
    info.className = "meta";
    info.textContent = meta(data);
    const excerpt = document.createElement("p");
    excerpt.className = "summary";
    excerpt.appendChild(excerptNodes(data.excerpt || ""));
    item.append(heading, info, excerpt);
    return item;
  });
  list.replaceChildren(...items);
  const filtered = Object.keys(filters).length > 0;
  const count = filtered ? results.length : search.results.length;
  // With filters, matches are counted only until a page of them is found.
  const more = filtered && count === 20 ? " or more" : "";
  status.textContent = count === 0 ? "No articles match." : `${count}${more} article${count === 1 ? "" : "s"} found.`;
}

let timer = null;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(() => { runSearch().catch((error) => { status.textContent = "Search is unavailable."; console.warn(error); }); }, 150);
}

root.querySelector("form").addEventListener("submit", (event) => { event.preventDefault(); schedule(); });
input.addEventListener("input", schedule);
for (const select of selects) select.addEventListener("change", schedule);
const initial = new URLSearchParams(window.location.search).get("q");
if (initial) input.value = initial;
loadPagefind().then(() => { if (input.value) schedule(); }).catch(() => { status.textContent = "Search is unavailable."; });
