//! `unannotated-quote` and `annals fix` on real text: the seed corpus with its claims (or its
//! mentions) stripped, measured against the hand-made annotations; and what `fix` writes.

mod support;

use annals::document::{Document, DocumentKind};
use annals::{Corpus, RuleCode};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::repo_path;

/// The seed corpus copied into a new folder.
fn seed_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    copy_dir(&repo_path("corpus"), &root);
    (dir, root)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn article_paths(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root.join("articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    out.sort();
    out
}

/// Removes the brackets and attribute block of every span `keep` rejects, keeping its text.
/// Returns the new text and the removed pieces (offset in the old text, length).
fn strip(text: &str, remove: impl Fn(&annals::syntax::Span) -> bool) -> (String, Vec<(usize, usize)>) {
    let doc = Document::new(
        "x".into(),
        "articles/x.md".into(),
        DocumentKind::Article,
        text.to_string(),
    );
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for span in doc.syntax.spans.iter().filter(|s| remove(s)) {
        cuts.push((span.range.start as usize, 1));
        cuts.push((
            span.text_range.end as usize,
            (span.range.end - span.text_range.end) as usize,
        ));
    }
    cuts.sort();
    let mut out = String::new();
    let mut at = 0;
    for &(from, len) in &cuts {
        out.push_str(&text[at..from]);
        at = from + len;
    }
    out.push_str(&text[at..]);
    (out, cuts)
}

/// An offset of the old text in the stripped one.
fn mapped(cuts: &[(usize, usize)], offset: usize) -> usize {
    offset
        - cuts
            .iter()
            .filter(|(at, _)| *at < offset)
            .map(|(at, len)| (*len).min(offset - at))
            .sum::<usize>()
}

const QUOTE_MARKS: [char; 7] = ['"', '“', '”', '«', '»', '„', '“'];

/// A hand-made claim to find: a statement by someone, quoted (its text opens or closes with a
/// quotation mark), neither nested in another claim nor a translation (Cyrillic) of one.
struct HandClaim {
    id: String,
    range: (usize, usize),
    by: BTreeSet<String>,
    date: Option<String>,
    quoted: bool,
}

fn hand_claims(doc: &Document, cuts: &[(usize, usize)]) -> Vec<HandClaim> {
    doc.claims
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| {
            let span = doc.span(c.span);
            let text = &doc.text[span.text_range.range()];
            let bare = text.trim_matches(|ch: char| ch.is_whitespace() || ch == '[' || ch == ']');
            let cyrillic = text.chars().any(|ch| ('\u{400}'..='\u{4ff}').contains(&ch));
            let quoted = !c.by.is_empty()
                && !cyrillic
                && (bare.starts_with(QUOTE_MARKS) || bare.trim_end_matches(['.', ',']).ends_with(QUOTE_MARKS));
            HandClaim {
                id: c.id.as_ref().map(|i| i.value.to_string()).unwrap_or_default(),
                range: (
                    mapped(cuts, span.range.start as usize),
                    mapped(cuts, span.range.end as usize),
                ),
                by: c.by.iter().map(|b| b.value.to_string()).collect(),
                date: c.date.map(|d| d.to_string()),
                quoted,
            }
        })
        .collect()
}

/// The figures of one measurement.
#[derive(Debug, Default)]
struct Figures {
    hand: usize,
    found: usize,
    recalled: usize,
    precise: usize,
    speaker: usize,
    date: usize,
    /// The found date lies within the hand-made one (a day of the month the annotator wrote).
    date_within: usize,
    misses: Vec<String>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// A found claim: its range in the stripped text, its speakers and date.
struct Found {
    range: (usize, usize),
    by: BTreeSet<String>,
    date: Option<String>,
}

fn score(hand: &[HandClaim], found: &[Found], name: &str, figures: &mut Figures) {
    let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
    figures.found += found.len();
    figures.precise += found
        .iter()
        .filter(|f| hand.iter().any(|h| overlaps(h.range, f.range)))
        .count();
    for h in hand.iter().filter(|h| h.quoted) {
        figures.hand += 1;
        match found.iter().find(|f| overlaps(h.range, f.range)) {
            Some(f) => {
                figures.recalled += 1;
                if f.by == h.by {
                    figures.speaker += 1;
                } else {
                    figures
                        .misses
                        .push(format!("{name}#{}: by {:?}, not {:?}", h.id, f.by, h.by));
                }
                if f.date == h.date {
                    figures.date += 1;
                } else {
                    figures
                        .misses
                        .push(format!("{name}#{}: date {:?}, not {:?}", h.id, f.date, h.date));
                }
                let within = match (&f.date, &h.date) {
                    (Some(f), Some(h)) => f.starts_with(h.as_str()),
                    _ => false,
                };
                figures.date_within += usize::from(within);
            }
            None => figures.misses.push(format!("{name}#{}: not found", h.id)),
        }
    }
}

/// The seed corpus with every claim annotation stripped (mentions kept), written to a copy.
fn claims_stripped() -> (tempfile::TempDir, PathBuf, Vec<(PathBuf, Vec<HandClaim>)>) {
    let (dir, root) = seed_copy();
    let mut hand = Vec::new();
    for path in article_paths(&root) {
        let text = std::fs::read_to_string(&path).unwrap();
        let (stripped, cuts) = strip(&text, |s| s.has_class("claim"));
        let doc = Document::new("x".into(), "articles/x.md".into(), DocumentKind::Article, text);
        hand.push((path.clone(), hand_claims(&doc, &cuts)));
        std::fs::write(&path, stripped).unwrap();
    }
    (dir, root, hand)
}

/// The rule on the stripped seed corpus: its findings against the hand-made claims.
fn measure_rule() -> Figures {
    let (_dir, root, hand) = claims_stripped();
    let corpus = Corpus::discover(&root).unwrap();
    let mut figures = Figures::default();
    for (path, hand) in &hand {
        let rel = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let slot = corpus.slot(&rel).unwrap();
        let doc = &corpus.documents[slot.index()];
        let found: Vec<Found> = annals::rules::quotes::quotations(doc, &corpus.documents, &corpus.index)
            .into_iter()
            .map(|q| Found {
                range: (q.range.start as usize, q.range.end as usize),
                by: q.speaker.into_iter().collect(),
                date: q.date.map(|d| d.to_string()),
            })
            .collect();
        let findings = corpus.findings_of(slot);
        let hints = findings.iter().filter(|f| f.code == RuleCode::UnannotatedQuote).count();
        assert_eq!(hints, found.len(), "{rel}: one finding per quotation");
        score(hand, &found, &rel, &mut figures);
    }
    figures
}

#[test]
fn unannotated_quote_on_the_seed_corpus() {
    let f = measure_rule();
    let (recall, precision) = (ratio(f.recalled, f.hand), ratio(f.precise, f.found));
    let (speaker, date) = (ratio(f.speaker, f.recalled), ratio(f.date, f.recalled));
    eprintln!(
        "hand-made quoted claims {}, found quotations {}, recall {recall:.2}, precision {precision:.2}, speaker {speaker:.2}, date {date:.2} (within the hand-made date {:.2})\n{}",
        f.hand,
        f.found,
        ratio(f.date_within, f.recalled),
        f.misses.join("\n")
    );
}

#[allow(dead_code)]
fn annals(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_annals"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}
