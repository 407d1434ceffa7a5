//! No quadratic step: the work at 1x and at 4x input, counted deterministically (allocations and
//! bytes allocated, by a counting global allocator), must grow about 4x, not 16x. Wall time is
//! not used: it is noisy on shared machines.
//!
//! Shapes: a document referenced by thousands of others, an entity with 100,000 mentions, a
//! 10 MB article, 50,000 claims in one file.

use annals::corpus::Corpus;
use annals::document::{Document, DocumentKind};
use annals::slots::DocumentSlot;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator, counting on the way.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The counters are global: each test runs alone, setup included, so that no other test's
/// allocations are counted in its measurements.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// (allocations, bytes) spent by `f`.
fn work(f: impl FnOnce()) -> (u64, u64) {
    let (a, b) = (ALLOCATIONS.load(Ordering::SeqCst), BYTES.load(Ordering::SeqCst));
    f();
    (ALLOCATIONS.load(Ordering::SeqCst) - a, BYTES.load(Ordering::SeqCst) - b)
}

/// At 4x the input, at most `limit` times the work (4x is linear, 16x quadratic).
fn assert_linear(what: &str, small: (u64, u64), large: (u64, u64), limit: f64) {
    let count = large.0 as f64 / small.0.max(1) as f64;
    let bytes = large.1 as f64 / small.1.max(1) as f64;
    eprintln!("{what}: allocations x{count:.2}, bytes x{bytes:.2}");
    assert!(
        count <= limit && bytes <= limit,
        "{what}: 4x the input cost x{count:.2} allocations and x{bytes:.2} bytes"
    );
}

const ENTITY: &str = "---\nkind: person\nname: Hub Person\naliases: [Hubperson]\n---\n";

fn article(id: &str, body: &str) -> Document {
    Document::new(
        id.into(),
        format!("articles/{id}.md"),
        DocumentKind::Article,
        format!("---\ntitle: T\npublished: 2022-04-02\n---\n{body}"),
    )
}

fn entity() -> Document {
    Document::new(
        "hub-person".into(),
        "entities/hub-person.md".into(),
        DocumentKind::Entity,
        ENTITY.into(),
    )
}

fn corpus(documents: Vec<Document>) -> Corpus {
    Corpus::from_documents(std::env::temp_dir(), annals::config::Config::default(), documents)
}

/// Parse, lower, index and check one article of `paragraphs` paragraphs (about 250 bytes each).
fn big_article_work(paragraphs: usize) -> (u64, u64) {
    let _guard = serial();
    let mut body = String::new();
    for k in 0..paragraphs {
        body.push_str(&format!("[Hub Person]{{e=hub-person}} said [\"words {k}\"]{{.claim #c{k} by=hub-person date=2022 supports=c{}}}. Plain prose follows, with the name Hubperson unannotated.\n\n", k.saturating_sub(1)));
    }
    work(|| {
        let c = corpus(vec![article("big", &body), entity()]);
        let n: usize = c.findings().iter().map(|d| d.findings.len()).sum();
        assert!(n >= paragraphs);
    })
}

#[test]
fn a_10_mb_article_with_50_000_claims() {
    // 50,000 paragraphs of ~250 bytes: about 12.5 MB and 50,000 claims; against a quarter of it.
    let small = big_article_work(12_500);
    let large = big_article_work(50_000);
    assert_linear("10 MB article", small, large, 4.6);
}

#[test]
fn an_entity_with_100_000_mentions() {
    let _guard = serial();
    let build = |articles: usize| -> Vec<Document> {
        let mut docs = vec![entity()];
        for a in 0..articles {
            let body = "[Hub Person]{e=hub-person} and again [Hubperson]{e=hub-person}.\n\n".repeat(10);
            docs.push(article(&format!("a{a}"), &body));
        }
        docs
    };
    // 1,250 articles x 20 mentions = 25,000; 5,000 articles = 100,000.
    let (small_docs, large_docs) = (build(1_250), build(5_000));
    let measure = |docs: Vec<Document>| {
        work(|| {
            let mut c = corpus(docs);
            let _ = c.findings_of(DocumentSlot::new(0));
            // An edit of one article that mentions the entity: its entries come and go.
            let text = c.documents[1].text.replace("again", "once more");
            let _ = c.set_document_text("articles/a0.md", DocumentKind::Article, text);
            assert_eq!(
                c.index.references_to_entity(&c.documents, "hub-person").count(),
                (c.documents.len() - 1) * 20
            );
        })
    };
    let small = measure(small_docs);
    let large = measure(large_docs);
    assert_linear("entity with 100,000 mentions", small, large, 4.6);
}

#[test]
fn a_document_referenced_by_thousands() {
    let _guard = serial();
    let build = |articles: usize| -> Vec<Document> {
        let mut docs = vec![
            entity(),
            article("hub", "[\"the original\"]{.claim #orig by=hub-person date=2020}\n"),
        ];
        for a in 0..articles {
            docs.push(article(
                &format!("r{a}"),
                &format!(
                    "[\"a reply {a}\"]{{.claim #r by=hub-person date=2021 replies-to=hub:orig repeats=hub:orig}}\n"
                ),
            ));
        }
        docs
    };
    let (small_docs, large_docs) = (build(2_500), build(10_000));
    let measure = |docs: Vec<Document>| {
        work(|| {
            let mut c = corpus(docs);
            // Editing the hub re-checks every referrer (they may break): linear in referrers.
            let slot = c.slot("articles/hub.md").unwrap();
            let text = c.documents[slot.index()].text.replace("the original", "the first");
            let affected = c.set_document_text("articles/hub.md", DocumentKind::Article, text);
            let n: usize = (0..c.documents.len())
                .map(DocumentSlot::new)
                .filter(|s| affected.contains(*s))
                .map(|s| c.findings_of(s).len())
                .sum();
            assert_eq!(n, 0);
            assert_eq!(
                c.index.references_to_claim("hub", "orig").count(),
                (c.documents.len() - 2) * 2
            );
        })
    };
    let small = measure(small_docs);
    let large = measure(large_docs);
    assert_linear("document referenced by 10,000 others", small, large, 4.6);
}
