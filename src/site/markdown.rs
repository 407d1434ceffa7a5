//! A document's body as HTML: its Markdown through pulldown-cmark, its annotations as
//! elements with data attributes, and no byte of an attribute block in the output.
//!
//! pulldown-cmark reads the source as written (an annotation's `[`, `]` and `{…}` are plain
//! text to CommonMark) and gives each event its source range. The spans' brackets and
//! attribute blocks are cut out of those ranges, and at each span's `[` and `]` an element
//! opens or closes. An annotation may cross Markdown's own inline elements
//! (`[*a]{e=x} b*`), so annotation elements are opened lazily, just before content, and closed
//! before every Markdown tag, then opened again: the output always nests. Raw HTML in the
//! corpus is shown as text (HTML comments are dropped), and links keep only safe schemes.

use super::html;
use super::model::{Site, push_claim_anchor, push_thread_anchor};
use crate::date::Date;
use crate::document::{self, Document, EntityMeta};
use crate::slots::{ClaimIndex, DocumentSlot};
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

#[derive(Clone, Copy)]
enum Role {
    Mention(usize),
    Claim(usize),
    Other,
}

#[derive(Clone, Copy)]
struct Boundary {
    at: usize,
    /// The bytes cut out: the `[`, or the `]{…}`.
    cut_end: usize,
    span: usize,
    open: bool,
}

/// An annotation open in the text, and whether its element is open in the output now.
struct Open {
    span: usize,
    role: Role,
    shown: bool,
    ever_shown: bool,
    /// A mention shown as a link (so nothing inside it may be a link).
    link: bool,
}

struct Writer<'a, 's> {
    site: &'a Site<'s>,
    doc: &'a Document,
    roles: Vec<Role>,
    events: Vec<Piece<'a>>,
    /// Every piece of raw HTML, one after the other; the raw HTML since the last event is
    /// one piece before the next (an annotation's opening, card and closing are one piece).
    raw: String,
    /// Where the raw HTML not yet in `events` starts in `raw`.
    pending_from: usize,
    stack: Vec<Open>,
    /// How many of `stack`, from the bottom, are shown: always a prefix (everything is hidden
    /// before a tag, shown from the bottom before content), so showing costs only the new ones.
    shown: usize,
    /// Shown mentions that are links.
    shown_links: usize,
    /// Markdown links open around the current position.
    links: usize,
    /// Cards made on this page, by entity and date: a page names the same few entities often.
    cards: rustc_hash::FxHashMap<(&'a str, Option<crate::date::Date>), String>,
}

/// Bytes of raw HTML per annotation to begin with: a mention's opening with its card is 300
/// to 500.
const PIECE: usize = 512;

/// What the body is made of, in order: Markdown's events, and the raw HTML of annotations
/// between them, as ranges of one string (`Writer::raw`) that becomes their text once it is
/// whole. A string per piece was a million allocations at 2,000 articles.
enum Piece<'a> {
    Markdown(Event<'a>),
    Raw(std::ops::Range<usize>),
}

/// The text pulldown-cmark reads: `doc`'s, with each annotation's `[` and the `]` of its
/// `]{` written as `$` (punctuation too, so emphasis next to them flanks as before, and no
/// meaning to Markdown without its math). Those bytes are cut from the page anyway; as
/// brackets, each `]` made pulldown-cmark look for a link (a twentieth of the site's
/// instructions), and an annotation inside a link's text could end that link early. Only
/// where nothing else reads the bytes as they are: a body with raw HTML (`<`) or code (a
/// backtick) is read as written.
fn bracketless(doc: &Document, body: usize) -> std::borrow::Cow<'_, str> {
    let text = doc.text.as_str();
    let rest = text.as_bytes().get(body..).unwrap_or_default();
    if doc.syntax.spans.is_empty() || memchr::memchr2(b'<', b'`', rest).is_some() {
        return text.into();
    }
    let mut bytes = text.as_bytes().to_vec();
    for span in &doc.syntax.spans {
        for at in [span.range.start as usize, span.text_range().end as usize] {
            if let Some(b @ (b'[' | b']')) = bytes.get_mut(at) {
                *b = b'$';
            }
        }
    }
    // ASCII for ASCII: still UTF-8.
    String::from_utf8(bytes).map_or(text.into(), Into::into)
}

/// The HTML of `doc`'s body (after its front matter).
pub fn body(site: &Site, doc: &Document) -> String {
    let mut out = String::with_capacity(doc.text.len() * 4);
    body_into(site, doc, &mut out);
    out
}

/// `body`, appended to `out` (the page being written) without a string of its own.
pub fn body_into(site: &Site, doc: &Document, out: &mut String) {
    let text = doc.text.as_str();
    let start = doc.syntax.body_start.min(text.len());
    let mut roles = vec![Role::Other; doc.syntax.spans.len()];
    for (k, m) in doc.mentions.iter().enumerate() {
        if let Some(r) = roles.get_mut(m.span.index()) {
            *r = Role::Mention(k);
        }
    }
    for (k, c) in doc.claims.iter().enumerate() {
        if let Some(r) = roles.get_mut(c.span.index()) {
            *r = Role::Claim(k);
        }
    }
    let mut boundaries: Vec<Boundary> = Vec::with_capacity(doc.syntax.spans.len() * 2);
    for (k, s) in doc.syntax.spans.iter().enumerate() {
        boundaries.push(Boundary {
            at: s.range.start as usize,
            cut_end: s.range.start as usize + 1,
            span: k,
            open: true,
        });
        boundaries.push(Boundary {
            at: s.text_range().end as usize,
            cut_end: s.range.end as usize,
            span: k,
            open: false,
        });
    }
    // Positions are distinct (a `[` and a `]` are different bytes); inner spans close first.
    boundaries.sort_by_key(|b| b.at);

    let mut w = Writer {
        site,
        doc,
        roles,
        // About four events per annotation (its text, the raw HTML around it, a break).
        events: Vec::with_capacity(16 + doc.syntax.spans.len() * 4),
        raw: String::with_capacity(PIECE * (1 + doc.mentions.len() + doc.claims.len())),
        pending_from: 0,
        stack: Vec::new(),
        shown: 0,
        shown_links: 0,
        links: 0,
        cards: Default::default(),
    };
    let mut next = 0;
    // Source bytes before this are cut (inside an attribute block that spans events).
    let mut skip_until = 0usize;
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let fed = bracketless(doc, start);
    for (event, range) in Parser::new_ext(&fed[start..], options).into_offset_iter() {
        let (s, e) = (range.start + start, range.end + start);
        match event {
            Event::Text(t) => {
                let verbatim = fed.get(s..e) == Some(t.as_ref());
                if !verbatim {
                    // An escape or an entity: one piece, placed after the boundaries before it.
                    while next < boundaries.len() && boundaries[next].at < e {
                        skip_until = skip_until.max(boundaries[next].cut_end);
                        w.boundary(boundaries[next]);
                        next += 1;
                    }
                    if s >= skip_until {
                        w.content(Event::Text(t));
                    }
                    continue;
                }
                let mut cursor = s.max(skip_until);
                while next < boundaries.len() && boundaries[next].at < e {
                    let b = boundaries[next];
                    if b.at > cursor {
                        w.content(Event::Text(CowStr::Borrowed(&text[cursor..b.at])));
                    }
                    w.boundary(b);
                    cursor = cursor.max(b.cut_end);
                    skip_until = skip_until.max(b.cut_end);
                    next += 1;
                }
                if cursor < e {
                    w.content(Event::Text(CowStr::Borrowed(&text[cursor..e])));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if s >= skip_until {
                    w.push(event);
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                while next < boundaries.len() && boundaries[next].at < e {
                    skip_until = skip_until.max(boundaries[next].cut_end);
                    w.boundary(boundaries[next]);
                    next += 1;
                }
                if !h.trim_start().starts_with("<!--") {
                    w.content(Event::Text(h));
                }
            }
            Event::Start(tag) => {
                while next < boundaries.len() && boundaries[next].at < s {
                    skip_until = skip_until.max(boundaries[next].cut_end);
                    w.boundary(boundaries[next]);
                    next += 1;
                }
                w.start(tag);
            }
            Event::End(tag) => w.end(tag),
            Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) | Event::FootnoteReference(_) => {
                w.content(event)
            }
            Event::Rule | Event::TaskListMarker(_) => w.push(event),
        }
    }
    while next < boundaries.len() {
        w.boundary(boundaries[next]);
        next += 1;
    }
    w.hide_all();
    w.flush();
    let raw = w.raw.as_str();
    let events = w.events.into_iter().map(|piece| match piece {
        Piece::Markdown(event) => event,
        Piece::Raw(range) => Event::InlineHtml(CowStr::Borrowed(&raw[range])),
    });
    pulldown_cmark::html::push_html(out, events);
}

impl<'a> Writer<'a, '_> {
    fn raw(&mut self, html: &str) {
        self.raw.push_str(html);
    }

    /// Pushes `event` after the raw HTML gathered before it.
    fn push(&mut self, event: Event<'a>) {
        self.flush();
        self.events.push(Piece::Markdown(event));
    }

    fn flush(&mut self) {
        if self.raw.len() > self.pending_from {
            self.events.push(Piece::Raw(self.pending_from..self.raw.len()));
            self.pending_from = self.raw.len();
        }
    }

    /// Content at the current position: first every annotation around it is shown.
    fn content(&mut self, event: Event<'a>) {
        self.show_all();
        self.push(event);
    }

    fn start(&mut self, tag: Tag<'a>) {
        self.hide_all();
        let tag = match tag {
            Tag::HtmlBlock => Tag::Paragraph,
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => {
                self.links += 1;
                Tag::Link {
                    link_type,
                    dest_url: safe(dest_url),
                    title,
                    id,
                }
            }
            // No image is fetched: an image is a link to it, with its description as text.
            Tag::Image {
                dest_url, title, id, ..
            } => {
                self.links += 1;
                Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url: safe(dest_url),
                    title,
                    id,
                }
            }
            other => other,
        };
        self.push(Event::Start(tag));
    }

    fn end(&mut self, tag: TagEnd) {
        self.hide_all();
        let tag = match tag {
            TagEnd::HtmlBlock => TagEnd::Paragraph,
            TagEnd::Link | TagEnd::Image => {
                self.links = self.links.saturating_sub(1);
                TagEnd::Link
            }
            other => other,
        };
        self.push(Event::End(tag));
    }

    fn boundary(&mut self, b: Boundary) {
        if b.open {
            let role = self.roles[b.span];
            self.stack.push(Open {
                span: b.span,
                role,
                shown: false,
                ever_shown: false,
                link: false,
            });
            return;
        }
        // Spans nest, so the one closing is on top; a stray close changes nothing.
        if self.stack.last().is_none_or(|o| o.span != b.span) {
            return;
        }
        if let Some(top) = self.stack.last()
            && !top.ever_shown
            && matches!(top.role, Role::Claim(_))
        {
            // An empty claim still gets its anchor.
            self.show_all();
        }
        let open = self.stack.pop().expect("checked above");
        if open.shown {
            self.shown -= 1;
            self.shown_links -= usize::from(open.link);
            let close = close_tag(&open);
            self.raw(close);
        }
        if let Role::Claim(k) = open.role {
            // Shown first: whether a link is around the mark depends on what is shown.
            self.show_all();
            self.claim_mark(k);
        }
    }

    fn show_all(&mut self) {
        for k in self.shown..self.stack.len() {
            let in_link = self.links > 0 || self.shown_links > 0;
            let first = !self.stack[k].ever_shown;
            let link = self.open_tag(self.stack[k].role, first, in_link);
            let open = &mut self.stack[k];
            open.shown = true;
            open.ever_shown = true;
            open.link = link;
            self.shown_links += usize::from(link);
        }
        self.shown = self.stack.len();
    }

    fn hide_all(&mut self) {
        for open in self.stack[..self.shown].iter_mut().rev() {
            self.raw.push_str(close_tag(open));
            open.shown = false;
            open.link = false;
        }
        self.shown = 0;
        self.shown_links = 0;
    }

    /// The opening of an annotation's element; `first` for its first piece (which holds its
    /// anchor and card), `in_link` when a link is open around it. Also whether it is a link.
    fn open_tag(&mut self, role: Role, first: bool, in_link: bool) -> bool {
        let mut out = std::mem::take(&mut self.raw);
        let link = self.write_open_tag(&mut out, role, first, in_link);
        self.raw = out;
        link
    }

    fn write_open_tag(&mut self, out: &mut String, role: Role, first: bool, in_link: bool) -> bool {
        match role {
            Role::Mention(k) => {
                let m = &self.doc.mentions[k];
                let entity = self.doc.mention_entity(m);
                let found = self.site.entity(entity);
                out.push_str("<span class=\"m\"");
                if first {
                    out.push_str(" id=\"m-");
                    html::push_int(out, k);
                    out.push('"');
                }
                out.push('>');
                if first && let Some((slot, meta)) = found {
                    let date = self.site.date_of(self.doc, m.claim);
                    out.push_str("<span class=\"card\" id=\"card-");
                    html::push_int(out, k);
                    out.push_str("\" role=\"tooltip\">");
                    let site = self.site;
                    let made = self.cards.entry((entity, date)).or_insert_with(|| {
                        let mut c = String::with_capacity(PIECE);
                        card(site, &mut c, slot, entity, meta, date);
                        c
                    });
                    out.push_str(made);
                    out.push_str("</span>");
                }
                match found {
                    Some((slot, _)) if !in_link => {
                        out.push_str("<a class=\"mention\" href=\"");
                        self.site.push_href(out, slot);
                        out.push_str("\" data-entity=\"");
                        self.site.push_id(out, slot);
                        out.push('"');
                        if first {
                            out.push_str(" aria-describedby=\"card-");
                            html::push_int(out, k);
                            out.push('"');
                        } else {
                            out.push_str(" tabindex=\"-1\"");
                        }
                        out.push('>');
                        true
                    }
                    _ => {
                        out.push_str("<span class=\"mention\" data-entity=\"");
                        html::attr(out, entity);
                        out.push_str("\">");
                        false
                    }
                }
            }
            Role::Claim(k) => {
                let claim = &self.doc.claims[k];
                out.push_str("<span class=\"claim\"");
                if first {
                    out.push_str(" id=\"");
                    push_claim_anchor(out, self.doc, ClaimIndex::new(k));
                    out.push('"');
                }
                if let Some(id) = &claim.id {
                    out.push_str(" data-claim=\"");
                    html::attr(out, &id.value);
                    out.push('"');
                }
                if !claim.by.is_empty() {
                    out.push_str(" data-by=\"");
                    for (i, by) in claim.by.iter().enumerate() {
                        if i > 0 {
                            out.push(' ');
                        }
                        html::attr(out, &by.value);
                    }
                    out.push('"');
                }
                if let Some(d) = claim.date {
                    out.push_str(" data-date=\"");
                    d.push_iso(out);
                    out.push('"');
                }
                out.push('>');
                false
            }
            Role::Other => {
                out.push_str("<span class=\"annotation\">");
                false
            }
        }
    }

    /// After a claim: who said it (each speaker with its card, the role held on the claim's
    /// date), when, and a link to its thread.
    fn claim_mark(&mut self, k: usize) {
        let mut out = std::mem::take(&mut self.raw);
        self.write_claim_mark(&mut out, k);
        self.raw = out;
    }

    fn write_claim_mark(&mut self, out: &mut String, k: usize) {
        let claim = &self.doc.claims[k];
        let in_link = self.links > 0 || self.shown_links > 0;
        let date = self.site.date_of(self.doc, Some(ClaimIndex::new(k)));
        out.push_str("<sup class=\"claim-mark\">[");
        for (i, b) in claim.by.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match self.site.entity(&b.value) {
                Some((slot, meta)) if !in_link => {
                    out.push_str("<span class=\"m speaker\"><span class=\"card\" id=\"card-c");
                    html::push_int(out, k);
                    out.push('-');
                    html::push_int(out, i);
                    out.push_str("\" role=\"tooltip\">");
                    let site = self.site;
                    let made = self.cards.entry((b.value.as_str(), date)).or_insert_with(|| {
                        let mut c = String::with_capacity(PIECE);
                        card(site, &mut c, slot, &b.value, meta, date);
                        c
                    });
                    out.push_str(made);
                    out.push_str("</span><a class=\"mention\" href=\"");
                    self.site.push_href(out, slot);
                    out.push_str("\" data-entity=\"");
                    self.site.push_id(out, slot);
                    out.push_str("\" aria-describedby=\"card-c");
                    html::push_int(out, k);
                    out.push('-');
                    html::push_int(out, i);
                    out.push_str("\">");
                    self.site.push_title(out, slot);
                    out.push_str("</a></span>");
                }
                _ => html::text(out, self.site.entity_name(&b.value)),
            }
        }
        if let Some(d) = claim.date {
            if !claim.by.is_empty() {
                out.push_str(", ");
            }
            d.push_human(out);
        }
        if !claim.by.is_empty() || claim.date.is_some() {
            out.push_str(" · ");
        }
        if in_link {
            out.push_str("claim");
        } else {
            out.push_str("<a href=\"#");
            push_thread_anchor(out, self.doc, ClaimIndex::new(k));
            out.push_str("\" aria-label=\"the claim's thread\">thread</a>");
        }
        out.push_str("]</sup>");
    }
}

fn close_tag(open: &Open) -> &'static str {
    match (open.role, open.link) {
        (Role::Mention(_), true) => "</a></span>",
        (Role::Mention(_), false) => "</span></span>",
        _ => "</span>",
    }
}

fn safe(url: CowStr<'_>) -> CowStr<'_> {
    match html::safe_url(&url) {
        Some(_) => url,
        None => CowStr::Borrowed("#"),
    }
}

/// An entity's card: name, kind, the roles held on `date`, description. `slot` is the
/// entity's document, whose pieces the site may hold made (`CardPieces`).
pub fn card(site: &Site, out: &mut String, slot: DocumentSlot, id: &str, meta: &EntityMeta, date: Option<Date>) {
    let pieces = site.card_pieces(slot);
    match pieces {
        Some(p) => out.push_str(&p.head),
        None => card_head(out, id, meta),
    }
    if let Some(date) = date
        && !meta.roles.is_empty()
    {
        out.push_str("<span class=\"role\">On ");
        date.push_human(out);
        out.push_str(": ");
        // The roles held, as `EntityMeta::roles_on` words them.
        let (first, last) = (date.first_day(), date.last_day());
        let held_on = |k: usize, role: &document::Role| match pieces.and_then(|p| p.days.get(k)) {
            Some(days) => days.may_hold(first, last),
            None => role.held_on(date),
        };
        let mut held = 0;
        for (k, role) in meta.roles.iter().enumerate().filter(|(k, r)| held_on(*k, r)) {
            if held > 0 {
                out.push_str("; ");
            }
            held += 1;
            match pieces.and_then(|p| p.roles.get(k)) {
                Some(words) => out.push_str(words),
                None => role_words(site, out, role),
            }
        }
        if held == 0 {
            out.push_str("no recorded role");
        }
        out.push_str(".</span>");
    }
    match pieces {
        Some(p) => out.push_str(&p.tail),
        None => card_tail(out, meta),
    }
}

/// The parts of an entity's card that do not depend on the date, escaped once for the
/// corpus: a page has a card per mention, and a corpus hundreds of thousands.
pub struct CardPieces {
    head: String,
    /// Each role as "title, org", in the order of the entity's roles.
    roles: Vec<String>,
    /// Each role's days, in the same order.
    days: Vec<document::RoleDays>,
    tail: String,
}

impl CardPieces {
    pub fn new(site: &Site, id: &str, meta: &EntityMeta) -> CardPieces {
        let mut head = String::new();
        card_head(&mut head, id, meta);
        let mut tail = String::new();
        card_tail(&mut tail, meta);
        let roles = meta
            .roles
            .iter()
            .map(|role| {
                let mut words = String::new();
                role_words(site, &mut words, role);
                words
            })
            .collect();
        let days = meta.roles.iter().map(document::Role::days).collect();
        CardPieces {
            head,
            roles,
            days,
            tail,
        }
    }
}

fn card_head(out: &mut String, id: &str, meta: &EntityMeta) {
    out.push_str("<b>");
    html::text(out, meta.name.as_ref().map_or(id, |n| n.value.as_str()));
    out.push_str("</b>");
    if let Some(kind) = &meta.kind {
        out.push_str("<span class=\"kind\">");
        html::text(out, &kind.value);
        out.push_str("</span>");
    }
}

fn role_words(site: &Site, out: &mut String, role: &document::Role) {
    html::text(out, role.title.as_ref().map_or("(untitled role)", |t| t.value.as_str()));
    if let Some(org) = &role.org {
        out.push_str(", ");
        html::text(out, site.entity_name(&org.value));
    }
}

fn card_tail(out: &mut String, meta: &EntityMeta) {
    if let Some(d) = &meta.description {
        out.push_str("<span class=\"description\"> ");
        html::text(out, &d.value);
        out.push_str("</span>");
    }
}

#[cfg(test)]
mod tests {
    use crate::Corpus;
    use crate::config::Config;
    use crate::document::{Document, DocumentKind};

    fn render(body: &str) -> String {
        let entity = Document::new(
            "x".into(),
            "entities/x.md".into(),
            DocumentKind::Entity,
            "---\nkind: person\nname: X\n---\n".into(),
        );
        let article = Document::new(
            "a".into(),
            "articles/a.md".into(),
            DocumentKind::Article,
            format!("---\ntitle: A\npublished: 2022-04-02\n---\n{body}\n"),
        );
        let corpus = Corpus::from_documents("/c".into(), Config::default(), vec![entity, article]);
        let site = super::Site::new(&corpus);
        super::body(&site, &corpus.documents[1])
    }

    /// The elements of `html` close in the order they opened.
    fn nests(html: &str) -> bool {
        let mut open: Vec<String> = Vec::new();
        for piece in html.split('<').skip(1) {
            let tag: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
                .collect();
            if let Some(name) = tag.strip_prefix('/') {
                if open.pop().as_deref() != Some(name) {
                    return false;
                }
            } else if !matches!(tag.as_str(), "br" | "hr" | "img" | "input") {
                open.push(tag);
            }
        }
        open.is_empty()
    }

    #[test]
    fn an_annotation_across_emphasis_still_nests() {
        for body in [
            "[*a]{e=x} b*",
            "*a [b* c]{e=x}",
            "[a **b [c]{e=x} d** e]{.claim #k by=x date=2022}",
            "[`code` and [x]{e=x}]{.claim #c}",
            "[a](https://x.org) [[in]{e=x} link](https://y.org)",
        ] {
            let html = render(body);
            assert!(nests(&html), "{body:?} gave {html}");
            assert!(!html.contains("]{"), "{body:?} left an attribute block: {html}");
        }
    }

    #[test]
    fn an_attribute_block_over_lines_and_escapes_leave_no_trace() {
        let html = render("[\\[x\\] said]{.claim #q by=x\nsource=\"https://a.org/b\"} and \\* star.");
        assert!(html.contains("[x] said</span>"), "{html}");
        assert!(!html.contains("source=") && !html.contains("{."), "{html}");
        assert!(html.contains("* star"), "{html}");
    }

    #[test]
    fn an_annotations_brackets_are_no_markdown() {
        // Emphasis flanking the brackets stays emphasis; an annotation whose text is also a
        // reference definition's label is an annotation, not a link to that address.
        let html = render("[_a_]{e=x} and _[b]{e=x}_\n\n[X]{e=x}\n\n[X]: https://x.org/\n");
        assert_eq!(html.matches("<em>").count(), 2, "{html}");
        assert!(!html.contains("https://x.org/"), "{html}");
        assert_eq!(html.matches("data-entity=\"x\"").count(), 3, "{html}");
        assert!(nests(&html) && !html.contains('$') && !html.contains("]{"), "{html}");
    }

    #[test]
    fn a_mention_in_a_link_is_no_second_link() {
        let html = render("[see [X]{e=x} here](https://x.org)");
        assert_eq!(html.matches("<a ").count(), 1, "{html}");
        assert!(html.contains("data-entity=\"x\""), "{html}");
    }
}
