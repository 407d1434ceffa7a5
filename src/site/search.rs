//! Client-side search without a server: `search-index.js` sets one global, a compact array of
//! entries `[kind, label, href, text, context]` (`text` in lower case, what a query is matched
//! against: titles, entity names and aliases, claim text), and `search.js` filters it as the
//! reader types. A script file rather than JSON: a page opened from `file://` may not fetch.

use super::claims::title_of;
use super::model::Site;
use crate::document::DocumentKind;
use crate::index::ClaimKey;
use crate::slots::ClaimIndex;
use std::io::Write;

/// The index as a script, written in pieces to `out` (a buffered file: at 10,000 articles the
/// index is tens of megabytes).
pub fn index_script<W: Write>(site: &Site, out: &mut W) -> std::io::Result<()> {
    out.write_all(b"window.ANNALS_SEARCH = [\n")?;
    let mut first = true;
    let mut entry = |out: &mut W, kind: &str, label: &str, href: &str, text: &str, context: &str| {
        if !first {
            out.write_all(b",\n")?;
        }
        first = false;
        let row = (kind, label, href, text.to_lowercase(), context);
        serde_json::to_writer(&mut *out, &row).map_err(std::io::Error::from)
    };
    for (slot, doc) in site.corpus.live() {
        let page = site.href(slot);
        let title = title_of(doc);
        match doc.kind {
            DocumentKind::Article => {
                entry(out, "article", title, &page, title, "")?;
                for k in 0..doc.claims.len() {
                    let key = ClaimKey {
                        document: slot,
                        claim: ClaimIndex::new(k),
                    };
                    let words = site.claim_words(key);
                    entry(out, "claim", words.first, &site.claim_href(key), words.text, title)?;
                }
            }
            DocumentKind::Entity => {
                let mut text = title.to_string();
                if let Some(meta) = &doc.entity {
                    for a in &meta.aliases {
                        text.push('\n');
                        text.push_str(&a.value);
                    }
                }
                let kind = doc
                    .entity
                    .as_ref()
                    .and_then(|e| e.kind.as_ref())
                    .map_or("entity", |k| k.value.as_str());
                entry(out, "entity", title, &page, &text, kind)?;
            }
        }
    }
    out.write_all(b"\n];\n")
}

/// The search box's script: all words of the query must occur in an entry's text.
pub const SCRIPT: &str = r#""use strict";
(function () {
  var box = document.getElementById("search");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  var entries = window.ANNALS_SEARCH || [];
  if (!box || !list) return;
  box.disabled = false;
  status.textContent = entries.length + " entries: type to search.";
  var LIMIT = 100;
  function run() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { status.textContent = entries.length + " entries: type to search."; return; }
    var found = 0;
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i], text = e[3], all = true;
      for (var w = 0; w < words.length; w++) { if (text.indexOf(words[w]) < 0) { all = false; break; } }
      if (!all) continue;
      found++;
      if (found > LIMIT) continue;
      var li = document.createElement("li");
      li.className = "result result-" + e[0];
      var a = document.createElement("a");
      a.href = e[2];
      a.textContent = e[1] || "(untitled)";
      li.appendChild(document.createTextNode(e[0] + ": "));
      li.appendChild(a);
      if (e[4]) {
        var c = document.createElement("span");
        c.className = "meta";
        c.textContent = " (" + e[4] + ")";
        li.appendChild(c);
      }
      list.appendChild(li);
    }
    status.textContent = found + (found === 1 ? " result" : " results") + (found > LIMIT ? ", the first " + LIMIT + " shown." : ".");
  }
  box.addEventListener("input", run);
  var form = document.getElementById("search-form");
  if (form) form.addEventListener("submit", function (e) { e.preventDefault(); });
  run();
})();
"#;
