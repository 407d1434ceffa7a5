//! Quotations in prose that no claim covers, with an attribution nearby (`unannotated-quote`),
//! and the claim each would become. The rule, its quick fix, the code action on a selection
//! and `annals fix` all read the same `Quotation` drafts.
//!
//! One pass: the prose is read once (attribute blocks and code blanked), quotation marks are
//! paired per paragraph on a stack, and each quotation looks only at its own sentence, the
//! next one and the one before, never past its neighbouring quotations. The person mentioned
//! last before a quotation (for "he said") is kept as the pass goes.

use super::Context;
use crate::date::Date;
use crate::document::Document;
use crate::finding::{Finding, RuleCode};
use crate::ide::dates;
use crate::index::CorpusIndex;
use crate::text::TextRange;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// A quotation and the claim it would become.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quotation {
    /// The quotation, its marks included.
    pub range: TextRange,
    /// The entity that said it, when the attribution names one.
    pub speaker: Option<String>,
    pub date: Option<Date>,
    pub via: Option<&'static str>,
    /// A fresh claim id, from the quotation's first words.
    pub id: String,
}

impl Quotation {
    /// The claim's attribute block, without braces: `.claim #id by=x date=y via=z`.
    pub fn attributes(&self) -> String {
        let mut out = format!(".claim #{}", self.id);
        if let Some(by) = &self.speaker {
            out.push_str(&format!(" by={by}"));
        }
        if let Some(date) = self.date {
            out.push_str(&format!(" date={date}"));
        }
        if let Some(via) = self.via {
            out.push_str(&format!(" via={via}"));
        }
        out
    }

    /// The quotation wrapped in its claim: `[“…”]{.claim …}`.
    pub fn wrapped(&self, text: &str) -> String {
        format!("[{}]{{{}}}", &text[self.range.range()], self.attributes())
    }
}

/// The rule: one hint per quotation that no claim covers and that has an attribution.
/// Articles only: an entity's page describes it, and quotes articles as notes.
pub fn unannotated(cx: &Context, out: &mut Vec<Finding>) {
    if cx.doc.kind != crate::document::DocumentKind::Article {
        return;
    }
    for q in quotations(cx.doc, cx.documents, cx.index) {
        let who = match &q.speaker {
            Some(id) => format!("a quotation of {} (`{id}`)", entity_name(cx.documents, cx.index, id)),
            None => "an attributed quotation (no speaker found)".to_string(),
        };
        let message = format!(
            "{who} is not annotated as a claim: wrap it as `[…]{{{}}}`",
            q.attributes()
        );
        out.push(
            Finding::new(RuleCode::UnannotatedQuote, q.range, message).with_suggestion(Some(q.wrapped(&cx.doc.text))),
        );
    }
}

/// The entity's `name`, or its id.
fn entity_name(documents: &[Document], index: &CorpusIndex, id: &str) -> String {
    index
        .entity(documents, id)
        .and_then(|s| documents.get(s.index()))
        .and_then(|d| d.entity.as_ref())
        .and_then(|e| e.name.as_ref())
        .map_or_else(|| id.to_string(), |n| n.value.clone())
}

/// The kinds of entity that make statements.
const SPEAKER_KINDS: [&str; 4] = ["person", "agency", "organization", "government"];

/// Words that attribute a quotation (lower case; "according" counts when "to" follows).
const CUES: &[&str] = &[
    "said",
    "says",
    "say",
    "saying",
    "wrote",
    "writes",
    "writing",
    "tweeted",
    "tweets",
    "tweeting",
    "added",
    "adds",
    "adding",
    "told",
    "tells",
    "stated",
    "states",
    "announced",
    "announces",
    "claimed",
    "claims",
    "noted",
    "notes",
    "explained",
    "explains",
    "reminded",
    "reminds",
    "declared",
    "declares",
    "alleged",
    "alleges",
    "replied",
    "replies",
    "insisted",
    "insists",
    "warned",
    "warns",
    "posted",
    "according",
];

/// A mention directly after one of these (and an article) is the object of a preposition,
/// not the one who speaks: "in response to Rogozin's comments", "from the Kosmonautix server".
const PREPOSITIONS: &[&str] = &[
    "to", "of", "from", "at", "with", "for", "in", "on", "about", "against", "by", "into", "than", "over", "via",
    "toward", "towards", "between", "among",
];

const DETERMINERS: &[&str] = &["the", "a", "an", "its", "his", "her", "their"];

/// How far a quotation's sentences reach, in bytes, before and after it.
const WINDOW: usize = 1_000;

/// What the rule needs of the document, read once.
struct Reader<'d> {
    documents: &'d [Document],
    index: &'d CorpusIndex,
    /// The text with attribute blocks, code, comments and span brackets blanked: offsets are the document's.
    prose: String,
    /// Each mention's text range and entity, in document order.
    mentions: Vec<(TextRange, &'d str)>,
    published: Option<Date>,
}

impl<'d> Reader<'d> {
    fn new(doc: &'d Document, documents: &'d [Document], index: &'d CorpusIndex) -> Option<Reader<'d>> {
        let mut bytes = doc.text.as_bytes().to_vec();
        let body = doc.syntax.body_start.min(bytes.len());
        bytes[..body].fill(b' ');
        let mut blank = |r: TextRange| {
            if let Some(b) = bytes.get_mut(r.range()) {
                b.fill(b' ');
            }
        };
        for r in &doc.syntax.masked {
            blank(*r);
        }
        for s in &doc.syntax.spans {
            blank(s.attributes_range());
            blank(TextRange::new(s.range.start as usize, s.range.start as usize + 1));
            blank(TextRange::new(
                s.text_range().end as usize,
                s.text_range().end as usize + 1,
            ));
        }
        // Whole characters became spaces, so the text is still UTF-8.
        let prose = String::from_utf8(bytes).ok()?;
        Some(Reader {
            documents,
            index,
            prose,
            mentions: doc.mentions_by_start(),
            published: doc.published(),
        })
    }

    fn kind(&self, id: &str) -> Option<&'d str> {
        let slot = self.index.entity(self.documents, id)?;
        let doc = self.documents.get(slot.index())?;
        doc.entity.as_ref()?.kind.as_ref().map(|k| k.value.as_str())
    }

    fn can_speak(&self, id: &str) -> bool {
        self.kind(id).is_some_and(|k| SPEAKER_KINDS.contains(&k))
    }

    /// The orgs an entity holds roles in, and its parent.
    fn orgs(&self, id: &str) -> Vec<&'d str> {
        let Some(meta) = self
            .index
            .entity(self.documents, id)
            .and_then(|s| self.documents.get(s.index()))
            .and_then(|d| d.entity.as_ref())
        else {
            return Vec::new();
        };
        meta.roles
            .iter()
            .filter_map(|r| r.org.as_ref().map(|o| o.value.as_str()))
            .chain(meta.parent.as_ref().map(|p| p.value.as_str()))
            .collect()
    }

    /// The mentions whose text starts in `range`.
    fn mentions_in(&self, range: (usize, usize)) -> &[(TextRange, &'d str)] {
        let a = self.mentions.partition_point(|(r, _)| (r.start as usize) < range.0);
        let b = self.mentions.partition_point(|(r, _)| (r.start as usize) < range.1);
        &self.mentions[a..b.max(a)]
    }

    fn in_mention(&self, at: usize) -> bool {
        let k = self.mentions.partition_point(|(r, _)| (r.start as usize) <= at);
        self.mentions[..k].iter().rev().take(4).any(|(r, _)| r.contains(at))
    }

    /// The words before `at` in the prose, nearest first (at most `n`), lower case.
    fn words_before(&self, at: usize, floor: usize, n: usize) -> Vec<String> {
        let text = &self.prose[floor.min(at)..at];
        text.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'' && c != '’')
            .rev()
            .filter(|w| !w.is_empty())
            .take(n)
            .map(str::to_lowercase)
            .collect()
    }

    /// Whether a mention starting at `at` is the object of a preposition.
    fn after_preposition(&self, at: usize, floor: usize) -> bool {
        let words = self.words_before(at, floor, 3);
        let mut w = words.iter().map(String::as_str);
        match w.next() {
            Some(x) if PREPOSITIONS.contains(&x) => true,
            Some(x) if DETERMINERS.contains(&x) => w.next().is_some_and(|y| PREPOSITIONS.contains(&y)),
            _ => false,
        }
    }

    /// The words of `range` with their offsets.
    fn words(&self, a: usize, b: usize) -> impl Iterator<Item = (usize, &str)> + '_ {
        let base = a.min(b);
        let text = self.prose.get(base..b).unwrap_or("");
        text.split_inclusive(|c: char| !c.is_alphanumeric())
            .scan(base, |at, piece| {
                let start = *at;
                *at += piece.len();
                Some((start, piece))
            })
            .filter_map(|(start, piece)| {
                let w = piece.trim_end_matches(|c: char| !c.is_alphanumeric());
                (!w.is_empty()).then_some((start, w))
            })
    }

    /// The attribution cues of `range` outside mentions: (start, end, word).
    fn cues(&self, range: (usize, usize)) -> Vec<(usize, usize, &str)> {
        let words: Vec<(usize, &str)> = self.words(range.0, range.1).collect();
        let mut out = Vec::new();
        for (k, &(at, w)) in words.iter().enumerate() {
            let lower = if w == "According" { "according" } else { w };
            if !CUES.contains(&lower) || self.in_mention(at) {
                continue;
            }
            if lower == "according" {
                // "according to X": the cue ends after "to".
                if let Some(&(to, "to")) = words.get(k + 1) {
                    out.push((at, to + 2, lower));
                }
                continue;
            }
            out.push((at, at + w.len(), lower));
        }
        out
    }
}

/// How a quotation was attributed.
#[derive(Clone, Debug, Default)]
struct Attribution {
    speaker: Option<String>,
    via: Option<&'static str>,
    /// Where the attribution was read: where its date and channel are looked for.
    segments: Vec<(usize, usize)>,
}

/// The people seen so far: the last person mentioned, and for each org the last person
/// mentioned who holds a role in it ("the editor-in-chief of the Kosmonautix server").
#[derive(Default)]
struct People<'d> {
    last: Option<&'d str>,
    of_org: HashMap<&'d str, &'d str>,
    next_mention: usize,
}

impl<'d> People<'d> {
    /// Takes in the mentions that end before `at`.
    fn advance(&mut self, r: &Reader<'d>, at: usize) {
        while let Some(&(range, id)) = r.mentions.get(self.next_mention) {
            if range.end as usize > at {
                break;
            }
            self.next_mention += 1;
            if r.kind(id) == Some("person") {
                self.last = Some(id);
                for org in r.orgs(id) {
                    self.of_org.insert(org, id);
                }
            }
        }
    }
}

/// Words that a `.` follows without ending the sentence ("Feb. 24", "U.S. officials").
const ABBREVIATIONS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Sen",
    "Rep", "Gov", "Prof", "No", "vs",
];

fn is_sentence_end(prose: &str, k: usize) -> bool {
    let b = prose.as_bytes();
    if !(matches!(b[k], b'.' | b'!' | b'?') && b.get(k + 1).is_none_or(|c| c.is_ascii_whitespace())) {
        return false;
    }
    if b[k] != b'.' {
        return true;
    }
    // The word before the dot, read back at most five letters.
    let mut start = k;
    while start > 0 && k - start < 5 && b[start - 1].is_ascii_alphabetic() {
        start -= 1;
    }
    let word = &prose[start..k];
    let initial = word.len() == 1 && word.as_bytes()[0].is_ascii_uppercase();
    !(initial || ABBREVIATIONS.contains(&word))
}

impl<'d> Reader<'d> {
    /// The start of the sentence that holds `at`: after the last sentence end before it, not before `floor`.
    fn sentence_start(&self, at: usize, floor: usize) -> usize {
        let floor = floor.max(at.saturating_sub(WINDOW));
        let mut k = at;
        while k > floor {
            if is_sentence_end(&self.prose, k - 1) {
                break;
            }
            k -= 1;
        }
        crate::text::floor_char_boundary(&self.prose, k)
    }

    /// Just past the end of the sentence that goes on at `at` (its `.`), not past `ceiling`.
    fn sentence_end(&self, at: usize, ceiling: usize) -> usize {
        let ceiling = ceiling.min(at + WINDOW).min(self.prose.len());
        let mut k = at;
        while k < ceiling {
            if is_sentence_end(&self.prose, k) {
                return k + 1;
            }
            k += 1;
        }
        crate::text::floor_char_boundary(&self.prose, ceiling)
    }

    /// The speaker a cue at `cue` names in `segment`: the nearest speaker mentioned before it
    /// (not after a preposition), a pronoun's person, or the first speaker after it
    /// ("says Theresa Hitchens"), or a description's ("explains the editor-in-chief of X").
    fn speaker(&self, segment: (usize, usize), cue: (usize, usize), people: &People<'d>) -> Option<String> {
        let before = self.mentions_in((segment.0, cue.0));
        if let Some((_, id)) = before
            .iter()
            .rev()
            .find(|(r, id)| self.can_speak(id) && !self.after_preposition(r.start as usize, segment.0))
        {
            return Some(id.to_string());
        }
        let pronoun = self
            .words(segment.0.min(cue.0), cue.0)
            .any(|(_, w)| matches!(w, "he" | "He" | "she" | "She"));
        if pronoun {
            return people.last.map(str::to_string);
        }
        // After the cue, up to the end of its clause.
        let rest = &self.prose[cue.1..segment.1];
        let clause_end = cue.1
            + rest
                .find([',', ';', ':', '.', '“', '"', '«', '„'])
                .unwrap_or(rest.len());
        let after = self.mentions_in((cue.1, clause_end));
        if let Some((_, id)) = after
            .iter()
            .find(|(r, id)| self.can_speak(id) && !self.after_preposition(r.start as usize, cue.1))
        {
            return Some(id.to_string());
        }
        let first = self.words(cue.1, clause_end).next().map(|(_, w)| w.to_lowercase());
        if first.is_some_and(|w| DETERMINERS.contains(&w.as_str())) {
            // A description of someone named before: the person of the org it names, else the last person.
            for (_, id) in after {
                if let Some(person) = people.of_org.get(id) {
                    return Some(person.to_string());
                }
            }
            return people.last.map(str::to_string);
        }
        None
    }

    /// The channel the attribution names.
    fn via(&self, segments: &[(usize, usize)], cue: &str) -> Option<&'static str> {
        if cue.starts_with("tweet") {
            return Some("twitter");
        }
        for &(a, b) in segments {
            for (_, w) in self.words(a, b) {
                let w = w.to_lowercase();
                let via = match w.as_str() {
                    "twitter" | "tweet" | "tweets" | "tweeted" => "twitter",
                    "letter" => "letter",
                    "podcast" => "podcast",
                    "interview" => "interview",
                    "statement" => "statement",
                    "email" | "e-mail" => "email",
                    "television" | "tv" => "tv",
                    _ => continue,
                };
                return Some(via);
            }
        }
        None
    }
}

/// A pair of quotation marks in a paragraph.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    /// The marks included.
    range: (usize, usize),
    /// Between the marks.
    interior: (usize, usize),
    /// The paragraph ended before the closing mark (a quotation that goes on in the next paragraph).
    open_end: bool,
    /// Its paragraph's index in `paragraphs` and range.
    paragraph: usize,
}

const OPENERS: [char; 4] = ['"', '“', '«', '„'];

/// The paragraphs of the prose: runs of lines that are not blank, without their last line break.
fn paragraphs(prose: &str, from: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    let mut at = from.min(prose.len());
    // Line by line, each with its `\n`: the memchr crate's search, not core's byte loop.
    while at < prose.len() {
        let next = memchr::memchr(b'\n', &prose.as_bytes()[at..]).map_or(prose.len(), |k| at + k + 1);
        let line = &prose[at..next];
        let content = line.trim_end();
        if content.trim_start().is_empty() {
            out.extend(current.take());
        } else {
            let end = at + content.len();
            current = Some(current.map_or((at, end), |(s, _)| (s, end)));
        }
        at += line.len();
    }
    out.extend(current);
    out
}

/// Whether `text` holds a sentence end followed by a capital: a span of more than one sentence.
fn spans_sentences(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len()).any(|k| {
        matches!(b[k], b'.' | b'!' | b'?')
            && b.get(k + 1) == Some(&b' ')
            && text[k + 2..].chars().next().is_some_and(char::is_uppercase)
    })
}

/// The quotations of the paragraphs, in order: marks paired on a stack (an inner quotation is
/// part of its outer one); a quotation still open at a paragraph's end counts when the next
/// paragraph opens with a mark, as news style continues a quotation over paragraphs.
fn candidates(prose: &str, paragraphs: &[(usize, usize)]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (k, &(ps, pe)) in paragraphs.iter().enumerate() {
        let mut stack: Vec<(char, usize)> = Vec::new();
        for (i, ch) in marks(&prose[ps..pe]) {
            let at = ps + i;
            let close = match ch {
                '"' => match stack.iter().rposition(|(o, _)| *o == '"') {
                    Some(p) => {
                        stack.truncate(p + 1);
                        true
                    }
                    None => false,
                },
                '“' => matches!(stack.last(), Some(('„', _))),
                '”' => matches!(stack.last(), Some(('“' | '„', _))),
                '»' => matches!(stack.last(), Some(('«', _))),
                _ => false,
            };
            if close {
                let Some((mut opener, mut start)) = stack.pop() else {
                    continue;
                };
                // A stray opening mark inside a quotation of several sentences: the closing
                // mark ends the outer one (and the outer ones hold those sentences too, so one
                // look decides for all).
                if opener == '“' && matches!(stack.last(), Some(('“', _))) && spans_sentences(&prose[start..at]) {
                    while let Some(&('“', s)) = stack.last() {
                        stack.pop();
                        (opener, start) = ('“', s);
                    }
                }
                if stack.is_empty() {
                    out.push(Candidate {
                        range: (start, at + ch.len_utf8()),
                        interior: (start + opener.len_utf8(), at),
                        open_end: false,
                        paragraph: k,
                    });
                }
            } else if OPENERS.contains(&ch) {
                stack.push((ch, at));
            }
        }
        if let Some(&(opener, start)) = stack.first() {
            let continued = paragraphs
                .get(k + 1)
                .and_then(|&(s, e)| prose[s..e].trim_start().chars().next())
                .is_some_and(|c| OPENERS.contains(&c));
            if continued {
                out.push(Candidate {
                    range: (start, pe),
                    interior: (start + opener.len_utf8(), pe),
                    open_end: true,
                    paragraph: k,
                });
            }
        }
    }
    out
}

/// The quotation marks of `text` (`"`, `“`, `”`, `„`, `«`, `»`) and their offsets: memchr
/// finds the bytes that may start one, and the prose between is never decoded.
fn marks(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    // `"` is ASCII; the others start with 0xE2 (U+201C..U+201E) or 0xC2 (U+00AB, U+00BB),
    // lead bytes, so each position found is a character's start.
    memchr::memchr3_iter(b'"', 0xE2, 0xC2, text.as_bytes()).filter_map(move |i| {
        let ch = text.get(i..)?.chars().next()?;
        matches!(ch, '"' | '“' | '”' | '„' | '«' | '»').then_some((i, ch))
    })
}

/// What a quotation's neighbours leave it: the previous one's end and the next one's start.
struct Bounds {
    prev_end: usize,
    next_start: usize,
}

impl<'d> Reader<'d> {
    /// At least five words, or a whole sentence ("SpaceX." counts, "destroy" does not).
    fn long_enough(&self, c: &Candidate) -> bool {
        if self.words(c.interior.0, c.interior.1).nth(4).is_some() {
            return true;
        }
        let inner = self.prose[c.interior.0..c.interior.1].trim();
        let starts_upper = inner
            .chars()
            .find(|c| c.is_alphanumeric())
            .is_some_and(char::is_uppercase);
        let ends = inner.trim_end_matches([',', ' ']).ends_with(['.', '!', '?', '…']);
        starts_upper && ends
    }

    /// The attribution in the quotation's sentence, after it ("…,” he said"), before it ("X
    /// said: “…”") or in the next sentence, with the segment it was read in.
    fn attribute(
        &self,
        c: &Candidate,
        paragraph: (usize, usize),
        bounds: &Bounds,
        people: &People<'d>,
    ) -> Option<Attribution> {
        let (qs, qe) = c.range;
        let (ps, pe) = paragraph;
        let sb = self.sentence_start(qs, ps.max(bounds.prev_end));
        let before = (sb, qs);
        let ceiling = pe.min(bounds.next_start);
        let inner = self.prose[c.interior.0..c.interior.1].trim_end();
        let next_char = self.prose[qe..ceiling.max(qe)].trim_start().chars().next();
        let ends_sentence = inner.ends_with(['.', '!', '?', '…'])
            && next_char.is_none_or(|ch| ch.is_uppercase() || OPENERS.contains(&ch));
        let after = if ends_sentence || c.open_end {
            (qe, qe)
        } else {
            (qe, self.sentence_end(qe, ceiling).max(qe))
        };
        let next = (after.1, self.sentence_end(after.1, ceiling).max(after.1));
        let choices = [
            (after, self.cues(after).first().copied()),
            (before, self.cues(before).last().copied()),
            (next, self.cues(next).first().copied()),
        ];
        let (segment, (cs, ce, cue)) = choices.into_iter().find_map(|(seg, cue)| cue.map(|c| (seg, c)))?;
        let speaker = self.speaker(segment, (cs, ce), people);
        let mut segments = vec![before, after];
        if segment == next {
            segments.push(next);
        }
        let mut via = self.via(&[segment], cue);
        if via.is_none() && matches!(cue, "told" | "tells") {
            // "told Fox News": an interview.
            let told = self.mentions_in((ce, segment.1.min(ce + 80)));
            if told.iter().any(|(_, id)| self.kind(id) == Some("outlet")) {
                via = Some("interview");
            }
        }
        Some(Attribution { speaker, via, segments })
    }

    /// The dates written in a segment, with their offsets, not after publication.
    fn dates_in(&self, (a, b): (usize, usize)) -> Vec<(usize, Date)> {
        let Some(text) = self.prose.get(a..b) else {
            return Vec::new();
        };
        dates::dates_in(text, self.published)
            .into_iter()
            .filter(|(_, w)| {
                self.published.is_none_or(|p| {
                    // A day written without its year that would be half a year before
                    // publication is more likely ahead ("scheduled for March 30").
                    let yearless = !w
                        .written
                        .as_bytes()
                        .windows(4)
                        .any(|d| d.iter().all(u8::is_ascii_digit));
                    let long_ago = yearless && p.first_day() - w.date.last_day() > 183;
                    !w.date.is_after(p) && !long_ago
                })
            })
            .map(|(k, w)| (a + k, w.date))
            .collect()
    }

    /// The date in the quotation's sentence (nearest to it), else in the sentence before.
    fn date(&self, c: &Candidate, segments: &[(usize, usize)], previous_sentence: (usize, usize)) -> Option<Date> {
        let (qs, qe) = c.range;
        let nearest = segments
            .iter()
            .flat_map(|&s| self.dates_in(s))
            .min_by_key(|&(at, _)| if at < qs { qs - at } else { at.saturating_sub(qe) });
        if let Some((_, d)) = nearest {
            return Some(d);
        }
        self.dates_in(previous_sentence).last().map(|&(_, d)| d)
    }

    /// The sentence before the one starting at `sb`: in the paragraph, or the last one of the paragraph before.
    fn previous_sentence(&self, sb: usize, paragraphs: &[(usize, usize)], k: usize, floor: usize) -> (usize, usize) {
        let Some(&(ps, _)) = paragraphs.get(k) else {
            return (sb, sb);
        };
        let before_text = self.prose.get(ps..sb).unwrap_or("").trim_end();
        if !before_text.is_empty() {
            let end = ps + before_text.len();
            let start = self.sentence_start(end.saturating_sub(1), ps.max(floor));
            return (start.min(end), end);
        }
        match k.checked_sub(1).map(|j| paragraphs[j]) {
            Some((s, e)) if e > floor => {
                let start = self.sentence_start(e.saturating_sub(1), s.max(floor));
                (start.min(e), e)
            }
            _ => (sb, sb),
        }
    }

    /// A claim id from the quotation's first words, not yet taken in the document.
    fn fresh_id(&self, c: &Candidate, taken: &mut Ids) -> String {
        let words: Vec<String> = self
            .words(c.interior.0, c.interior.1)
            .map(|(_, w)| {
                w.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
            .take(4)
            .collect();
        let base = if words.is_empty() {
            "quote".to_string()
        } else {
            words.join("-")
        };
        taken.fresh(base)
    }
}

/// The claim ids taken in a document, and for each base the next number to try: many
/// quotations that begin alike ("We …") get `we-2`, `we-3`, … without a search from 2 each.
struct Ids {
    taken: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Ids {
    fn fresh(&mut self, base: String) -> String {
        let mut id = base.clone();
        let n = self.next.entry(base.clone()).or_insert(2);
        while self.taken.contains(&id) {
            id = format!("{base}-{n}");
            *n += 1;
        }
        self.taken.insert(id.clone());
        id
    }
}

/// The document's claim ids.
fn claim_ids(doc: &Document) -> Ids {
    Ids {
        taken: doc
            .claims
            .iter()
            .filter_map(|c| c.id.as_ref().map(|i| i.value.to_string()))
            .collect(),
        next: HashMap::default(),
    }
}

/// Which candidates a claim covers, asked in document order: a claim that starts before the
/// candidate ends and ends after it starts.
#[derive(Default)]
struct ClaimCover {
    next: usize,
    end: usize,
}

impl ClaimCover {
    /// Whether a claim holds offset `at` (asked in increasing order).
    fn holds(&mut self, claims: &[TextRange], at: usize) -> bool {
        self.covers(claims, (at, at + 1))
    }

    fn covers(&mut self, claims: &[TextRange], (qs, qe): (usize, usize)) -> bool {
        while let Some(claim) = claims.get(self.next).filter(|cl| (cl.start as usize) < qe) {
            self.end = self.end.max(claim.end as usize);
            self.next += 1;
        }
        self.end > qs
    }
}

/// Every quotation of the document that no claim covers and that has an attribution, as
/// the claim it would become. Linear: one pass over the marks, the mentions and the spans.
pub fn quotations(doc: &Document, documents: &[Document], index: &CorpusIndex) -> Vec<Quotation> {
    let mut claims: Vec<TextRange> = doc.claims.iter().map(|c| doc.span(c.span).range).collect();
    claims.sort_unstable();
    // Each quotation starts at a mark: when every mark of the body lies inside a claim (most
    // annotated articles), a claim covers every quotation, and the prose need not be read.
    let body = doc.syntax.body_start.min(doc.text.len());
    let mut cover = ClaimCover::default();
    if marks(&doc.text[body..]).all(|(at, _)| cover.holds(&claims, body + at)) {
        return Vec::new();
    }
    let Some(r) = Reader::new(doc, documents, index) else {
        return Vec::new();
    };
    let paragraphs = paragraphs(&r.prose, doc.syntax.body_start);
    let candidates = candidates(&r.prose, &paragraphs);
    if candidates.is_empty() {
        return Vec::new();
    }
    // Most quotations of an annotated article are its claims': when claims cover them all,
    // nothing below (span boundaries, speakers, taken ids) is needed.
    let mut cover = ClaimCover::default();
    if candidates.iter().all(|c| cover.covers(&claims, c.range)) {
        return Vec::new();
    }
    let mut cover = ClaimCover::default();
    // Span boundaries, for quotations that would cross a span if wrapped.
    let mut events: Vec<(usize, i32)> = doc
        .syntax
        .spans
        .iter()
        .flat_map(|s| [(s.range.start as usize, 1), (s.range.end as usize, -1)])
        .collect();
    events.sort_unstable();
    let (mut next_event, mut depth) = (0, 0i32);
    let mut people = People::default();
    let mut taken = claim_ids(doc);
    let mut out = Vec::new();
    // The last quotation found: its paragraph, whether it went on past it, and its claim.
    let mut last: Option<(usize, bool, Quotation)> = None;
    for (k, c) in candidates.iter().enumerate() {
        let (qs, qe) = c.range;
        let covered = cover.covers(&claims, c.range);
        while let Some(&(at, d)) = events.get(next_event).filter(|(at, _)| *at <= qs) {
            let _ = at;
            depth += d;
            next_event += 1;
        }
        let (d0, mut lowest) = (depth, depth);
        while let Some(&(_, d)) = events.get(next_event).filter(|(at, _)| *at < qe) {
            depth += d;
            lowest = lowest.min(depth);
            next_event += 1;
        }
        let crosses = lowest < d0 || depth != d0;
        if covered || crosses || !r.long_enough(c) {
            if covered {
                last = None;
            }
            continue;
        }
        people.advance(&r, qs);
        let bounds = Bounds {
            prev_end: k.checked_sub(1).map_or(0, |j| candidates[j].range.1),
            next_start: candidates.get(k + 1).map_or(r.prose.len(), |n| n.range.0),
        };
        let paragraph = paragraphs[c.paragraph];
        let attribution = r.attribute(c, paragraph, &bounds, &people);
        // No attribution of its own: the quotation goes on from the last one, in its
        // paragraph or from the paragraph it left open ("…,” he said. “…”).
        let continued = last
            .as_ref()
            .filter(|(p, open, _)| *p == c.paragraph || (*open && *p + 1 == c.paragraph));
        let sb = r.sentence_start(qs, paragraph.0.max(bounds.prev_end));
        // Bounded by `WINDOW`, as every sentence is.
        let previous = r.previous_sentence(sb, &paragraphs, c.paragraph, 0);
        let q = match (attribution, continued) {
            (Some(a), _) => Quotation {
                range: TextRange::new(qs, qe),
                date: r.date(c, &a.segments, previous).or(r.published),
                speaker: a.speaker,
                via: a.via,
                id: r.fresh_id(c, &mut taken),
            },
            (None, Some((_, _, from))) => Quotation {
                range: TextRange::new(qs, qe),
                speaker: from.speaker.clone(),
                date: r.date(c, &[(sb, qs)], (sb, sb)).or(from.date),
                via: from.via,
                id: r.fresh_id(c, &mut taken),
            },
            (None, None) => continue,
        };
        last = Some((c.paragraph, c.open_end, q.clone()));
        out.push(q);
    }
    out
}

/// The distinct dates written in the sentence (or sentences) of each range, attribute blocks
/// left out and none after publication: what `annals fix` dates an undated claim by when
/// there is exactly one. The prose is read once for all the ranges.
pub fn sentence_dates(
    doc: &Document,
    documents: &[Document],
    index: &CorpusIndex,
    ranges: &[TextRange],
) -> Vec<Vec<Date>> {
    let Some(r) = Reader::new(doc, documents, index) else {
        return vec![Vec::new(); ranges.len()];
    };
    let body = doc.syntax.body_start;
    ranges
        .iter()
        .map(|range| {
            let start = r.sentence_start(range.start as usize, body);
            let end = r.sentence_end(range.end as usize, r.prose.len());
            let mut dates: Vec<Date> = Vec::new();
            for (_, d) in r.dates_in((start, end.max(start))) {
                if !dates.contains(&d) {
                    dates.push(d);
                }
            }
            dates
        })
        .collect()
}

/// The claim a selection would become: its speaker, date and channel read from the
/// attribution around it, as for a quotation. `None` for an empty selection or one that
/// crosses a span.
pub fn draft(doc: &Document, documents: &[Document], index: &CorpusIndex, range: TextRange) -> Option<Quotation> {
    let (qs, qe) = (range.start as usize, range.end as usize);
    let crosses = doc.syntax.spans.iter().any(|s| {
        let (a, b) = (s.range.start as usize, s.range.end as usize);
        (a < qs && qs < b && b < qe) || (qs < a && a < qe && qe < b) || (s.text_range().end as usize <= qs && qs < b)
    });
    if crosses {
        return None;
    }
    drafts(doc, documents, index, &[range]).pop().flatten()
}

/// `draft` for many ranges of one document (the text of unsourced claims, for `annals fix`),
/// with the prose read once; the ranges are taken in order of position.
pub fn drafts(
    doc: &Document,
    documents: &[Document],
    index: &CorpusIndex,
    ranges: &[TextRange],
) -> Vec<Option<Quotation>> {
    let mut out = vec![None; ranges.len()];
    let Some(r) = Reader::new(doc, documents, index) else {
        return out;
    };
    let paragraphs = paragraphs(&r.prose, doc.syntax.body_start);
    let mut order: Vec<usize> = (0..ranges.len()).collect();
    order.sort_by_key(|&k| ranges[k].start);
    let mut people = People::default();
    let mut taken = claim_ids(doc);
    let mut claims: Vec<TextRange> = doc.claims.iter().map(|c| doc.span(c.span).range).collect();
    claims.sort_unstable();
    for k in order {
        out[k] = r.draft_one(doc, ranges[k], &paragraphs, &claims, &mut people, &mut taken);
    }
    out
}

impl<'d> Reader<'d> {
    fn draft_one(
        &self,
        doc: &Document,
        range: TextRange,
        paragraphs: &[(usize, usize)],
        claims: &[TextRange],
        people: &mut People<'d>,
        taken: &mut Ids,
    ) -> Option<Quotation> {
        let r = self;
        let text = r.prose.get(range.range())?;
        let lead = text.len() - text.trim_start().len();
        let (qs, qe) = (
            range.start as usize + lead,
            range.start as usize + text.trim_end().len(),
        );
        if qs >= qe || qs < doc.syntax.body_start {
            return None;
        }
        let k = paragraphs
            .partition_point(|&(_, e)| e < qs)
            .min(paragraphs.len().checked_sub(1)?);
        let open = r.prose[qs..]
            .chars()
            .next()
            .filter(|c| OPENERS.contains(c))
            .map_or(0, char::len_utf8);
        let close = r.prose[..qe]
            .chars()
            .next_back()
            .filter(|c| matches!(c, '"' | '”' | '»' | '“'))
            .map_or(0, char::len_utf8);
        let c = Candidate {
            range: (qs, qe),
            interior: (qs + open, qe.saturating_sub(close).max(qs + open)),
            open_end: false,
            paragraph: k,
        };
        people.advance(r, qs);
        let paragraph = paragraphs[k];
        // Another claim or quotation between the range and a cue has the cue to itself.
        let after = claims.partition_point(|c| (c.start as usize) < qe);
        let before = claims[..claims.partition_point(|c| (c.start as usize) < qs)]
            .iter()
            .rev()
            .take(8)
            .map(|c| c.end as usize)
            .filter(|&e| e <= qs)
            .max();
        let next_mark = r.prose[qe..paragraph.1.max(qe)].find(OPENERS).map(|k| qe + k);
        let bounds = Bounds {
            prev_end: paragraph.0.max(before.unwrap_or(0)),
            next_start: paragraph
                .1
                .min(claims.get(after).map_or(usize::MAX, |c| c.start as usize))
                .min(next_mark.unwrap_or(usize::MAX)),
        };
        let sb = r.sentence_start(qs, bounds.prev_end);
        let previous = r.previous_sentence(sb, paragraphs, k, 0);
        let a = r
            .attribute(&c, paragraph, &bounds, people)
            .unwrap_or_else(|| Attribution {
                segments: vec![(sb, qs)],
                ..Default::default()
            });
        Some(Quotation {
            range: TextRange::new(qs, qe),
            date: r.date(&c, &a.segments, previous).or(r.published),
            speaker: a.speaker,
            via: a.via,
            id: r.fresh_id(&c, taken),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::document::DocumentKind;

    fn entity(id: &str, kind: &str, name: &str, extra: &str) -> Document {
        let text = format!("---\nkind: {kind}\nname: {name}\n{extra}---\n");
        Document::new(id.into(), format!("entities/{id}.md"), DocumentKind::Entity, text)
    }

    /// The drafts of an article's quotations, as `by date via #id` lines.
    fn drafts(body: &str) -> Vec<String> {
        let article = Document::new(
            "a".into(),
            "articles/a.md".into(),
            DocumentKind::Article,
            format!("---\ntitle: T\npublished: 2022-04-02\n---\n{body}"),
        );
        let documents = vec![
            entity("rogozin", "person", "Dmitry Rogozin", "aliases: [Rogozin]\n"),
            entity("nasa", "agency", "NASA", ""),
            entity(
                "majer",
                "person",
                "Dušan Majer",
                "aliases: [Majer]\nroles:\n  - {title: Editor, org: kosmonautix}\n",
            ),
            entity("kosmonautix", "organization", "Kosmonautix", ""),
            entity("fox", "outlet", "Fox News", ""),
            article,
        ];
        let index = CorpusIndex::build_for(&documents, &Config::default());
        let doc = &documents[5];
        quotations(doc, &documents, &index)
            .into_iter()
            .map(|q| {
                format!(
                    "{} {} {} #{} {}",
                    q.speaker.as_deref().unwrap_or("-"),
                    q.date.map_or("-".into(), |d| d.to_string()),
                    q.via.unwrap_or("-"),
                    q.id,
                    &doc.text[q.range.range()]
                )
            })
            .collect()
    }

    #[test]
    fn speakers_dates_and_channels_from_the_attribution() {
        assert_eq!(
            drafts(
                "“The purpose of the sanctions is to kill the economy,” [Rogozin]{e=rogozin} said via Twitter on March 30.\n"
            ),
            ["rogozin 2022-03-30 twitter #the-purpose-of-the “The purpose of the sanctions is to kill the economy,”"]
        );
        // A pronoun: the person mentioned last before; a preposition's object is no speaker.
        assert_eq!(
            drafts(
                "[Rogozin]{e=rogozin} spoke.\n\n[NASA]{e=nasa} replied to [Rogozin]{e=rogozin}'s comments, saying \"we keep working with every partner.\"\n\n\"Nothing will change for us in orbit at all,\" he tweeted.\n"
            ),
            [
                "nasa 2022-04-02 - #we-keep-working-with \"we keep working with every partner.\"",
                "rogozin 2022-04-02 twitter #nothing-will-change-for \"Nothing will change for us in orbit at all,\""
            ]
        );
        // After the cue; a description of someone named before; according to.
        assert_eq!(
            drafts(
                "[Majer]{e=majer} spoke. «It is a whole and it stays one,» explains the editor of the [Kosmonautix]{e=kosmonautix} server. „Die Station fliegt weiter wie bisher“, according to [NASA]{e=nasa}.\n"
            ),
            [
                "majer 2022-04-02 - #it-is-a-whole «It is a whole and it stays one,»",
                "nasa 2022-04-02 - #die-station-fliegt-weiter „Die Station fliegt weiter wie bisher“"
            ]
        );
        // Told an outlet: an interview; a continuation keeps the speaker; a whole sentence of one word.
        assert_eq!(
            drafts(
                "\"There is not a lot of business coming,\" [Majer]{e=majer} told [Fox News]{e=fox} on Feb. 24. \"Nothing.\"\n\n[Rogozin]{e=rogozin} replied: \"SpaceX.\"\n"
            ),
            [
                "majer 2022-02-24 interview #there-is-not-a \"There is not a lot of business coming,\"",
                "majer 2022-02-24 interview #nothing \"Nothing.\"",
                "rogozin 2022-04-02 - #spacex \"SpaceX.\""
            ]
        );
        // No attribution, too short, covered by a claim: nothing.
        assert!(drafts("\"A sentence nobody said at all.\" He used \"two words\" said he. [\"Covered by a claim already here,\"]{.claim} he said.\n").is_empty());
    }
}
