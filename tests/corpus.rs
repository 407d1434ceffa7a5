//! The embedded seed corpus (corpus/): its shape, its links and its findings.
//! A change that breaks the showcase fails here.

mod support;

use annals::date::Date;
use annals::document::{Claim, RelationKind, Source};
use annals::{Corpus, RuleCode, Severity};
use serde::Serialize;

const DEORBIT_DOC: &str = "2022-02-25-rogozin-deorbit-tweetstorm";
const FIRST_DOC: &str = "2018-06-rogozin-heads-roscosmos";
const SPACE_COM: &str = "2022-04-02-space-com-russia-threatens-iss";
const ENDS_DOC: &str = "2022-04-02-russia-ends-iss-cooperation";
const SEZNAM: &str = "2022-03-18-seznam-zpravy-iss-relations-going-strong";

fn corpus() -> Corpus {
    Corpus::load(&support::repo_path("corpus")).expect("the seed corpus loads")
}

fn claim<'c>(corpus: &'c Corpus, doc: &str, id: &str) -> &'c Claim {
    let slot = corpus
        .index
        .document(doc)
        .unwrap_or_else(|| panic!("no document {doc}"));
    corpus.documents[slot.index()]
        .claim_by_id(id)
        .unwrap_or_else(|| panic!("no claim {doc}:{id}"))
        .1
}

fn speakers(c: &Claim) -> Vec<&str> {
    c.by.iter().map(|b| b.value.as_str()).collect()
}

/// The `DOC:ID` targets of one relation of a claim written in `doc`.
fn targets(c: &Claim, doc: &str, kind: RelationKind) -> Vec<String> {
    c.relations
        .iter()
        .filter(|r| r.kind == kind)
        .map(|r| format!("{}:{}", r.target.document.as_deref().unwrap_or(doc), r.target.claim))
        .collect()
}

#[test]
fn checks_without_errors_and_only_unsourced_warnings() {
    let corpus = corpus();
    let findings: Vec<_> = corpus
        .findings()
        .into_iter()
        .flat_map(|df| df.findings.into_iter().map(move |f| (df.document.path.clone(), f)))
        .collect();
    let not_unsourced: Vec<_> = findings
        .iter()
        .filter(|(_, f)| f.code != RuleCode::UnsourcedClaim)
        .collect();
    assert!(not_unsourced.is_empty(), "{not_unsourced:#?}");
    assert!(findings.iter().all(|(_, f)| f.severity == Severity::Warning));
    // corpus/README.md lists each of these warnings and why it stays.
    assert_eq!(findings.len(), 24);
    let readme = std::fs::read_to_string(support::repo_path("corpus/README.md")).unwrap();
    for (path, f) in &findings {
        let doc = corpus.documents.iter().find(|d| &d.path == path).unwrap();
        let claim = doc
            .claims
            .iter()
            .find(|c| doc.span(c.span).attributes_range() == f.range)
            .expect("an unsourced claim");
        let id = &claim.id.as_ref().expect("unsourced claims have ids").value;
        assert!(
            readme.contains(&format!("`{id}`")),
            "corpus/README.md does not explain the warning on {path}#{id}"
        );
    }
}

/// corpus/README.md's table of mentions, claims and unsourced claims per article is the corpus's.
#[test]
fn the_readme_counts_are_the_corpus_counts() {
    let corpus = corpus();
    let readme = std::fs::read_to_string(support::repo_path("corpus/README.md")).unwrap();
    let mut missing = Vec::new();
    for doc in corpus.documents.iter().filter(|d| d.article.is_some()) {
        let unsourced = doc
            .claims
            .iter()
            .filter(|c| c.by.is_empty() && c.source.is_none())
            .count();
        let row = format!(
            "| `{}` | {} | {} | {} |",
            doc.id,
            doc.mentions.len(),
            doc.claims.len(),
            unsourced
        );
        if !readme.contains(&row) {
            missing.push(row);
        }
    }
    assert!(
        missing.is_empty(),
        "corpus/README.md's table lacks these rows (document, mentions, claims, unsourced claims):\n{}",
        missing.join("\n")
    );
}

#[test]
fn shape() {
    let corpus = corpus();
    let articles: Vec<_> = corpus.documents.iter().filter(|d| d.article.is_some()).collect();
    let entities: Vec<_> = corpus.documents.iter().filter(|d| d.entity.is_some()).collect();
    assert_eq!(articles.len(), 5);
    assert_eq!(entities.len(), 74);
    let claims: usize = articles.iter().map(|d| d.claims.len()).sum();
    let mentions: usize = articles.iter().map(|d| d.mentions.len()).sum();
    assert!(claims >= 60, "{claims} claims");
    assert!(mentions >= 250, "{mentions} mentions");
    for a in &articles {
        let meta = a.article.as_ref().unwrap();
        assert!(meta.title.is_some() && meta.published.is_some(), "{}", a.path);
        assert!(
            a.path.starts_with("articles/") && a.id.starts_with(&meta.published.as_ref().unwrap().value.to_string()),
            "named by date: {}",
            a.path
        );
    }
    let space_com = &corpus.documents[corpus.index.document(SPACE_COM).unwrap().index()];
    let meta = space_com.article.as_ref().unwrap();
    assert_eq!(meta.outlet.as_ref().unwrap().value, "space-com");
    assert_eq!(
        meta.authors.iter().map(|a| a.value.as_str()).collect::<Vec<_>>(),
        ["mike-wall"]
    );

    // Cross-document links: relations whose target is another document.
    let cross: usize = articles
        .iter()
        .flat_map(|d| {
            d.claims
                .iter()
                .flat_map(|c| c.relations.iter())
                .filter(|r| r.target.document.as_deref().is_some_and(|t| t != d.id))
        })
        .count();
    assert!(cross >= 10, "{cross} cross-document links");
}

#[test]
fn the_known_quotes_have_their_speakers_and_dates() {
    let corpus = corpus();
    let trampoline = claim(&corpus, FIRST_DOC, "trampoline");
    assert_eq!(
        (speakers(trampoline), trampoline.date.unwrap().to_string()),
        (vec!["rogozin"], "2014-04-29".to_string())
    );
    let tanks = claim(&corpus, FIRST_DOC, "tanks-visas");
    assert_eq!(
        (speakers(tanks), tanks.date.unwrap().to_string()),
        (vec!["rogozin"], "2015".to_string())
    );
    let deorbit = claim(&corpus, DEORBIT_DOC, "deorbit");
    assert_eq!(
        (speakers(deorbit), deorbit.date.unwrap().to_string()),
        (vec!["rogozin"], "2022-02-24".to_string())
    );
    let purpose = claim(&corpus, SPACE_COM, "sanctions-purpose");
    assert_eq!(
        (speakers(purpose), purpose.date.unwrap().to_string()),
        (vec!["rogozin"], "2022-04-02".to_string())
    );
    let musk = claim(&corpus, ENDS_DOC, "musk-reply");
    assert_eq!(speakers(musk), ["musk"]);
}

#[test]
fn repeats_point_at_the_first_report_and_replies_at_what_they_answer() {
    let corpus = corpus();
    // The trampoline remark: the 2018 report is the first; every later one repeats it.
    let later = claim(&corpus, DEORBIT_DOC, "trampoline");
    assert_eq!(
        targets(later, DEORBIT_DOC, RelationKind::Repeats),
        [format!("{FIRST_DOC}:trampoline")]
    );
    // The deorbit tweet, reported again in the 2 April article.
    let deorbit_again = claim(&corpus, ENDS_DOC, "deorbit");
    assert_eq!(
        targets(deorbit_again, ENDS_DOC, RelationKind::Repeats),
        [format!("{DEORBIT_DOC}:deorbit")]
    );
    // NASA's statement and Musk's "SpaceX." answer the deorbit tweet.
    let nasa = claim(&corpus, DEORBIT_DOC, "nasa-statement");
    assert_eq!(speakers(nasa), ["nasa"]);
    assert_eq!(
        targets(nasa, DEORBIT_DOC, RelationKind::RepliesTo),
        [format!("{DEORBIT_DOC}:deorbit")]
    );
    let musk = claim(&corpus, ENDS_DOC, "musk-reply");
    assert_eq!(
        targets(musk, ENDS_DOC, RelationKind::RepliesTo),
        [format!("{DEORBIT_DOC}:deorbit")]
    );
    // "Our concerns have been heard" answers NASA's statement.
    let heard = claim(&corpus, DEORBIT_DOC, "concerns-heard");
    assert_eq!(
        targets(heard, DEORBIT_DOC, RelationKind::RepliesTo),
        [format!("{DEORBIT_DOC}:nasa-statement")]
    );
    assert_eq!(heard.date.unwrap().to_string(), "2022-02-25");
    // Nelson's letter of 30 March answers Rogozin's letter of 14 March.
    let space_com = &corpus.documents[corpus.index.document(SPACE_COM).unwrap().index()];
    let nelson: Vec<&Claim> = space_com
        .claims
        .iter()
        .filter(|c| speakers(c).contains(&"nelson"))
        .collect();
    assert!(!nelson.is_empty());
    for c in &nelson {
        assert_eq!(c.date.unwrap().to_string(), "2022-03-30");
        assert_eq!(
            targets(c, SPACE_COM, RelationKind::RepliesTo),
            [format!("{SPACE_COM}:letter-march-14")]
        );
    }
    let letter = claim(&corpus, SPACE_COM, "letter-march-14");
    assert_eq!(
        (speakers(letter), letter.date.unwrap().to_string()),
        (vec!["rogozin"], "2022-03-14".to_string())
    );
    // Every relation resolves (the index holds it), so the back-links exist too.
    let deorbit_key = corpus.index.resolve_claim(
        &corpus.documents,
        annals::slots::DocumentSlot::new(0),
        &annals::ids::ClaimRef {
            document: Some(DEORBIT_DOC.into()),
            claim: "deorbit".into(),
            range: Default::default(),
        },
    );
    assert!(deorbit_key.is_some());
    let back = corpus.index.references_to_claim(DEORBIT_DOC, "deorbit").count();
    assert!(back >= 4, "{back} relations point at the deorbit tweet");
}

#[test]
fn entities_carry_roles_and_aliases() {
    let corpus = corpus();
    let rogozin_slot = corpus.index.entity(&corpus.documents, "rogozin").unwrap();
    let rogozin = corpus.documents[rogozin_slot.index()].entity.as_ref().unwrap();
    assert!(rogozin.aliases.iter().any(|a| a.value == "РОГОЗИН"));
    let on = |date: &str| -> Vec<String> {
        let d = annals::date::Date::parse(date).unwrap();
        rogozin
            .roles
            .iter()
            .filter(|r| r.held_on(d))
            .map(|r| r.title.as_ref().unwrap().value.clone())
            .collect()
    };
    assert_eq!(on("2022-04-02"), ["Director General"]);
    assert_eq!(on("2015"), ["Deputy Prime Minister of Russia"]);
    let orgs: Vec<&str> = rogozin
        .roles
        .iter()
        .filter_map(|r| r.org.as_ref().map(|o| o.value.as_str()))
        .collect();
    assert!(orgs.contains(&"roscosmos") && orgs.contains(&"russian-government"));
    for (id, title) in [("putin", "President of Russia"), ("nelson", "NASA Administrator")] {
        let slot = corpus
            .index
            .entity(&corpus.documents, id)
            .unwrap_or_else(|| panic!("no entity {id}"));
        let e = corpus.documents[slot.index()].entity.as_ref().unwrap();
        assert!(
            e.roles
                .iter()
                .any(|r| r.title.as_ref().is_some_and(|t| t.value == title)),
            "{id} is {title}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Dates and their evidence, and the ground truth of quotation detection (issue 22).
//
// What the text supports is read, not written by hand: the dates written in the plain text
// (docs/format.md section 8) of the claim's paragraph and of the paragraph before it, read by the
// library's date reader (`annals::ide::dates::dates_in`: "Feb. 24", "on Saturday (April 2)",
// "in 2015", "February 24, 2022") and, in addition, month names on their own ("in February",
// "At the beginning of March"), each resolved against the article's publication date. An
// article's own statement (no `by=`) is also supported by the publication date itself; a
// statement the article reports is supported by the publication's month ("says", "say": what
// the text reports as current), never by its day.

const GROUND_TRUTH: &str = "tests/data/quotations.json";

/// A document's plain text (docs/format.md section 8): the body with every annotation's `[` and `]{…}`
/// removed and escapes resolved; `at[k]` is the plain byte offset of body byte `k`.
struct Plain {
    text: String,
    at: Vec<usize>,
    body_start: usize,
}

impl Plain {
    fn of(doc: &annals::Document) -> Plain {
        let raw = doc.text.as_bytes();
        let body_start = doc.syntax.body_start;
        let mut cut = vec![false; raw.len()];
        for span in &doc.syntax.spans {
            cut[span.range.start as usize] = true;
            for c in &mut cut[span.text_range().end as usize..span.range.end as usize] {
                *c = true;
            }
        }
        let mut text = String::with_capacity(raw.len());
        let mut at = vec![0; raw.len() - body_start + 1];
        let mut k = body_start;
        while k < raw.len() {
            at[k - body_start] = text.len();
            let b = raw[k];
            if cut[k] || (b == b'\r' && raw.get(k + 1) == Some(&b'\n')) {
                k += 1;
                continue;
            }
            if b == b'\\' && raw.get(k + 1).is_some_and(|n| n.is_ascii_punctuation()) && !cut[k + 1] {
                at[k + 1 - body_start] = text.len();
                text.push(raw[k + 1] as char);
                k += 2;
                continue;
            }
            let ch = doc.text[k..].chars().next().unwrap();
            for j in 0..ch.len_utf8() {
                at[k + j - body_start] = text.len();
            }
            text.push(ch);
            k += ch.len_utf8();
        }
        at[raw.len() - body_start] = text.len();
        Plain { text, at, body_start }
    }

    /// The plain byte range of raw range `r`.
    fn range(&self, r: annals::text::TextRange) -> (usize, usize) {
        (
            self.at[r.start as usize - self.body_start],
            self.at[r.end as usize - self.body_start],
        )
    }

    /// Unicode code points before plain byte offset `b` (docs/format.md section 8 counts code points).
    fn code_points(&self, b: usize) -> usize {
        self.text[..b].chars().count()
    }

    /// From the start of the paragraph before the one holding `start` to the end of the
    /// paragraph holding `end`.
    fn paragraphs_around(&self, start: usize, end: usize) -> &str {
        let breaks: Vec<(usize, usize)> = {
            let t = self.text.as_bytes();
            let mut out = Vec::new();
            let mut k = 0;
            while k < t.len() {
                if t[k] == b'\n' {
                    let mut j = k + 1;
                    while j < t.len() && (t[j] == b' ' || t[j] == b'\t') {
                        j += 1;
                    }
                    if j < t.len() && t[j] == b'\n' {
                        let mut e = j;
                        while e < t.len() && t[e].is_ascii_whitespace() {
                            e += 1;
                        }
                        out.push((k, e));
                        k = e;
                        continue;
                    }
                }
                k += 1;
            }
            out
        };
        let para_start = |at: usize| breaks.iter().rev().find(|(_, e)| *e <= at).map_or(0, |(_, e)| *e);
        let here = para_start(start);
        let from = if here == 0 {
            0
        } else {
            para_start(breaks.iter().rev().find(|(_, e)| *e == here).unwrap().0)
        };
        let to = breaks
            .iter()
            .find(|(s, _)| *s >= end)
            .map_or(self.text.len(), |(s, _)| *s);
        &self.text[from..to]
    }
}

fn precision(d: Date) -> u8 {
    1 + d.month.is_some() as u8 + d.day.is_some() as u8
}

fn truncate(d: Date, p: u8) -> Date {
    Date {
        year: d.year,
        month: if p >= 2 { d.month } else { None },
        day: if p >= 3 { d.day } else { None },
    }
}

/// Dates written in `text`: the library's reader, and month names on their own.
fn written_dates(text: &str, published: Option<Date>) -> Vec<Date> {
    let mut out: Vec<Date> = annals::ide::dates::dates_in(text, published)
        .into_iter()
        .map(|(_, w)| w.date)
        .collect();
    if let Some(p) = published {
        // "May" is a verb as often as a month: not read on its own.
        for (k, name) in annals::date::MONTHS.iter().enumerate().filter(|(_, n)| **n != "May") {
            let month = k as u8 + 1;
            let whole_word = text.match_indices(name).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + name.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
            });
            if whole_word {
                let year = if p.month.is_none_or(|m| month <= m) {
                    p.year
                } else {
                    p.year - 1
                };
                out.push(Date {
                    year,
                    month: Some(month),
                    day: None,
                });
            }
        }
    }
    out
}

/// What a claim's text supports of its `date=`: the date cut back to the most exact form
/// that a date read near it (or, as above, the publication date) agrees with; `None` when
/// nothing agrees even on the year.
fn text_date(doc: &annals::Document, plain: &Plain, c: &Claim) -> Option<Date> {
    let date = c.date?;
    let published = doc.published();
    let (start, end) = plain.range(doc.span(c.span).text_range());
    let mut candidates = written_dates(plain.paragraphs_around(start, end), published);
    if let Some(p) = published {
        candidates.push(if c.by.is_empty() { p } else { truncate(p, 2) });
    }
    (1..=precision(date))
        .rev()
        .find(|&p| {
            candidates
                .iter()
                .any(|&w| precision(w) >= p && truncate(w, p) == truncate(date, p))
        })
        .map(|p| truncate(date, p))
}

fn source_text(c: &Claim) -> Option<String> {
    c.source.as_deref().map(|s| match s {
        Source::Address(a) => a.value.clone(),
        Source::Document { document, claim } => match claim {
            Some(r) => format!("{}:{}", document.value, r.claim),
            None => document.value.clone(),
        },
    })
}

fn articles(corpus: &Corpus) -> Vec<&annals::Document> {
    let mut docs: Vec<_> = corpus.documents.iter().filter(|d| d.article.is_some()).collect();
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    docs
}

#[test]
fn every_date_more_exact_than_its_text_has_a_source() {
    let corpus = corpus();
    let mut unsupported = Vec::new();
    for doc in articles(&corpus) {
        let plain = Plain::of(doc);
        for c in &doc.claims {
            let Some(date) = c.date else { continue };
            let supported = text_date(doc, &plain, c);
            if supported != Some(date) && c.source.is_none() {
                let id = c.id.as_ref().map_or("?", |i| i.value.as_str());
                let shown = supported.map_or("nothing".to_string(), |d| d.to_string());
                unsupported.push(format!("{}:{id} date={date} (its text supports {shown})", doc.id));
            }
        }
    }
    assert!(
        unsupported.is_empty(),
        "claims dated more exactly than their text, without a source= that shows the date \
         (add the source, or cut the date back to what the text supports):\n{}",
        unsupported.join("\n")
    );
}

#[derive(Serialize)]
struct GroundTruth {
    about: &'static str,
    documents: Vec<DocumentTruth>,
}

#[derive(Serialize)]
struct DocumentTruth {
    document: String,
    published: String,
    claims: Vec<ClaimTruth>,
}

#[derive(Serialize)]
struct ClaimTruth {
    id: Option<String>,
    /// `quotation` (its text opens with a quotation mark), `partial-quotation` (a reported
    /// statement with a quoted fragment), `reported` (attributed, no quotation mark), `own`
    /// (the article's own statement, no `by=`), `translation` (the original-language text of
    /// a statement the article also gives in translation).
    kind: &'static str,
    /// The claim whose text holds this one.
    nested_in: Option<String>,
    /// For a translation: the claim of the same document that it repeats.
    translation_of: Option<String>,
    speakers: Vec<String>,
    /// The claim's `date=`.
    date: Option<String>,
    /// What the text itself supports of it (see `text_date`); null when nothing.
    text_date: Option<String>,
    source: Option<String>,
    /// Code points into the document's plain text (docs/format.md section 8), end exclusive.
    start: usize,
    end: usize,
    text: String,
}

const OPENING_QUOTES: [char; 4] = ['"', '“', '«', '„'];
const QUOTES: [char; 6] = ['"', '“', '”', '«', '»', '„'];

fn ground_truth(corpus: &Corpus) -> GroundTruth {
    let mut documents = Vec::new();
    for doc in articles(corpus) {
        let plain = Plain::of(doc);
        let id_of = |k: annals::slots::ClaimIndex| doc.claims[k.index()].id.as_ref().map(|i| i.value.to_string());
        let claims = doc
            .claims
            .iter()
            .map(|c| {
                let (start, end) = plain.range(doc.span(c.span).text_range());
                let text = plain.text[start..end].to_string();
                let trimmed = text.trim();
                let letters: Vec<char> = trimmed.chars().filter(|ch| ch.is_alphabetic()).collect();
                let foreign = letters.iter().filter(|ch| !ch.is_ascii()).count() * 2 > letters.len();
                let translation_of = c
                    .relations
                    .iter()
                    .find(|r| {
                        r.kind == RelationKind::Repeats && r.target.document.as_deref().is_none_or(|d| d == doc.id)
                    })
                    .filter(|_| foreign)
                    .map(|r| r.target.claim.to_string());
                let kind = if translation_of.is_some() {
                    "translation"
                } else if c.by.is_empty() {
                    "own"
                } else if trimmed.starts_with(OPENING_QUOTES) {
                    "quotation"
                } else if trimmed.contains(QUOTES) {
                    "partial-quotation"
                } else {
                    "reported"
                };
                ClaimTruth {
                    id: c.id.as_ref().map(|i| i.value.to_string()),
                    kind,
                    nested_in: c.parent.and_then(id_of),
                    translation_of,
                    speakers: c.by.iter().map(|b| b.value.to_string()).collect(),
                    date: c.date.map(|d| d.to_string()),
                    text_date: text_date(doc, &plain, c).map(|d| d.to_string()),
                    source: source_text(c),
                    start: plain.code_points(start),
                    end: plain.code_points(end),
                    text,
                }
            })
            .collect();
        documents.push(DocumentTruth {
            document: doc.id.clone(),
            published: doc.published().map(|d| d.to_string()).unwrap_or_default(),
            claims,
        });
    }
    GroundTruth {
        about: "Derived from corpus/ by tests/corpus.rs (ground_truth_is_in_step_with_the_corpus); \
                do not edit by hand: UPDATE_GROUND_TRUTH=1 cargo test --test corpus rewrites it.",
        documents,
    }
}

#[test]
fn ground_truth_is_in_step_with_the_corpus() {
    let corpus = corpus();
    let truth = ground_truth(&corpus);
    let json = serde_json::to_string_pretty(&truth).unwrap() + "\n";
    let path = support::repo_path(GROUND_TRUTH);
    if std::env::var_os("UPDATE_GROUND_TRUTH").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &json).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != json {
        let line = committed
            .lines()
            .zip(json.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(json.lines().count()));
        panic!(
            "{GROUND_TRUTH} is out of step with corpus/ (first difference at line {}: committed {:?}, derived {:?}); \
             regenerate it with `UPDATE_GROUND_TRUTH=1 cargo test --test corpus ground_truth` and commit it",
            line + 1,
            committed.lines().nth(line).unwrap_or("<end>"),
            json.lines().nth(line).unwrap_or("<end>"),
        );
    }

    // The derivation itself, on claims whose kind is known.
    let find = |doc: &str, id: &str| {
        truth
            .documents
            .iter()
            .find(|d| d.document == doc)
            .and_then(|d| d.claims.iter().find(|c| c.id.as_deref() == Some(id)))
            .unwrap_or_else(|| panic!("no claim {doc}:{id} in the ground truth"))
    };
    let trampoline = find(FIRST_DOC, "trampoline");
    assert_eq!(
        (trampoline.kind, trampoline.text_date.as_deref()),
        ("quotation", Some("2014"))
    );
    assert!(
        trampoline
            .text
            .starts_with("“After reviewing the sanctions against our [Russian space industry]")
    );
    let ru = find(DEORBIT_DOC, "deorbit-ru");
    assert_eq!(
        (ru.kind, ru.translation_of.as_deref()),
        ("translation", Some("deorbit"))
    );
    let nested = find(SEZNAM, "trampoline");
    assert_eq!(
        (nested.kind, nested.nested_in.as_deref(), nested.text_date.as_deref()),
        ("partial-quotation", Some("rogozin-rhetoric"), None)
    );
    assert_eq!(find(SEZNAM, "iss-funding").kind, "own");
    let purpose = find(SPACE_COM, "sanctions-purpose");
    assert_eq!(purpose.text_date.as_deref(), Some("2022-04-02"));
    let doc = &corpus.documents[corpus.index.document(SPACE_COM).unwrap().index()];
    let plain = Plain::of(doc);
    let at: String = plain
        .text
        .chars()
        .skip(purpose.start)
        .take(purpose.end - purpose.start)
        .collect();
    assert_eq!(at, purpose.text, "offsets count code points of the plain text");
}
