//! What the pages read of the corpus besides its documents: page names, claims' first words,
//! each speaker's claims and each entity's mentions, roles on a date.

use super::markdown::CardPieces;
use crate::Corpus;
use crate::date::Date;
use crate::document::{Claim, Document, DocumentKind, EntityMeta, EntityRefSite, Relation};
use crate::index::ClaimKey;
use crate::plain_text::PlainText;
use crate::slots::{ClaimIndex, DocumentSlot};
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

/// A claim's words as a reader sees them: its first words (for a link) and its text, cut at
/// `TEXT_LIMIT` bytes (for the search index).
#[derive(Clone, Copy, Debug, Default)]
pub struct ClaimWords<'w> {
    pub first: &'w str,
    pub text: &'w str,
    /// Whether `first` is the same escaped as HTML text (the first words of most claims):
    /// then every link to the claim copies it as it is.
    pub plain: bool,
}

/// A document's claims' words, in one string: a link to a claim reads them next to those of
/// the claims around it (a thread's replies are mostly in its article), and 100,000 claims
/// are not 200,000 strings to allocate and free.
#[derive(Clone, Debug, Default)]
pub struct DocumentWords {
    /// Each claim's first words, then its text.
    words: String,
    /// Per claim: where its first words end, where its text ends, and whether it is plain.
    ends: Vec<(u32, u32, bool)>,
}

impl DocumentWords {
    fn push(&mut self, first: &str, text: &str) {
        self.words.push_str(first);
        let first_end = self.words.len();
        self.words.push_str(text);
        let plain = super::html::is_plain_text(first);
        // A document's text is far below 4 GiB (its size is capped); saturate, never wrap.
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.ends.push((at(first_end), at(self.words.len()), plain));
    }

    /// The words of the claim at `claim` (none for a claim the document does not hold).
    pub fn get(&self, claim: usize) -> Option<ClaimWords<'_>> {
        let &(first_end, text_end, plain) = self.ends.get(claim)?;
        let start = claim.checked_sub(1).map_or(0, |k| self.ends[k].1 as usize);
        Some(ClaimWords {
            first: self.words.get(start..first_end as usize).unwrap_or(""),
            text: self.words.get(first_end as usize..text_end as usize).unwrap_or(""),
            plain,
        })
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }
}

/// Every claim's words in one string, numbered through the corpus: what the whole site
/// reads, where a link to a claim in any document finds its words in two steps (its place,
/// then the words), not four (the document's cell, its places, the words).
struct CorpusWords {
    /// Per slot, the number of claims before it; the total at the end.
    base: Vec<usize>,
    words: String,
    /// Per claim: where its first words start, where its text starts and ends; and whether
    /// the first words are plain.
    places: Vec<(usize, usize, usize, bool)>,
}

impl CorpusWords {
    fn new(documents: Vec<DocumentWords>) -> CorpusWords {
        let claims = documents.iter().map(DocumentWords::len).sum();
        let mut all = CorpusWords {
            base: Vec::with_capacity(documents.len() + 1),
            words: String::with_capacity(documents.iter().map(|d| d.words.len()).sum()),
            places: Vec::with_capacity(claims),
        };
        for doc in documents {
            all.base.push(all.places.len());
            let offset = all.words.len();
            let mut start = offset;
            for &(first_end, text_end, plain) in &doc.ends {
                let (first_end, text_end) = (offset + first_end as usize, offset + text_end as usize);
                all.places.push((start, first_end, text_end, plain));
                start = text_end;
            }
            all.words.push_str(&doc.words);
        }
        all.base.push(all.places.len());
        all
    }

    fn get(&self, slot: DocumentSlot, claim: ClaimIndex) -> Option<ClaimWords<'_>> {
        let (base, next) = (*self.base.get(slot.index())?, *self.base.get(slot.index() + 1)?);
        let n = base + claim.index();
        let &(start, first_end, text_end, plain) = self.places.get(n).filter(|_| n < next)?;
        Some(ClaimWords {
            first: self.words.get(start..first_end).unwrap_or(""),
            text: self.words.get(first_end..text_end).unwrap_or(""),
            plain,
        })
    }
}

/// Words in a claim's short form.
const FIRST_WORDS: usize = 10;
/// Bytes of a claim's text in the search index.
pub const TEXT_LIMIT: usize = 300;

pub struct Site<'c> {
    pub corpus: &'c Corpus,
    pub name: String,
    /// Each slot's page file name (`article-ID.html`, `entity-ID.html`), or empty for a removed
    /// slot; none in the editor's preview, whose links name files.
    pages: Vec<String>,
    /// Each slot's link pieces, escaped once (none in the editor's preview).
    escaped: Vec<Escaped>,
    /// Each slot's claims' words, made at the first need (once, from any thread).
    words: Words,
    /// Entity id → its document (the first with that id) and front matter: looked up for
    /// every mention, speaker and role. The preview, which renders one page, asks the
    /// corpus's index instead of building this map for each request.
    entities: Option<HashMap<&'c str, (DocumentSlot, &'c EntityMeta)>>,
    /// Every claim's relations resolved both ways, for the whole site's pages (none in the
    /// editor's preview, which asks the index).
    pub threads: Option<super::threads::Threads>,
    /// The editor's preview: each slot's file URI, which links name instead of a page (a
    /// claim's as `URI#L12`, its line), for the editor to open. Asked per link, so that a
    /// render costs what its page links to, not the corpus.
    editor: Option<Box<dyn Fn(DocumentSlot) -> String + Send + Sync + 'c>>,
}

impl<'c> Site<'c> {
    pub fn new(corpus: &'c Corpus) -> Site<'c> {
        let stems = crate::export::brat::stems(corpus.documents.iter().map(|d| d.id.as_str()));
        let pages = corpus
            .documents
            .iter()
            .zip(stems)
            .enumerate()
            .map(|(k, (d, stem))| {
                if !corpus.is_live(DocumentSlot::new(k)) {
                    String::new()
                } else {
                    format!("{}-{stem}.html", d.kind.as_str())
                }
            })
            .collect::<Vec<String>>();
        let escaped = corpus
            .documents
            .iter()
            .zip(&pages)
            .map(|(d, page)| {
                let mut e = Escaped::default();
                if !page.is_empty() {
                    super::html::attr_href_file(&mut e.href, page);
                    super::html::attr(&mut e.id, &d.id);
                    super::html::text(&mut e.title, super::claims::title_of(d));
                }
                e
            })
            .collect();
        let mut entities: HashMap<&'c str, (DocumentSlot, &'c EntityMeta)> = HashMap::default();
        for (slot, doc) in corpus.live() {
            if let (DocumentKind::Entity, Some(meta)) = (doc.kind, doc.entity.as_ref()) {
                entities.entry(doc.id.as_str()).or_insert((slot, meta));
            }
        }
        let mut site = Site {
            pages,
            escaped,
            entities: Some(entities),
            ..Site::bare(corpus)
        };
        // Cards name the organisations of roles: made once the entities are known.
        let cards: Vec<Option<Box<CardPieces>>> = corpus
            .documents
            .iter()
            .zip(&site.pages)
            .map(|(d, page)| match (d.kind, d.entity.as_ref()) {
                (DocumentKind::Entity, Some(meta)) if !page.is_empty() => {
                    Some(Box::new(CardPieces::new(&site, &d.id, meta)))
                }
                _ => None,
            })
            .collect();
        for (e, card) in site.escaped.iter_mut().zip(cards) {
            e.card = card;
        }
        site
    }

    /// The date-free parts of the card of the entity at `slot` (none in the editor's preview).
    pub fn card_pieces(&self, slot: DocumentSlot) -> Option<&CardPieces> {
        self.escaped.get(slot.index())?.card.as_deref()
    }

    /// A site without page names or entity map: what each mode adds to it.
    fn bare(corpus: &'c Corpus) -> Site<'c> {
        let name = corpus
            .config
            .name
            .clone()
            .or_else(|| corpus.root.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "corpus".to_string());
        Site {
            corpus,
            name,
            pages: Vec::new(),
            escaped: Vec::new(),
            words: Words::new(corpus.documents.len()),
            entities: None,
            threads: None,
            editor: None,
        }
    }

    /// The whole site's: with its claims' words made while the articles were read, and the
    /// claims' threads resolved at once.
    pub fn with_words(corpus: &'c Corpus, words: Vec<DocumentWords>) -> Site<'c> {
        let ((mut site, words), threads) = rayon::join(
            || rayon::join(|| Site::new(corpus), || CorpusWords::new(words)),
            || super::threads::Threads::new(corpus),
        );
        site.threads = Some(threads);
        site.words.all = Some(words);
        site
    }

    /// What the site owns (page names, escaped pieces, claims' words, threads: tens of
    /// thousands of allocations at 10,000 articles), to be freed on another thread while the
    /// process ends.
    pub fn into_owned(self) -> impl Send + 'static {
        (self.pages, self.escaped, self.words, self.threads)
    }

    /// A site whose links name the documents' files (`uri` of a slot) for the editor's preview.
    pub fn for_editor(corpus: &'c Corpus, uri: impl Fn(DocumentSlot) -> String + Send + Sync + 'c) -> Site<'c> {
        Site {
            editor: Some(Box::new(uri)),
            ..Site::bare(corpus)
        }
    }

    /// Whether links name files for the editor (the preview), not pages.
    pub fn for_the_editor(&self) -> bool {
        self.editor.is_some()
    }

    /// What a link to a document's page holds: its page's name (its file URI in the editor).
    pub fn href(&self, slot: DocumentSlot) -> String {
        match &self.editor {
            Some(uri) => uri(slot),
            None => super::html::href_file(self.page(slot)),
        }
    }

    /// `href(slot)`, escaped for an attribute and appended to `out`.
    pub fn push_href(&self, out: &mut String, slot: DocumentSlot) {
        match (&self.editor, self.escaped.get(slot.index())) {
            (Some(uri), _) => super::html::attr(out, &uri(slot)),
            (None, Some(e)) => out.push_str(&e.href),
            (None, None) => super::html::attr_href_file(out, self.page(slot)),
        }
    }

    /// The id of the document at `slot`, escaped for an attribute and appended to `out`.
    pub fn push_id(&self, out: &mut String, slot: DocumentSlot) {
        match self.escaped.get(slot.index()) {
            Some(e) => out.push_str(&e.id),
            None => super::html::attr(out, &self.doc(slot).id),
        }
    }

    /// The title of the document at `slot` (`title_of`: an entity's name), escaped as text
    /// and appended to `out`.
    pub fn push_title(&self, out: &mut String, slot: DocumentSlot) {
        match self.escaped.get(slot.index()) {
            Some(e) => out.push_str(&e.title),
            None => super::html::text(out, super::claims::title_of(self.doc(slot))),
        }
    }

    pub fn doc(&self, slot: DocumentSlot) -> &'c Document {
        &self.corpus.documents[slot.index()]
    }

    pub fn page(&self, slot: DocumentSlot) -> &str {
        self.pages.get(slot.index()).map_or("", String::as_str)
    }

    /// The entity document with this id.
    pub fn entity(&self, id: &str) -> Option<(DocumentSlot, &'c EntityMeta)> {
        match &self.entities {
            Some(map) => map.get(id).copied(),
            None => {
                let slot = self.corpus.index.entity(&self.corpus.documents, id)?;
                Some((slot, self.doc(slot).entity.as_ref()?))
            }
        }
    }

    /// An entity's name, else its id.
    pub fn entity_name<'a>(&self, id: &'a str) -> &'a str
    where
        'c: 'a,
    {
        self.entity(id)
            .and_then(|(_, e)| e.name.as_ref().map(|n| n.value.as_str()))
            .unwrap_or(id)
    }

    /// The claim that the `k`th relation of the claim at `key` names, as its document reads it.
    pub fn relation_target(&self, key: ClaimKey, k: usize, relation: &Relation) -> Option<ClaimKey> {
        match &self.threads {
            Some(threads) => threads.targets(key.document, key.claim).get(k).copied().flatten(),
            None => self
                .corpus
                .index
                .resolve_claim(&self.corpus.documents, key.document, &relation.target),
        }
    }

    pub fn claim(&self, key: ClaimKey) -> Option<&'c Claim> {
        self.doc(key.document).claims.get(key.claim.index())
    }

    pub fn claim_words(&self, key: ClaimKey) -> ClaimWords<'_> {
        // The whole site's words, else (the preview's, or a document the site was not given
        // words for) the document's, made at the first need.
        let words = self
            .words
            .all
            .as_ref()
            .and_then(|all| all.get(key.document, key.claim))
            .or_else(|| {
                self.words
                    .cell(key.document.index())
                    .get_or_init(|| claim_words(self.doc(key.document)))
                    .get(key.claim.index())
            });
        words.unwrap_or(ClaimWords {
            first: "",
            text: "",
            plain: true,
        })
    }

    /// The page and fragment of a claim: `article-X.html#claim-ID`.
    pub fn claim_href(&self, key: ClaimKey) -> String {
        if self.editor.is_some() {
            let doc = self.doc(key.document);
            let start = self
                .claim(key)
                .and_then(|c| doc.syntax.spans.get(c.span.index()))
                .map_or(0, |s| s.range.start as usize);
            let line = doc.lines.line_column(&doc.text, start).line + 1;
            return format!("{}#L{line}", self.href(key.document));
        }
        format!(
            "{}#{}",
            super::html::href_file(self.page(key.document)),
            claim_anchor(self.doc(key.document), key.claim)
        )
    }

    /// `claim_href(key)`, escaped for an attribute and appended to `out` (a link's target:
    /// the most frequent string of the corpus's pages).
    pub fn push_claim_href(&self, out: &mut String, key: ClaimKey) {
        if self.editor.is_some() {
            super::html::attr(out, &self.claim_href(key));
            return;
        }
        self.push_href(out, key.document);
        out.push('#');
        push_claim_anchor(out, self.doc(key.document), key.claim);
    }

    /// The date a claim is dated to for its mentions' cards: its own, else its article's.
    pub fn date_of(&self, doc: &Document, claim: Option<ClaimIndex>) -> Option<Date> {
        claim
            .and_then(|k| doc.claims.get(k.index()))
            .and_then(|c| c.date)
            .or_else(|| doc.published())
    }

    /// Articles in order of publication (undated last, then by id).
    pub fn articles_by_date(&self) -> Vec<DocumentSlot> {
        let mut slots: Vec<DocumentSlot> = self
            .corpus
            .live()
            .filter(|(_, d)| d.kind == DocumentKind::Article)
            .map(|(s, _)| s)
            .collect();
        slots.sort_by_cached_key(|&s| {
            let d = self.doc(s);
            (d.published().map_or(i64::MAX, |p| p.first_day()), d.id.clone())
        });
        slots
    }
}

/// What links to a document write of it, escaped once: a corpus's pages link its documents
/// (mostly its entities) hundreds of thousands of times, and escaping each anew was a tenth
/// of the site's instructions.
#[derive(Default)]
struct Escaped {
    /// Its page's name as an `href` (`%` as `%25`), escaped for an attribute.
    href: String,
    /// Its id, escaped for an attribute (`data-entity`, `data-doc`).
    id: String,
    /// Its title (an entity's name), escaped as text.
    title: String,
    /// An entity's card, but for the date.
    card: Option<Box<CardPieces>>,
}

/// The id of a claim's anchor: `claim-ID`, or `claim-nK` for a claim without an id.
pub fn claim_anchor(doc: &Document, claim: ClaimIndex) -> String {
    let mut out = String::new();
    push_claim_anchor(&mut out, doc, claim);
    out
}

/// `claim_anchor`, appended to `out`.
pub fn push_claim_anchor(out: &mut String, doc: &Document, claim: ClaimIndex) {
    push_anchor_of(out, "claim-", doc, claim);
}

fn push_anchor_of(out: &mut String, prefix: &str, doc: &Document, claim: ClaimIndex) {
    match doc.claims.get(claim.index()).and_then(|c| c.id.as_ref()) {
        Some(id) => super::html::push_anchor(out, prefix, &id.value),
        None => {
            out.push_str(prefix);
            out.push('n');
            super::html::push_int(out, claim.index());
        }
    }
}

/// The anchor of a claim's thread (below the article's text).
pub fn thread_anchor(doc: &Document, claim: ClaimIndex) -> String {
    let mut out = String::new();
    push_thread_anchor(&mut out, doc, claim);
    out
}

/// `thread_anchor`, appended to `out`.
pub fn push_thread_anchor(out: &mut String, doc: &Document, claim: ClaimIndex) {
    push_anchor_of(out, "thread-", doc, claim);
}

/// Slots' claims' words, in chunks made at the first need: the editor's preview of one page
/// touches a few documents, and a cell per document would cost the corpus's size per render.
struct Words {
    chunks: Vec<OnceLock<Box<[WordsCell]>>>,
    /// The whole site's: every claim's words, made once (then no chunk is made).
    all: Option<CorpusWords>,
}

type WordsCell = OnceLock<DocumentWords>;

const WORDS_CHUNK: usize = 256;

impl Words {
    fn new(documents: usize) -> Words {
        Words {
            chunks: std::iter::repeat_with(OnceLock::new)
                .take(documents.div_ceil(WORDS_CHUNK))
                .collect(),
            all: None,
        }
    }

    fn cell(&self, slot: usize) -> &WordsCell {
        let chunk = self.chunks[slot / WORDS_CHUNK]
            .get_or_init(|| std::iter::repeat_with(OnceLock::new).take(WORDS_CHUNK).collect());
        &chunk[slot % WORDS_CHUNK]
    }
}

/// Each claim's words, from the document's plain text (one pass).
pub fn claim_words(doc: &Document) -> DocumentWords {
    let mut all = DocumentWords {
        words: String::new(),
        ends: Vec::with_capacity(doc.claims.len()),
    };
    if doc.claims.is_empty() {
        return all;
    }
    // A claim whose text holds no annotation, backslash or carriage return is its own plain
    // text: the plain text of the whole document is made only for the others, if any.
    let mut holds_annotation = vec![false; doc.syntax.spans.len()];
    for span in &doc.syntax.spans {
        if let Some(holds) = span.parent().and_then(|p| holds_annotation.get_mut(p.index())) {
            *holds = true;
        }
    }
    let plain = std::cell::OnceCell::new();
    let mut first = String::new();
    let mut cut = String::new();
    for c in &doc.claims {
        first.clear();
        cut.clear();
        if let Some(span) = doc.syntax.spans.get(c.span.index()) {
            let text = match doc.text.get(span.text_range().range()) {
                Some(source)
                    if !holds_annotation[c.span.index()]
                        && memchr::memchr2(b'\\', b'\r', source.as_bytes()).is_none() =>
                {
                    source
                }
                _ => {
                    let plain = plain.get_or_init(|| PlainText::of(doc));
                    plain.text.get(plain.range(span.text_range())).unwrap_or("")
                }
            };
            let mut words = text.split_whitespace();
            for w in words.by_ref().take(FIRST_WORDS) {
                if !first.is_empty() {
                    first.push(' ');
                }
                first.push_str(w);
            }
            if words.next().is_some() {
                first.push('…');
            }
            for w in text.split_whitespace() {
                if cut.len() + w.len() > TEXT_LIMIT {
                    break;
                }
                if !cut.is_empty() {
                    cut.push(' ');
                }
                cut.push_str(w);
            }
        }
        all.push(&first, &cut);
    }
    all.words.shrink_to_fit();
    all
}

/// Every claim's speakers' claims and every entity's mentions, for the entity pages and the
/// timeline (one pass over the corpus).
pub struct Tables {
    /// Speaker id → claims, in date order (undated last).
    pub by_speaker: HashMap<String, Vec<ClaimKey>>,
    /// Entity id → (article slot, mention index), in file order (so grouped by article).
    pub mentions: HashMap<String, Vec<(DocumentSlot, u32)>>,
    /// Every dated claim, in date order.
    pub dated: Vec<ClaimKey>,
}

impl Tables {
    /// The tables of `documents` (a corpus's, by slot).
    pub fn new(documents: &[Document]) -> Tables {
        let mut by_speaker: HashMap<String, Vec<ClaimKey>> = HashMap::default();
        let mut mentions: HashMap<String, Vec<(DocumentSlot, u32)>> = HashMap::default();
        let mut dated = Vec::new();
        for (slot, doc) in crate::corpus::live(documents) {
            for (k, claim) in doc.claims.iter().enumerate() {
                let key = ClaimKey {
                    document: slot,
                    claim: ClaimIndex::new(k),
                };
                for by in &claim.by {
                    push_to(&mut by_speaker, &by.value, key);
                }
                if claim.date.is_some() {
                    dated.push(key);
                }
            }
            for (k, m) in doc.mentions.iter().enumerate() {
                push_to(&mut mentions, doc.mention_entity(m), (slot, k as u32));
            }
        }
        for claims in by_speaker.values_mut() {
            claims.sort_by_cached_key(|k| (day_of(documents, k), *k));
        }
        dated.sort_by_cached_key(|k| (day_of(documents, k), *k));
        Tables {
            by_speaker,
            mentions,
            dated,
        }
    }

    /// The tables of one entity's page (its claims and its mentions), from the corpus's index:
    /// what the editor's preview of an entity needs, in the time its references take.
    pub fn for_entity(site: &Site, id: &str) -> Tables {
        let mut said = Vec::new();
        let mut mentioned = Vec::new();
        for (slot, at) in site.corpus.index.entity_reference_sites(id) {
            match at {
                EntityRefSite::Speaker(claim) => said.push(ClaimKey { document: slot, claim }),
                EntityRefSite::Mention(k) => mentioned.push((slot, k)),
                _ => {}
            }
        }
        said.sort_by_cached_key(|k| (day_of(&site.corpus.documents, k), *k));
        said.dedup();
        mentioned.sort_unstable();
        let mut by_speaker = HashMap::default();
        let mut mentions = HashMap::default();
        if !said.is_empty() {
            by_speaker.insert(id.to_string(), said);
        }
        if !mentioned.is_empty() {
            mentions.insert(id.to_string(), mentioned);
        }
        Tables {
            by_speaker,
            mentions,
            dated: Vec::new(),
        }
    }
}

/// Appends `value` to the list of `key`, allocating the key only for its first value (a
/// corpus has hundreds of thousands of mentions of a few thousand entities).
fn push_to<V>(map: &mut HashMap<String, Vec<V>>, key: &str, value: V) {
    match map.get_mut(key) {
        Some(list) => list.push(value),
        None => {
            map.insert(key.to_string(), vec![value]);
        }
    }
}

/// The day a claim is sorted by: its own date, else its document's publication (undated last).
fn day_of(documents: &[Document], key: &ClaimKey) -> i64 {
    let doc = &documents[key.document.index()];
    doc.claims
        .get(key.claim.index())
        .and_then(|c| c.date)
        .or_else(|| doc.published())
        .map_or(i64::MAX, |d| d.first_day())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    #[test]
    fn a_claims_words_are_those_of_the_plain_text() {
        // Claims plain, holding a mention, a backslash escape, CRLF line ends and emphasis.
        let body = "[“Said plainly, in eleven words or more, one two three four”]{.claim #a by=w}\r\n\
                    [“With [Wally]{e=w} inside”]{.claim #b by=w} and [\\[escaped\\] words]{.claim #c}\r\n\
                    [“Across\r\nlines”]{.claim #d} [*emphasis* kept]{.claim #e}\r\n";
        let text = format!("---\r\ntitle: T\r\npublished: 2022-04-02\r\n---\r\n{body}");
        let doc = Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, text);
        assert_eq!(doc.claims.len(), 5);
        let plain = PlainText::of(&doc);
        let words = claim_words(&doc);
        assert_eq!(words.len(), doc.claims.len());
        for (k, claim) in doc.claims.iter().enumerate() {
            let words = words.get(k).unwrap();
            let span = &doc.syntax.spans[claim.span.index()];
            let expected: Vec<&str> = plain.text[plain.range(span.text_range())].split_whitespace().collect();
            assert_eq!(
                words.text,
                expected.join(" "),
                "claim {:?}",
                claim.id.as_ref().map(|i| &i.value)
            );
        }
        let first = |k: usize| words.get(k).unwrap().first;
        assert_eq!(first(1), "“With Wally inside”");
        assert_eq!(first(2), "[escaped] words");
        assert_eq!(first(0), "“Said plainly, in eleven words or more, one two three…");
        assert!(words.get(5).is_none());
    }

    /// An article at `path` (its id from the path, as discovery gives it) with `body`.
    pub(in crate::site) fn article(path: &str, body: &str) -> Document {
        let text = format!("---\ntitle: {path}\npublished: 2022-04-02\n---\n{body}\n");
        Document::new(
            crate::discover::document_id(path),
            path.into(),
            DocumentKind::Article,
            text,
        )
    }

    /// The corpus's words, numbered through the corpus, are each document's: across
    /// documents with no claim, one claim and several, and none past a document's last.
    #[test]
    fn the_corpus_words_are_each_documents_words() {
        let documents = [
            article("articles/a.md", "[One claim here]{.claim #a}"),
            article("articles/b.md", "No claim."),
            article(
                "articles/c.md",
                "[First]{.claim #a} [“Second, quoted”]{.claim #b} [x <y>]{.claim #c}",
            ),
        ];
        let each: Vec<DocumentWords> = documents.iter().map(claim_words).collect();
        let all = CorpusWords::new(each.clone());
        for (k, (doc, words)) in documents.iter().zip(&each).enumerate() {
            let slot = DocumentSlot::new(k);
            for j in 0..=doc.claims.len() {
                let (a, b) = (all.get(slot, ClaimIndex::new(j)), words.get(j));
                assert_eq!(
                    a.map(|w| (w.first, w.text, w.plain)),
                    b.map(|w| (w.first, w.text, w.plain))
                );
                assert_eq!(a.is_some(), j < doc.claims.len());
            }
        }
        assert!(all.get(DocumentSlot::new(3), ClaimIndex::new(0)).is_none());
    }
}
