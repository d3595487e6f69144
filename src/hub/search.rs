//! Search in the static site, with no server: an index made at `annals site` time, sharded
//! by the first two letters of each word (as pagefind shards its index), so a query loads the
//! list of documents and one small file per word. Files are JavaScript that hands its data to
//! the page, so that the search works from `file://`, where a page may not fetch JSON.

use std::collections::BTreeMap;

use crate::docs::Corpus;

/// The words of a text, as the index and the page's script split them: lower-case runs of
/// letters and digits, two characters or more.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
}

/// The shard a word is in: its first two characters, as a file name.
pub fn shard(word: &str) -> String {
    let prefix: String = word.chars().take(2).collect();
    super::page::file_name(&prefix)
}

/// The index files: `search/docs.js` (each document's page, ID and title) and one
/// `search/w-SHARD.js` per shard (word -> documents).
pub fn index(corpus: &Corpus, pages: &[(String, String, String)]) -> BTreeMap<String, Vec<u8>> {
    let mut shards: BTreeMap<String, BTreeMap<String, Vec<usize>>> = BTreeMap::new();
    for (n, d) in corpus.docs.iter().enumerate() {
        let mut text = String::new();
        text.push_str(d.title().unwrap_or_default());
        text.push(' ');
        text.push_str(d.id.as_deref().unwrap_or_default());
        for (t, _) in d.list_field("tags") {
            text.push(' ');
            text.push_str(&t);
        }
        text.push(' ');
        text.push_str(&crate::docs::markdown::plain_text(
            &d.source[d.body_start.min(d.source.len())..],
        ));
        let mut seen = std::collections::HashSet::new();
        for w in words(&text) {
            if seen.insert(w.clone()) {
                shards
                    .entry(shard(&w))
                    .or_default()
                    .entry(w)
                    .or_default()
                    .push(n);
            }
        }
    }
    let mut files = BTreeMap::new();
    let docs: Vec<serde_json::Value> = pages
        .iter()
        .map(|(url, id, title)| serde_json::json!([url, id, title]))
        .collect();
    files.insert(
        "search/docs.js".to_string(),
        format!("annalsDocs({});\n", serde_json::Value::Array(docs)).into_bytes(),
    );
    for (name, words) in shards {
        let data = serde_json::to_string(&words).unwrap_or_default();
        files.insert(
            format!("search/w-{name}.js"),
            format!(
                "annalsShard({}, {data});\n",
                serde_json::Value::String(name.clone())
            )
            .into_bytes(),
        );
    }
    files
}

/// The page's script: reads `?q=`, loads the documents and each word's shard, and lists the
/// documents that hold every word (a word also matches longer words it begins).
pub const SCRIPT: &str = r"(function () {
  var q = new URLSearchParams(location.search).get('q') || '';
  var out = document.getElementById('results');
  var box = document.getElementById('q');
  box.value = q;
  var words = q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length >= 2; });
  if (!words.length) { out.textContent = ''; return; }
  var shards = {}, docs = null, pending = 0;
  function name(w) {
    var p = Array.from(w).slice(0, 2).join(''), s = '';
    new TextEncoder().encode(p).forEach(function (b) {
      var c = String.fromCharCode(b);
      s += /[A-Za-z0-9-]/.test(c) ? c : '_' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
    });
    return s;
  }
  function load(file) {
    pending++;
    var el = document.createElement('script');
    el.src = file;
    el.onerror = function () { pending--; done(); };
    document.head.appendChild(el);
  }
  window.annalsDocs = function (d) { docs = d; pending--; done(); };
  window.annalsShard = function (n, data) { shards[n] = data; pending--; done(); };
  function done() {
    if (pending > 0) return;
    var hits = null;
    words.forEach(function (w) {
      var found = {};
      var shard = shards[name(w)] || {};
      Object.keys(shard).forEach(function (k) {
        if (k.indexOf(w) === 0) shard[k].forEach(function (n) { found[n] = true; });
      });
      hits = hits === null ? found : Object.keys(hits).reduce(function (acc, n) {
        if (found[n]) acc[n] = true; return acc; }, {});
    });
    var list = Object.keys(hits || {}).map(Number).sort(function (a, b) { return a - b; });
    out.textContent = '';
    var p = document.createElement('p');
    p.textContent = list.length ? list.length + ' results' : 'No document matches ' + q + '.';
    out.appendChild(p);
    var ol = document.createElement('ol');
    list.slice(0, 100).forEach(function (n) {
      var li = document.createElement('li'), a = document.createElement('a');
      a.href = docs[n][0];
      a.textContent = (docs[n][1] ? docs[n][1] + ' ' : '') + docs[n][2];
      li.appendChild(a);
      ol.appendChild(li);
    });
    out.appendChild(ol);
    // When the results were shown, in milliseconds since the page was asked for.
    out.setAttribute('data-ms', String(Math.round(performance.now())));
  }
  load('search/docs.js');
  words.map(name).filter(function (v, i, a) { return a.indexOf(v) === i; })
    .forEach(function (s) { load('search/w-' + s + '.js'); });
})();
";
