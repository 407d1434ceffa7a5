//! `annals fix`: applies the fixes that are safe in bulk, a thin face over the rules.
//!
//! The corpus is read once. Each document's fixes come from its findings (and the
//! quotations of `rules::quotes`), are applied in one pass, and the result is checked again
//! with the same rules: a fix whose paragraph then has an error it did not have is dropped.
//! With `--diff` nothing is written; otherwise each changed file is replaced atomically
//! (`write.rs`), inside the corpus only.

mod write;

use crate::corpus::Corpus;
use crate::document::Document;
use crate::finding::{Finding, RuleCode, Severity};
use crate::rules::{self, Context};
use crate::slots::DocumentSlot;
use crate::text::TextRange;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The rules `annals fix` has bulk-safe fixes for, and what each fixes.
pub const FIXABLE: [(RuleCode, &str); 6] = [
    (
        RuleCode::UnannotatedMention,
        "annotates a name that belongs to one entity only",
    ),
    (
        RuleCode::UndatedClaim,
        "adds date= when the claim's sentence holds exactly one date",
    ),
    (
        RuleCode::UnsourcedClaim,
        "adds by= when the claim's attribution names its speaker",
    ),
    (
        RuleCode::UnknownEntity,
        "replaces an id by its one suggestion at edit distance 1",
    ),
    (
        RuleCode::BrokenReference,
        "replaces a reference by its one suggestion at edit distance 1",
    ),
    (
        RuleCode::UnannotatedQuote,
        "wraps a quotation whose speaker was found in a claim",
    ),
];

pub struct Options {
    /// The corpus root, or any folder or file inside it.
    pub path: PathBuf,
    /// The rules to fix (all of `FIXABLE` when empty).
    pub rules: Vec<RuleCode>,
    /// Print a unified diff and write nothing.
    pub diff: bool,
}

/// What a run did, besides its output: notes for standard error, and the exit status.
#[derive(Debug, Default)]
pub struct Outcome {
    pub notes: Vec<String>,
    /// 0: no error remains; 1: errors remain (fix cannot mend them); 2: a file could not be written.
    pub exit_code: i32,
    /// The files changed (or, with `--diff`, that would be), relative to the root.
    pub changed: Vec<String>,
}

/// One edit a fix makes, with what it says about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub code: RuleCode,
    pub range: TextRange,
    pub insert: String,
    /// Where the finding was (the fix's paragraph), for the re-check and the report.
    pub at: TextRange,
    pub note: String,
    /// The line and column (from 1) of `at`, in the text the fix was planned on.
    pub place: (usize, usize),
}

/// The fixes of one document, and the text they make.
#[derive(Debug)]
pub struct DocumentFix {
    pub slot: DocumentSlot,
    pub applied: Vec<Fix>,
    /// Fixes dropped because they would have created an error.
    pub skipped: Vec<Fix>,
    /// The fixed text; empty when no fix was applied.
    pub text: String,
    /// Errors left in the document after the fixes.
    pub errors: usize,
}

/// How many documents are fixed at a time: each batch in parallel, then reported (and
/// written) in path order and dropped, so that fix holds the corpus and one batch.
const BATCH: usize = 256;

/// Runs `annals fix`: the diff (with `--diff`) or the changes per file go to `stdout` as
/// each batch of documents is done.
pub fn run(options: &Options, mut stdout: impl std::io::Write) -> Result<Outcome, String> {
    for code in &options.rules {
        if !FIXABLE.iter().any(|(c, _)| c == code) {
            let codes: Vec<&str> = FIXABLE.iter().map(|(c, _)| c.as_str()).collect();
            return Err(format!(
                "`annals fix` has no fixes for `{code}`; the rules it fixes are: {}",
                codes.join(", ")
            ));
        }
    }
    let corpus = Corpus::discover(&options.path).map_err(|e| e.to_string())?;
    let rules: Vec<RuleCode> = if options.rules.is_empty() {
        FIXABLE.iter().map(|(c, _)| *c).collect()
    } else {
        options.rules.clone()
    };
    let mut slots: Vec<DocumentSlot> = corpus.live().map(|(s, _)| s).collect();
    slots.sort_by(|a, b| corpus.documents[a.index()].path.cmp(&corpus.documents[b.index()].path));
    let mut out = Outcome::default();
    let mut errors = 0;
    for batch in slots.chunks(BATCH) {
        let fixes: Vec<(DocumentFix, String)> = batch
            .par_iter()
            .map(|&slot| {
                let mut f = fix_document(&corpus, slot, &rules);
                let doc = &corpus.documents[slot.index()];
                let mut said = String::new();
                if options.diff && !f.applied.is_empty() {
                    let diff = similar::TextDiff::from_lines(doc.text.as_str(), f.text.as_str());
                    said = diff
                        .unified_diff()
                        .context_radius(1)
                        .header(&format!("a/{}", doc.path), &format!("b/{}", doc.path))
                        .to_string();
                    f.text = String::new();
                }
                (f, said)
            })
            .collect();
        for (f, mut said) in fixes {
            errors += f.errors;
            let doc = &corpus.documents[f.slot.index()];
            for s in f.skipped.iter().filter(|s| !s.note.is_empty()) {
                let (line, column) = s.place;
                out.notes.push(format!(
                    "{}:{line}:{column}: not fixed ({}): it would create an error",
                    doc.path, s.code
                ));
            }
            if f.applied.is_empty() {
                continue;
            }
            out.changed.push(doc.path.clone());
            if !options.diff {
                match write::replace(&corpus.root, &doc.path, &doc.text, &f.text) {
                    Ok(()) => said = changes(&doc.path, &f.applied),
                    Err(e) => {
                        out.notes.push(format!("{}: not written: {e}", doc.path));
                        out.exit_code = 2;
                    }
                }
            }
            // A closed pipe (`annals fix --diff | head`) stops the output, not the run.
            let _ = stdout.write_all(said.as_bytes());
        }
    }
    let _ = stdout.flush();
    if out.exit_code == 0 {
        out.exit_code = i32::from(errors > 0);
    }
    let summary = if options.diff { "would change" } else { "changed" };
    out.notes.push(format!(
        "{summary} {} file{}{}",
        out.changed.len(),
        if out.changed.len() == 1 { "" } else { "s" },
        if errors > 0 {
            format!("; {errors} error{} remain", if errors == 1 { "" } else { "s" })
        } else {
            String::new()
        }
    ));
    Ok(out)
}

/// What fix changed in one file, a line per fix (a quotation's second insertion has no note
/// of its own).
fn changes(path: &str, applied: &[Fix]) -> String {
    let told: Vec<&Fix> = applied.iter().filter(|f| !f.note.is_empty()).collect();
    let mut out = format!(
        "{path}: {} fix{}\n",
        told.len(),
        if told.len() == 1 { "" } else { "es" }
    );
    for fix in told {
        let (line, column) = fix.place;
        let _ = writeln!(out, "  {line}:{column} {}: {}", fix.code, fix.note);
    }
    out
}

fn is_error(f: &Finding) -> bool {
    f.severity == Severity::Error
}

/// The fixes of one document: planned from its findings, applied in one pass, checked
/// again. Quotations come second, read from the text the other fixes made, so that a speaker
/// named by a name just annotated counts.
pub fn fix_document(corpus: &Corpus, slot: DocumentSlot, rules: &[RuleCode]) -> DocumentFix {
    let doc = &corpus.documents[slot.index()];
    // The quotations are read again from the text the other fixes make (`plan_quotes`):
    // their findings are needed here only when they count as errors.
    let findings = if corpus.config.severity(RuleCode::UnannotatedQuote) == Some(Severity::Error) {
        corpus.findings_of(slot)
    } else {
        let mut config = corpus.config.clone();
        config.rules.insert(RuleCode::UnannotatedQuote, None);
        rules::document_findings(&corpus.documents, &corpus.index, &config, slot)
    };
    let errors_before: Vec<&Finding> = findings.iter().filter(|f| is_error(f)).collect();
    let mut out = DocumentFix {
        slot,
        applied: Vec::new(),
        skipped: Vec::new(),
        text: String::new(),
        errors: errors_before.len(),
    };
    let fixes = plan(corpus, doc, &findings, rules);
    let first = settle(corpus, slot, doc, &errors_before, fixes, &mut out);
    let quotes =
        rules.contains(&RuleCode::UnannotatedQuote) && corpus.config.severity(RuleCode::UnannotatedQuote).is_some();
    if quotes && doc.kind == crate::document::DocumentKind::Article {
        let base = first.as_ref().unwrap_or(doc);
        let fixes = plan_quotes(corpus, base);
        settle(corpus, slot, base, &errors_before, fixes, &mut out);
    }
    out
}

/// Applies `fixes` to `doc` and checks the result: at most three checks, twice dropping the
/// fixes of paragraphs with a new error, then all. Records what was applied and skipped in
/// `out`, and returns the fixed document when something was applied.
fn settle(
    corpus: &Corpus,
    slot: DocumentSlot,
    doc: &Document,
    errors_before: &[&Finding],
    mut fixes: Vec<Fix>,
    out: &mut DocumentFix,
) -> Option<Document> {
    for f in &mut fixes {
        let at = doc.lines.line_column(&doc.text, f.at.start as usize);
        f.place = (at.line + 1, at.column + 1);
    }
    for round in 0..3 {
        if fixes.is_empty() {
            return None;
        }
        let (text, placed) = apply(&doc.text, &fixes);
        let (fixed, new_errors) = new_errors(corpus, slot, doc, &text, errors_before);
        if new_errors.is_empty() {
            out.applied.append(&mut fixes);
            out.text = text;
            return Some(fixed);
        }
        if round == 2 {
            break;
        }
        // The paragraphs (in the new text) of the new errors, from one list of blank lines.
        let breaks = blank_lines(&text);
        let paragraphs: Vec<TextRange> = new_errors.iter().map(|r| paragraph(&breaks, text.len(), *r)).collect();
        let (keep, drop): (Vec<Placed>, Vec<Placed>) = fixes
            .into_iter()
            .zip(placed)
            .partition(|(_, at)| !paragraphs.iter().any(|p| p.start <= at.end && at.start <= p.end));
        fixes = keep.into_iter().map(|(f, _)| f).collect();
        if drop.is_empty() {
            // An error outside every fix's paragraph: keep nothing rather than guess.
            break;
        }
        out.skipped.extend(drop.into_iter().map(|(f, _)| f));
    }
    out.skipped.append(&mut fixes);
    None
}

/// The ranges (in `text`) of errors that the fixed text has and the original had not:
/// compared by code and message, as many times as each occurs.
fn new_errors(
    corpus: &Corpus,
    slot: DocumentSlot,
    doc: &Document,
    text: &str,
    before: &[&Finding],
) -> (Document, Vec<TextRange>) {
    let fixed = Document::new(doc.id.clone(), doc.path.clone(), doc.kind, text.to_string());
    // Only errors count: the rules that cannot give one are not run (the name matcher's
    // search and the quotations' pass were half of a re-check).
    let mut config = corpus.config.clone();
    for &code in RuleCode::ALL {
        if config.severity(code) != Some(Severity::Error) {
            config.rules.insert(code, None);
        }
    }
    let cx = Context::new(&corpus.documents, &corpus.index, &config, slot, &fixed);
    let mut after = rules::own_findings(&cx);
    rules::link_findings(&cx, &mut after);
    let after = rules::settle(&config, after);
    let mut old: HashMap<(RuleCode, &str), usize> = HashMap::default();
    for f in before {
        *old.entry((f.code, &*f.message)).or_default() += 1;
    }
    let mut out = Vec::new();
    for f in after.iter().filter(|f| is_error(f)) {
        match old.get_mut(&(f.code, &*f.message)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(f.range),
        }
    }
    drop(old);
    (fixed, out)
}

/// Where the text's paragraph breaks (`\n\n`) are.
fn blank_lines(text: &str) -> Vec<usize> {
    memchr::memmem::find_iter(text.as_bytes(), b"\n\n").collect()
}

/// The paragraph around `range`: up to the nearest breaks.
fn paragraph(breaks: &[usize], len: usize, range: TextRange) -> TextRange {
    let k = breaks.partition_point(|&b| b + 2 <= range.start as usize);
    let start = k.checked_sub(1).map_or(0, |j| breaks[j] + 2);
    let after = breaks.partition_point(|&b| b < range.end as usize);
    let end = breaks.get(after).copied().unwrap_or(len);
    TextRange::new(start, end.max(start))
}

/// Applies the fixes (sorted, none overlapping) in one pass; returns the new text and where
/// each fix landed in it.
pub fn apply(text: &str, fixes: &[Fix]) -> (String, Vec<TextRange>) {
    let mut out = String::with_capacity(text.len() + fixes.iter().map(|f| f.insert.len()).sum::<usize>());
    let mut placed = Vec::with_capacity(fixes.len());
    let mut at = 0;
    for f in fixes {
        let (s, e) = (f.range.start as usize, f.range.end as usize);
        out.push_str(&text[at..s]);
        let start = out.len();
        out.push_str(&f.insert);
        placed.push(TextRange::new(start, out.len()));
        at = e;
    }
    out.push_str(&text[at..]);
    (out, placed)
}

/// The names `a did-you-mean` lists in a message.
fn listed(message: &str) -> Vec<&str> {
    let Some((_, rest)) = message.split_once("did you mean") else {
        return Vec::new();
    };
    rest.split('`').skip(1).step_by(2).collect()
}

/// The bulk-safe fixes of a document's findings, sorted and none overlapping another.
fn plan(corpus: &Corpus, doc: &Document, findings: &[Finding], rules: &[RuleCode]) -> Vec<Fix> {
    let on = |code: RuleCode| rules.contains(&code);
    let mut fixes: Vec<Fix> = Vec::new();
    let mut push = |code: RuleCode, range: TextRange, insert: String, at: TextRange, note: String| {
        fixes.push(Fix {
            code,
            range,
            insert,
            at,
            note,
            place: (0, 0),
        });
    };
    // Unannotated names: only where one entity has the name.
    if on(RuleCode::UnannotatedMention) {
        let mut per_range: HashMap<TextRange, usize> = HashMap::default();
        for f in findings.iter().filter(|f| f.code == RuleCode::UnannotatedMention) {
            *per_range.entry(f.range).or_default() += 1;
        }
        // A mention's whole text named for another entity is a mention to correct (its
        // `e=`), not a name to wrap once more.
        let mention_texts: rustc_hash::FxHashSet<TextRange> =
            doc.mentions.iter().map(|m| doc.span(m.span).text_range()).collect();
        for f in findings.iter().filter(|f| f.code == RuleCode::UnannotatedMention) {
            if mention_texts.contains(&f.range) {
                continue;
            }
            if let (Some(s), Some(1)) = (&f.suggestion, per_range.get(&f.range)) {
                let note = format!("annotated `{}` as {s}", &doc.text[f.range.range()]);
                push(f.code, f.range, s.clone(), f.range, note);
            }
        }
    }
    let claim_spans: HashMap<TextRange, crate::syntax::SpanRef> = doc
        .claims
        .iter()
        .map(|c| doc.span(c.span))
        .map(|s| (s.attributes_range(), s))
        .collect();
    if on(RuleCode::UndatedClaim) {
        let undated: Vec<&Finding> = findings.iter().filter(|f| f.code == RuleCode::UndatedClaim).collect();
        let ranges: Vec<TextRange> = undated
            .iter()
            .filter_map(|f| claim_spans.get(&f.range).map(|s| s.range))
            .collect();
        let dates = rules::quotes::sentence_dates(doc, &corpus.documents, &corpus.index, &ranges);
        let spans = undated.iter().filter_map(|f| claim_spans.get(&f.range).map(|s| (f, s)));
        for ((f, span), dates) in spans.zip(dates) {
            if let [date] = dates[..] {
                let at = TextRange::empty(span.attributes_range().end as usize - 1);
                push(
                    f.code,
                    at,
                    format!(" date={date}"),
                    f.range,
                    format!("date={date}, the one date of its sentence"),
                );
            }
        }
    }
    if on(RuleCode::UnsourcedClaim) {
        // The speaker its attribution names ("…,” Rogozin said"), as for a quotation: a
        // claim of the article's own has none, and stays unsourced.
        let unsourced: Vec<(&Finding, crate::syntax::SpanRef)> = findings
            .iter()
            .filter(|f| f.code == RuleCode::UnsourcedClaim)
            .filter_map(|f| claim_spans.get(&f.range).map(|s| (f, *s)))
            .collect();
        let ranges: Vec<TextRange> = unsourced.iter().map(|(_, s)| s.text_range()).collect();
        let drafts = rules::quotes::drafts(doc, &corpus.documents, &corpus.index, &ranges);
        for ((f, span), draft) in unsourced.into_iter().zip(drafts) {
            if let Some(one) = draft.and_then(|d| d.speaker) {
                let at = TextRange::empty(span.attributes_range().end as usize - 1);
                push(
                    f.code,
                    at,
                    format!(" by={one}"),
                    f.range,
                    format!("by={one}, the speaker its attribution names"),
                );
            }
        }
    }
    for code in [RuleCode::UnknownEntity, RuleCode::BrokenReference] {
        if !on(code) {
            continue;
        }
        for f in findings.iter().filter(|f| f.code == code) {
            let Some(s) = &f.suggestion else { continue };
            let old = &doc.text[f.range.range()];
            // The suggestion in full form ("DOC:ID") for each name the message lists.
            let prefix = old.rsplit_once(':').map(|(d, _)| d);
            let full = |n: &str| match prefix {
                Some(d) if !n.contains(':') => format!("{d}:{n}"),
                _ => n.to_string(),
            };
            let at_one: Vec<String> = listed(&f.message)
                .into_iter()
                .map(full)
                .filter(|n| strsim::levenshtein(old, n) == 1)
                .collect();
            if strsim::levenshtein(old, s) == 1 && at_one.len() <= 1 {
                push(code, f.range, s.clone(), f.range, format!("`{old}` → `{s}`"));
            }
        }
    }
    without_overlaps(fixes)
}

/// The quotations of `doc` whose speaker was found, each wrapped by two insertions, so that
/// fixes inside a quotation (its names) apply too.
fn plan_quotes(corpus: &Corpus, doc: &Document) -> Vec<Fix> {
    let mut fixes = Vec::new();
    for q in rules::quotes::quotations(doc, &corpus.documents, &corpus.index) {
        let Some(by) = &q.speaker else { continue };
        let fix = |range: TextRange, insert: String, note: String| Fix {
            code: RuleCode::UnannotatedQuote,
            range,
            insert,
            at: q.range,
            note,
            place: (0, 0),
        };
        fixes.push(fix(
            TextRange::empty(q.range.start as usize),
            "[".into(),
            format!("wrapped a quotation of `{by}` in claim #{}", q.id),
        ));
        fixes.push(fix(
            TextRange::empty(q.range.end as usize),
            format!("]{{{}}}", q.attributes()),
            String::new(),
        ));
    }
    without_overlaps(fixes)
}

/// A fix and where it landed in the fixed text.
type Placed = (Fix, TextRange);

/// The fixes sorted, none overlapping another (the first of two at one place wins), and a
/// quotation's two insertions kept together.
fn without_overlaps(mut fixes: Vec<Fix>) -> Vec<Fix> {
    fixes.sort_by_key(|f| (f.range.start, f.range.end, f.insert.starts_with(']')));

    // None overlapping: the first of two fixes of one place wins.
    let mut end = 0u32;
    let mut kept: Vec<Fix> = Vec::with_capacity(fixes.len());
    for f in fixes {
        if f.range.start < end {
            continue;
        }
        end = end.max(f.range.end);
        kept.push(f);
    }
    // A quotation's two insertions go together: drop one left alone.
    let count: HashMap<TextRange, usize> =
        kept.iter()
            .filter(|f| f.code == RuleCode::UnannotatedQuote)
            .fold(HashMap::default(), |mut m, f| {
                *m.entry(f.at).or_default() += 1;
                m
            });
    kept.retain(|f| f.code != RuleCode::UnannotatedQuote || count.get(&f.at) == Some(&2));
    kept
}
