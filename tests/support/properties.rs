//! Properties that hold for any input, shared by the property tests (tests/properties.rs,
//! proptest on stable) and the fuzz targets (tests/fuzz, cargo-fuzz on nightly). Each
//! function panics when its property fails, which is what both drivers look for.

#![allow(dead_code)] // each driver uses its own subset

use annals::Finding;
use annals::config::Config;
use annals::corpus::{Affected, Corpus};
use annals::document::{Document, DocumentKind};
use annals::ide;
use annals::lsp::convert::{self, Encoding};
use annals::slots::DocumentSlot;
use annals::text::TextRange;
use ropey::Rope;
use std::path::PathBuf;
use tower_lsp_server::ls_types::{Position, Range};

/// A clean neighbour for fuzzed documents: it references them, so the cross-document
/// rules and queries run over the fuzzed text too.
const NEIGHBOUR: &str = "---\ntitle: Neighbour\npublished: 2022-04-02\n---\n\
[Rogozin]{e=rogozin} said [\"it\"]{.claim #n by=rogozin date=2022-04-01 replies-to=a:c1 repeats=e:x}\n\
and [the agency]{e=e}.\n";
const ROGOZIN: &str = "---\nkind: person\nname: Dmitry Rogozin\naliases: [Rogozin]\nroles:\n  - title: head\n    org: a\n    from: 2018-05\n---\n";

fn corpus_of(documents: Vec<Document>) -> Corpus {
    Corpus::from_documents(PathBuf::from("/nonexistent/corpus"), Config::default(), documents)
}

/// A corpus holding `text` as an article (`a`) and as an entity (`e`), with clean neighbours.
pub fn corpus_with(text: &str) -> Corpus {
    corpus_of(vec![
        Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, text.into()),
        Document::new("e".into(), "entities/e.md".into(), DocumentKind::Entity, text.into()),
        Document::new(
            "n".into(),
            "articles/n.md".into(),
            DocumentKind::Article,
            NEIGHBOUR.into(),
        ),
        Document::new(
            "rogozin".into(),
            "entities/rogozin.md".into(),
            DocumentKind::Entity,
            ROGOZIN.into(),
        ),
    ])
}

fn assert_range_in(text: &str, range: TextRange, what: &str) {
    let (start, end) = (range.start as usize, range.end as usize);
    assert!(
        start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: range {start}..{end} is not a range of the {}-byte text {text:?}",
        text.len()
    );
}

/// Offsets to ask queries at: every character boundary of a short text, about a hundred
/// spread over a long one, and one past the end.
fn sample_offsets(text: &str, samples: usize) -> Vec<usize> {
    let step = (text.len() / samples.max(1)).max(1);
    let mut offsets: Vec<usize> = (0..=text.len())
        .step_by(step)
        .map(|o| annals::text::floor_char_boundary(text, o))
        .collect();
    offsets.push(text.len());
    offsets.push(text.len() + 1);
    offsets.dedup();
    offsets
}

/// Any text through the parser, every rule and every query: no panic, and every range
/// that comes back lies on character boundaries of its document. Queries at positions
/// every 1% of the text.
pub fn analyse_any_text(text: &str) {
    analyse_any_text_at(text, 100);
}

/// `analyse_any_text` with queries at about `samples` positions (the fuzz target takes few:
/// each query is linear in the text, and a fuzzer gains more from more inputs).
pub fn analyse_any_text_at(text: &str, samples: usize) {
    let corpus = corpus_with(text);
    for df in corpus.findings() {
        for f in &df.findings {
            assert_range_in(&df.document.text, f.range, &format!("{} finding", f.code));
        }
    }
    for slot in (0..2).map(DocumentSlot::new) {
        let doc = &corpus.documents[slot.index()];
        for offset in sample_offsets(text, samples) {
            let _ = ide::hover::hover(&corpus, slot, offset);
            let _ = ide::definition::definition(&corpus, slot, offset);
            for location in ide::references::references(&corpus, slot, offset, true) {
                let target = &corpus.documents[location.document.index()].text;
                assert_range_in(target, location.range, "reference");
            }
            for item in ide::completion::completions(&corpus, slot, offset) {
                assert_range_in(text, item.range, "completion");
            }
            if let Ok((range, _)) = ide::rename::prepare(&corpus, slot, offset) {
                assert_range_in(text, range, "prepareRename");
                let _ = ide::rename::rename(&corpus, slot, offset, "renamed-id");
            }
            let at = offset.min(text.len());
            let _ = ide::assists::assists(&corpus, slot, TextRange::new(at, at));
            for h in ide::highlight_related::highlight_related(&corpus, slot, offset) {
                assert_range_in(text, h.range, "document highlight");
            }
            if let Some(item) = ide::claim_hierarchy::prepare(&corpus, slot, offset) {
                let doc = &corpus.documents[item.claim.document.index()].text;
                assert_range_in(doc, item.range, "call hierarchy item");
                assert!(
                    item.range.contains_range(item.focus),
                    "an item's focus lies in its range"
                );
                for call in ide::claim_hierarchy::incoming(&corpus, item.claim) {
                    let from = &corpus.documents[call.item.claim.document.index()].text;
                    call.ranges
                        .iter()
                        .for_each(|r| assert_range_in(from, *r, "incoming call"));
                }
                for call in ide::claim_hierarchy::outgoing(&corpus, item.claim) {
                    call.ranges
                        .iter()
                        .for_each(|r| assert_range_in(doc, *r, "outgoing call"));
                }
            }
            if let Some(item) = ide::entity_hierarchy::prepare(&corpus, slot, offset) {
                let _ = ide::entity_hierarchy::supertypes(&corpus, item.document);
                let _ = ide::entity_hierarchy::subtypes(&corpus, item.document);
            }
        }
        let offsets = sample_offsets(text, samples);
        // A selection between two sample points: the code action that wraps it in a claim.
        for pair in offsets.windows(2) {
            let (from, to) = (pair[0].min(text.len()), pair[1].min(text.len()));
            let _ = ide::assists::assists(&corpus, slot, TextRange::new(from, to));
        }
        // The reading view of the document (annals/render; annals site renders the same page).
        let page = annals::site::render_document(&corpus, slot, |s| format!("file:///doc{}.md", s.index()));
        assert!(
            page.starts_with("<!DOCTYPE html>"),
            "a rendered page is HTML: {page:.80}"
        );
        for (offset, chain) in offsets.iter().zip(ide::selection::selection_ranges(doc, &offsets)) {
            for pair in chain.windows(2) {
                assert!(
                    pair[1].contains_range(pair[0]) && pair[1] != pair[0],
                    "selection at {offset}: {chain:?}"
                );
            }
            chain.iter().for_each(|r| assert_range_in(text, *r, "selection range"));
        }
        let paths = [doc.path.clone()];
        let _ = ide::file_operations::will_delete(&corpus, &paths);
        let _ = ide::file_operations::will_rename(&corpus, &[(doc.path.clone(), Some("entities/renamed.md".into()))]);
        let _ = ide::symbols::document_symbols(doc);
        let mut last_end = 0;
        for (range, _) in ide::highlight::tokens(doc) {
            assert_range_in(text, range, "semantic token");
            assert!(range.start as usize >= last_end, "semantic tokens overlap in {text:?}");
            last_end = range.end as usize;
        }
        let whole = TextRange::new(0, text.len());
        let _ = ide::annotations_view::inlay_hints(&corpus, slot, whole, true, true);
        let _ = ide::annotations_view::code_lenses(&corpus, slot);
        for range in ide::annotations_view::folding_ranges(&corpus, slot) {
            assert_range_in(text, range, "folding range");
        }
        for (range, _) in ide::annotations_view::document_links(&corpus, slot) {
            assert_range_in(text, range, "document link");
        }
    }
    let query: String = text.chars().take(8).collect();
    let _ = ide::symbols::workspace_symbols(&corpus, &query, 50);
}

/// One `contentChanges` entry: a range replacement, or the whole text when `range` is None.
#[derive(Clone, Debug)]
pub struct Edit {
    pub range: Option<Range>,
    pub text: String,
}

/// The plain-String model of a position: line breaks are `\n`, `\r\n` and `\r`; a line past
/// the end is the end of the text; a character past the end of its line is the end of the
/// line (before its break); a position inside a character (a UTF-8 sequence or a surrogate
/// pair) is that character's start.
pub fn model_offset(text: &str, pos: Position, encoding: Encoding) -> usize {
    let bytes = text.as_bytes();
    let mut line_start = 0;
    let mut line = 0;
    let mut i = 0;
    // Find the start and the content end of line `pos.line`.
    let content_end = loop {
        if i == bytes.len() {
            if line == pos.line {
                break i;
            }
            return text.len();
        }
        let brk = match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => 2,
            b'\r' | b'\n' => 1,
            _ => 0,
        };
        if brk == 0 {
            i += 1;
            continue;
        }
        if line == pos.line {
            break i;
        }
        line += 1;
        i += brk;
        line_start = i;
    };
    let content = &text[line_start..content_end];
    let mut units = 0usize;
    for (byte, ch) in content.char_indices() {
        let width = match encoding {
            Encoding::Utf8 => ch.len_utf8(),
            Encoding::Utf16 => ch.len_utf16(),
        };
        if units + width > pos.character as usize {
            return line_start + byte;
        }
        units += width;
    }
    content_end
}

pub fn model_apply(text: &mut String, edit: &Edit, encoding: Encoding) {
    match edit.range {
        None => *text = edit.text.clone(),
        Some(r) => {
            let a = model_offset(text, r.start, encoding);
            let b = model_offset(text, r.end, encoding);
            text.replace_range(a.min(b)..a.max(b), &edit.text);
        }
    }
}

/// Applies `edits` to the server's document (a rope, through the LSP edge) and to a String
/// model: both texts are equal after every step.
pub fn edits_keep_rope_and_model_equal(initial: &str, edits: &[Edit], encoding: Encoding) -> String {
    let mut rope = Rope::from_str(initial);
    let mut model = initial.to_string();
    for (step, edit) in edits.iter().enumerate() {
        convert::apply_change(&mut rope, edit.range, &edit.text, encoding);
        model_apply(&mut model, edit, encoding);
        assert_eq!(rope.to_string(), model, "step {step}: {edit:?} ({encoding:?})");
    }
    model
}

/// Every document's findings, by path.
pub fn all_findings(corpus: &Corpus) -> Vec<(String, Vec<Finding>)> {
    let mut out: Vec<_> = corpus
        .findings()
        .into_iter()
        .map(|df| (df.document.path.clone(), df.findings))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The same documents, analysed from nothing.
pub fn from_scratch(corpus: &Corpus) -> Corpus {
    let docs = corpus
        .live()
        .map(|(_, d)| Document::new(d.id.clone(), d.path.clone(), d.kind, d.text.clone()))
        .collect();
    Corpus::from_documents(corpus.root.clone(), corpus.config.clone(), docs)
}

/// Sets the text of the document at `path` incrementally: the findings equal those of a
/// from-scratch analysis, and every document whose findings changed was reported affected.
pub fn incremental_equals_scratch(corpus: &mut Corpus, path: &str, kind: DocumentKind, text: String) {
    let before = all_findings(corpus);
    let affected = corpus.set_document_text(path, kind, text);
    let after = all_findings(corpus);
    let scratch = all_findings(&from_scratch(corpus));
    assert_eq!(
        after, scratch,
        "incremental analysis differs from scratch after editing {path}"
    );
    for ((p, old), (_, new)) in before.iter().zip(&after) {
        let slot = corpus.slot(p).expect("document still there");
        if old != new {
            assert!(
                affected.contains(slot) || affected == Affected::All,
                "{p} changed findings but was not reported affected by an edit of {path}"
            );
        }
    }
}

/// Runs an edit sequence on article `a` of a small corpus through the server's rope, and
/// checks after each step that the incremental analysis equals a from-scratch one.
pub fn edited_corpus_matches_scratch(initial: &str, edits: &[Edit], encoding: Encoding) {
    let mut corpus = corpus_with(initial);
    let mut rope = Rope::from_str(initial);
    for edit in edits {
        convert::apply_change(&mut rope, edit.range, &edit.text, encoding);
        incremental_equals_scratch(&mut corpus, "articles/a.md", DocumentKind::Article, rope.to_string());
    }
}

/// Pieces that make texts full of annotations, front matter and awkward characters.
pub const PIECES: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "\"",
    "\\",
    "`",
    "<!--",
    "-->",
    "\n",
    "\n\n",
    "---\n",
    "e=",
    "e=rogozin",
    "e=a",
    ".claim",
    "#c1",
    "#",
    " ",
    "ё",
    "😀",
    "\r",
    "\r\n",
    "=",
    "by=rogozin",
    "date=2022-04-01",
    "replies-to=",
    "a:c1",
    "n:n",
    "source=https://x.test",
    "Rogozin",
    "title: T\n",
    "published: 2022-04-02\n",
    "kind: person\n",
    "name: N\n",
    "aliases: [",
    "roles:\n  - title: t\n",
    "    ",
    "\u{feff}",
    "\0",
    "\t",
    "```\n",
    "    code\n",
    "Дмитрий",
    "[\"q\"]{.claim #c1 by=rogozin date=2022-04-01}",
    "[Dmitry Rogozin]{e=rogozin}",
];

/// A valid article whose claim `c1` the neighbour replies to: edits that break it, or
/// its front matter, change the neighbour's findings too.
pub const ARTICLE: &str = "---\ntitle: A\npublished: 2022-04-02\n---\n\
[Rogozin]{e=rogozin} said [\"q\"]{.claim #c1 by=rogozin date=2022-04-01}.\n\nDmitry Rogozin and Rogozin.\n";

/// Decodes fuzzer bytes into text made of `PIECES` and raw characters.
pub fn text_from_bytes(data: &[u8]) -> String {
    let mut text = String::new();
    for &b in data {
        match PIECES.get(b as usize) {
            Some(piece) => text.push_str(piece),
            None => text.push(char::from(b)),
        }
    }
    text
}

/// Decodes fuzzer bytes into an encoding, an initial text and an edit sequence.
pub fn edits_from_bytes(data: &[u8]) -> (Encoding, String, Vec<Edit>) {
    let (head, mut rest) = data.split_at(data.len().min(2));
    let encoding = if head.first().is_some_and(|b| b & 1 == 1) {
        Encoding::Utf16
    } else {
        Encoding::Utf8
    };
    let initial_len = head.get(1).map_or(0, |&b| (b % 32) as usize).min(rest.len());
    // Half the runs edit a valid article that a neighbour replies to.
    let initial = if head.first().is_some_and(|b| b & 2 == 2) {
        ARTICLE.to_string()
    } else {
        text_from_bytes(&rest[..initial_len])
    };
    rest = &rest[initial_len..];
    let mut edits = Vec::new();
    while rest.len() >= 5 {
        let [l1, c1, l2, c2, n] = [rest[0], rest[1], rest[2], rest[3], rest[4]];
        rest = &rest[5..];
        let n = ((n & 0x0f) as usize).min(rest.len());
        let text = text_from_bytes(&rest[..n]);
        rest = &rest[n..];
        let pos = |l: u8, c: u8| Position::new((l % 8) as u32, (c % 24) as u32);
        let range = (l1 != 0xff).then(|| Range::new(pos(l1, c1), pos(l2, c2)));
        edits.push(Edit { range, text });
    }
    (encoding, initial, edits)
}

/// `annals check`'s sweep (each document judged once, its syntax shed) gives every
/// document the findings the corpus gives it, with every document wanted and with a part.
pub fn sweep_equals_corpus(corpus: &Corpus) {
    use annals::discover::SourceFile;
    let files: Vec<SourceFile> = corpus
        .documents
        .iter()
        .map(|d| SourceFile {
            path: corpus.root.join(&d.path),
            relative: d.path.clone(),
            kind: d.kind,
        })
        .collect();
    let read = |file: &SourceFile| {
        let slot = corpus.slot(&file.relative).expect("a document of the corpus");
        let d = &corpus.documents[slot.index()];
        Document::new(d.id.clone(), d.path.clone(), d.kind, d.text.clone())
    };
    let expected: Vec<Vec<Finding>> = corpus.findings().into_iter().map(|df| df.findings).collect();
    let every = annals::sweep::sweep(&corpus.config, &files, read, |_| true);
    for (k, found) in every.findings.iter().enumerate() {
        assert_eq!(
            found.as_ref(),
            Some(&expected[k]),
            "the sweep's findings of {} differ from the corpus's",
            files[k].relative
        );
        // Text stays of entities only: a report reads an article's again.
        let text = if files[k].kind == DocumentKind::Entity {
            corpus.documents[k].text.as_str()
        } else {
            ""
        };
        assert_eq!(every.documents[k].text, text, "{}", files[k].relative);
    }
    // A part: every other document. The rest is read (references cross it) but not judged.
    let part = annals::sweep::sweep(&corpus.config, &files, read, |f| {
        corpus.slot(&f.relative).is_some_and(|s| s.index() % 2 == 0)
    });
    for (k, found) in part.findings.iter().enumerate() {
        let wanted = (k % 2 == 0).then_some(&expected[k]);
        assert_eq!(found.as_ref(), wanted, "{} in a part", files[k].relative);
    }
}

/// A change of the corpus's files, as the server sees it from the editor and from disk.
#[derive(Clone, Debug)]
pub enum FileOperation {
    /// Creates the file or replaces its text.
    Write(usize, String),
    Delete(usize),
    /// Moves a file to another path (a deletion and a creation, as file watchers report it).
    Rename(usize, usize),
}

/// The paths file operations pick from: articles and entities, some of them referenced by
/// the corpus's other documents (`a`, `e`, `rogozin`), some new.
pub const PATHS: &[&str] = &[
    "articles/a.md",
    "articles/b.md",
    "articles/n.md",
    "entities/e.md",
    "entities/rogozin.md",
    "entities/x.md",
];

/// Texts for written files: a referenced article, an entity whose names occur in prose,
/// and a claim that replies to another document.
pub const FILE_TEXTS: &[&str] = &[
    ARTICLE,
    ROGOZIN,
    NEIGHBOUR,
    "---\nkind: agency\nname: Dmitry\naliases: [said, the agency]\n---\n",
    "---\ntitle: B\npublished: 2022-04-03\n---\n[\"x\"]{.claim #c1 by=e date=2022-04-02 replies-to=a:c1 source=n}\n",
    "",
];

fn kind_of(path: &str) -> DocumentKind {
    if path.starts_with("entities/") {
        DocumentKind::Entity
    } else {
        DocumentKind::Article
    }
}

/// Applies file operations one by one to `corpus_with(initial)`: after each, the findings
/// equal a from-scratch analysis, every document whose findings changed was reported
/// affected, and no other document moved from its slot.
pub fn file_operations_match_scratch(initial: &str, operations: &[FileOperation]) {
    let mut corpus = corpus_with(initial);
    for (step, op) in operations.iter().enumerate() {
        let before: std::collections::HashMap<String, Vec<Finding>> = all_findings(&corpus).into_iter().collect();
        let slots: Vec<(String, DocumentSlot)> = corpus.live().map(|(k, d)| (d.path.clone(), k)).collect();
        let mut affected = Affected::Some(Default::default());
        let mut touched: Vec<&str> = Vec::new();
        match op {
            FileOperation::Write(p, text) => {
                let path = PATHS[p % PATHS.len()];
                touched.push(path);
                affected.merge(corpus.set_document_text(path, kind_of(path), text.clone()));
            }
            FileOperation::Delete(p) => {
                let path = PATHS[p % PATHS.len()];
                touched.push(path);
                affected.merge(corpus.remove_document(path));
            }
            FileOperation::Rename(from, to) => {
                let (from, to) = (PATHS[from % PATHS.len()], PATHS[to % PATHS.len()]);
                if let Some(slot) = corpus.slot(from)
                    && from != to
                {
                    let text = corpus.documents[slot.index()].text.clone();
                    touched.extend([from, to]);
                    affected.merge(corpus.remove_document(from));
                    affected.merge(corpus.set_document_text(to, kind_of(to), text));
                }
            }
        }
        let after = all_findings(&corpus);
        assert_eq!(
            after,
            all_findings(&from_scratch(&corpus)),
            "step {step} ({op:?}): incremental differs from scratch"
        );
        for (path, findings) in &after {
            if before.get(path) != Some(findings) {
                let slot = corpus.slot(path).expect("a live document has a slot");
                assert!(
                    affected.contains(slot),
                    "step {step} ({op:?}): {path} changed its findings but was not reported affected"
                );
            }
        }
        for (path, slot) in slots {
            if !touched.contains(&path.as_str()) {
                assert_eq!(corpus.slot(&path), Some(slot), "step {step} ({op:?}): {path} moved");
            }
        }
    }
}
