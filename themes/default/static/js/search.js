// Client-side search over the site's static index (search/data/, made by generator/render/search.py):
// results as you type, filters, highlighted matches. Only the index files for the words typed are
// fetched. Loaded as a module from a file (the pages' Content-Security-Policy forbids inline script).
const root = document.getElementById("search");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const selects = Array.from(root.querySelectorAll("select[data-filter]"));
const indexPath = root.dataset.index;
const WORD = /[\p{L}\p{N}]+/gu;
const PAGE_SIZE = 20;
const COMPLETIONS = 8;
const COMPLETION_DISCOUNT = 0.8;
const EXCERPT_WORDS = 30;
let generation = 0;
const files = new Map();

function fetchJSON(path) {
  if (!files.has(path)) {
    const loading = fetch(indexPath + path).then((response) => {
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      return response.json();
    });
    loading.catch(() => files.delete(path)); // a failed fetch is tried again next time
    files.set(path, loading);
  }
  return files.get(path);
}

// The same folding, stop words, stemming and hash as the build (generator/render/search.py).
function fold(text) {
  const lower = text.toLowerCase();
  return /^[\x00-\x7f]*$/.test(lower) ? lower : lower.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
}

function stem(word) {
  if (word.length > 4 && word.endsWith("ies")) return word.slice(0, -3) + "y";
  if (word.length > 3 && word.endsWith("s") && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

function termOf(word, meta) {
  if (meta.stopWords.has(word) || (word.length === 1 && !/^\p{Nd}$/u.test(word))) return null;
  return stem(word);
}

function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash;
}

async function loadMeta() {
  const meta = await fetchJSON("meta.json");
  if (!meta.stopWords) meta.stopWords = new Set(meta.stop);
  return meta;
}

async function postings(term, meta) {
  const shard = await fetchJSON(`t/${(fnv1a(term) % meta.shards).toString(16)}.json`);
  return Object.hasOwn(shard, term) ? shard[term] : [];
}

async function completions(prefix, meta) {
  const bucket = await fetchJSON(`v/${(fnv1a(prefix.slice(0, meta.prefix)) % meta.buckets).toString(16)}.json`);
  return bucket.filter((term) => term.startsWith(prefix) && term !== prefix)
    .sort((a, b) => a.length - b.length || (a < b ? -1 : 1))
    .slice(0, COMPLETIONS);
}

// Each word's best score per document: its inverse document frequency times the stored weight.
function scoreTerm(list, meta, factor, into) {
  const documentFrequency = list.length / 2;
  const idf = Math.log(1 + (meta.documents - documentFrequency + 0.5) / (documentFrequency + 0.5));
  for (let i = 0; i < list.length; i += 2) {
    const score = idf * list[i + 1] * factor;
    if (!(into.get(list[i]) >= score)) into.set(list[i], score);
  }
}

// What a query asks for: one entry per word, each the terms that satisfy it. The last word, while
// being typed, also matches the words it begins.
async function parseQuery(query, meta) {
  const words = fold(query).match(WORD) || [];
  const typing = !/\s$/.test(query);
  const wanted = [];
  for (const [position, word] of words.entries()) {
    const term = termOf(word, meta);
    const prefix = typing && position === words.length - 1 && word.length >= meta.prefix ? word : null;
    if (term === null && prefix === null) continue;
    wanted.push({ exact: term, prefix, more: prefix ? await completions(prefix, meta) : [] });
  }
  return wanted;
}

// Documents that match every word, best first.
async function rank(wanted, meta) {
  let totals = null;
  for (const word of wanted) {
    const scores = new Map();
    if (word.exact) scoreTerm(await postings(word.exact, meta), meta, 1, scores);
    const lists = await Promise.all(word.more.map((term) => postings(term, meta)));
    for (const list of lists) scoreTerm(list, meta, COMPLETION_DISCOUNT, scores);
    if (totals === null) {
      totals = scores;
    } else {
      const next = new Map();
      for (const [id, score] of scores) if (totals.has(id)) next.set(id, totals.get(id) + score);
      totals = next;
    }
    if (totals.size === 0) break;
  }
  return Array.from(totals || []).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
}

function activeFilters() {
  const filters = {};
  for (const select of selects) {
    if (select.value) filters[select.dataset.filter] = select.value;
  }
  return filters;
}

function matches(document, filters) {
  return Object.entries(filters).every(([key, value]) => document.meta[key] === value);
}

// Filters apply to each result's details: results are read in batches until a page of matches is found.
async function collect(ids, filters) {
  const found = [];
  for (let start = 0; start < ids.length && found.length < PAGE_SIZE && start < 1000; start += 25) {
    const batch = await Promise.all(ids.slice(start, start + 25).map((id) => fetchJSON(`d/${id}.json`)));
    for (const document of batch) if (matches(document, filters) && found.length < PAGE_SIZE) found.push(document);
  }
  return found;
}

function isMatch(word, wanted, meta) {
  const folded = fold(word);
  const term = termOf(folded, meta);
  return wanted.some((w) => (term !== null && term === w.exact) || (w.prefix && folded.startsWith(w.prefix)));
}

// About thirty words of the text around the first match, with every match marked. Built as text
// nodes and <mark> elements, so nothing from the index can ever become markup.
function excerpt(text, wanted, meta) {
  const words = Array.from(text.matchAll(WORD));
  let first = words.findIndex((match) => isMatch(match[0], wanted, meta));
  if (first < 0) first = 0;
  const from = Math.max(0, first - 6);
  const to = Math.min(words.length, from + EXCERPT_WORDS);
  const fragment = document.createDocumentFragment();
  if (words.length === 0) return fragment;
  let cursor = words[from].index;
  if (from > 0) fragment.append("… ");
  for (let i = from; i < to; i++) {
    const match = words[i];
    if (!isMatch(match[0], wanted, meta)) continue;
    fragment.append(text.slice(cursor, match.index));
    const mark = document.createElement("mark");
    mark.textContent = match[0];
    fragment.append(mark);
    cursor = match.index + match[0].length;
  }
  const end = words[to - 1].index + words[to - 1][0].length;
  fragment.append(text.slice(cursor, end).replace(/\s+/g, " "));
  if (to < words.length) fragment.append(" …");
  return fragment;
}

function details(document) {
  return ["event", "source", "date"].map((key) => document.meta[key]).filter(Boolean).join(" · ");
}

function resultItem(document, wanted, meta) {
  const item = window.document.createElement("li");
  item.className = "story";
  const heading = window.document.createElement("h2");
  heading.className = "story-title";
  const link = window.document.createElement("a");
  link.href = document.url;
  link.textContent = document.title;
  heading.appendChild(link);
  const info = window.document.createElement("p");
  info.className = "meta";
  info.textContent = details(document);
  const summary = window.document.createElement("p");
  summary.className = "summary";
  summary.appendChild(excerpt(document.text, wanted, meta));
  item.append(heading, info, summary);
  return item;
}

async function runSearch() {
  const query = input.value;
  const mine = ++generation;
  const params = new URLSearchParams(window.location.search);
  if (query.trim()) params.set("q", query.trim()); else params.delete("q");
  window.history.replaceState(null, "", params.toString() ? "?" + params.toString() : window.location.pathname);
  if (!query.trim()) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  const meta = await loadMeta();
  const wanted = await parseQuery(query, meta);
  const ids = wanted.length ? await rank(wanted, meta) : [];
  const filters = activeFilters();
  const results = await collect(ids, filters);
  if (mine !== generation) return;
  list.replaceChildren(...results.map((document) => resultItem(document, wanted, meta)));
  const filtered = Object.keys(filters).length > 0;
  const count = filtered ? results.length : ids.length;
  // With filters, matches are counted only until a page of them is found.
  const more = filtered && count === PAGE_SIZE ? " or more" : "";
  status.textContent = count === 0 ? "No articles match." : `${count}${more} article${count === 1 ? "" : "s"} found.`;
}

let timer = null;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(() => {
    runSearch().catch((error) => { status.textContent = "Search is unavailable."; console.warn(error); });
  }, 150);
}

root.querySelector("form").addEventListener("submit", (event) => { event.preventDefault(); schedule(); });
input.addEventListener("input", schedule);
for (const select of selects) select.addEventListener("change", schedule);
const initial = new URLSearchParams(window.location.search).get("q");
if (initial) input.value = initial;
loadMeta().then(() => { if (input.value) schedule(); }).catch(() => { status.textContent = "Search is unavailable."; });
