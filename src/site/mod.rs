//! `annals site`: the corpus as a static website to read, and the editor's preview of one
//! document (`annals/render`), from one renderer.
//!
//! A face over the core: the corpus is loaded as the language server holds it (the pages
//! need every claim's relations both ways, across documents), each page is rendered from
//! its document with the corpus index (one module per kind of page), and the files are
//! written by the export's `out.rs` (a new folder built next to `--out`, renamed into place).
//! Nothing is fetched, nothing needs a server: the pages work from `file://`.

mod article;
mod claims;
mod entity;
mod findings;
mod graph;
mod html;
mod index;
mod markdown;
mod model;
mod search;
mod threads;
mod timeline;

pub use model::Site;

use crate::Corpus;
use crate::config;
use crate::corpus::{self, LoadError};
use crate::document::{Document, DocumentKind};
use crate::export::out::{OutError, Staging};
use rayon::prelude::*;
use std::fmt;
use std::io::Write;
use std::path::PathBuf;

/// The file every site folder holds; `--force` replaces only folders that have it.
pub const MARKER: &str = "annals-site.json";

pub struct Options {
    pub path: PathBuf,
    pub out: PathBuf,
    pub force: bool,
    pub with_findings: bool,
}

#[derive(Debug)]
pub enum SiteError {
    Load(LoadError),
    Out(OutError),
    /// `--out` holds files and `--force` was not given.
    NotEmpty(PathBuf),
}

impl fmt::Display for SiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SiteError::Load(e) => e.fmt(f),
            SiteError::Out(e) => e.fmt(f),
            SiteError::NotEmpty(p) => write!(
                f,
                "{} is not empty: give a new or empty folder, or pass --force to replace a previous site there; nothing was written",
                p.display()
            ),
        }
    }
}

impl std::error::Error for SiteError {}

impl From<LoadError> for SiteError {
    fn from(e: LoadError) -> Self {
        SiteError::Load(e)
    }
}

impl From<OutError> for SiteError {
    fn from(e: OutError) -> Self {
        match e {
            OutError::NotEmpty(p) => SiteError::NotEmpty(p),
            e => SiteError::Out(e),
        }
    }
}

/// What a build wrote.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Counts {
    pub articles: usize,
    pub entities: usize,
    pub claims: usize,
    pub pages: usize,
}

pub struct Outcome {
    pub written: PathBuf,
    pub counts: Counts,
    pub notes: Vec<String>,
}

/// An article read and its page begun (the document, its text shed unless kept), or an
/// entity (none: the first look holds it); and the document's claims' words.
type Begun = (Option<Document>, model::DocumentWords);

/// Builds the site of the corpus that holds `options.path` into `options.out`.
pub fn run(options: &Options) -> Result<Outcome, SiteError> {
    let scope = std::path::absolute(&options.path).unwrap_or_else(|_| options.path.clone());
    if !scope.exists() {
        return Err(LoadError::NoCorpus(options.path.clone()).into());
    }
    let root = config::find_root(&scope).ok_or_else(|| LoadError::NoCorpus(scope.clone()))?;
    let (config, files) = corpus::configured_files(&root)?;
    let notes: Vec<String> = config.warnings.iter().map(|w| format!("annals.toml: {w}")).collect();
    let limit = config.max_file_size;
    let staging = Staging::prepare_marked(&options.out, options.force, MARKER)?;
    let pages = staging.files();
    let io = |name: &str| {
        let path = PathBuf::from(name);
        move |error| OutError::Io { path, error }
    };
    // An article's text reads only the entities of the rest of the corpus (its mentions'
    // cards, its speakers, links to their pages), and page names come from ids, which come
    // from paths. So the entities are read first, and each article's page is begun while the
    // article is read: its text and syntax are then dropped, and never read twice. The rest
    // of its page (each claim's thread, relations both ways) is added once the corpus is
    // whole. The findings page runs every rule, which read the syntax: with it, documents
    // are kept whole.
    let shed = !options.with_findings;
    let mut entities = Corpus::first_look(&root, config.clone(), &files);
    let begun: Vec<Begun> = {
        let early = Site::new(&entities);
        files
            .par_iter()
            .enumerate()
            .map(|(k, file)| {
                let slot = crate::slots::DocumentSlot::new(k);
                if file.kind != DocumentKind::Article {
                    return Ok((None, model::claim_words(early.doc(slot))));
                }
                let mut doc = corpus::read_document(file, limit);
                let words = model::claim_words(&doc);
                let mut page = article::begin(&early, &doc, false);
                if doc.claims.is_empty() {
                    // No thread to add: the page ends now.
                    html::foot(&mut page);
                }
                let name = early.page(slot);
                pages.create(name, page.as_bytes()).map_err(io(name))?;
                if shed {
                    doc.drop_text();
                }
                Ok((Some(doc), words))
            })
            .collect::<Result<_, OutError>>()?
    };
    let mut documents = std::mem::take(&mut entities.documents);
    let mut words = Vec::with_capacity(documents.len());
    for (slot, (doc, w)) in begun.into_iter().enumerate() {
        if let Some(doc) = doc {
            documents[slot] = doc;
        }
        words.push(w);
    }
    drop(entities);
    // Each speaker's claims and each entity's mentions are tabled beside the index. The pages
    // follow references by id (each claim's thread is resolved once, in `threads.rs`); only
    // the findings page runs the rules, which read the whole index.
    let (corpus, tables) = if options.with_findings {
        Corpus::from_documents_and(root.clone(), config, documents, model::Tables::new)
    } else {
        Corpus::with_ids_and(root.clone(), config, documents, model::Tables::new)
    };
    let site = Site::with_words(&corpus, words);

    let mut counts = Counts::default();
    for (_, doc) in corpus.live() {
        match doc.kind {
            DocumentKind::Article => counts.articles += 1,
            DocumentKind::Entity => counts.entities += 1,
        }
        counts.claims += doc.claims.len();
    }
    let slots: Vec<_> = corpus.live().map(|(s, _)| s).collect();
    // The document pages and the pages of the whole corpus are made at once, on every core:
    // the graph, the timeline and the search index are tens of megabytes at 10,000 articles
    // and took a third of the time when they came after the rest, on one core. Each is written
    // and dropped as soon as it is made.
    let write = |name: &str, bytes: &[u8]| pages.create(name, bytes).map_err(io(name));
    let documents = || {
        // In pieces of a few pages: the pages of the whole corpus run beside these on one
        // thread, and when they are done that thread must find pages left to take. Split
        // only in halves, as rayon does by default, the rest was one long run on the other
        // thread (a third of the time, with one core idle).
        slots.par_iter().with_max_len(8).try_for_each(|&slot| {
            let doc = site.doc(slot);
            match doc.kind {
                // Begun while it was read: the threads and the foot are added.
                DocumentKind::Article if doc.claims.is_empty() => Ok(()),
                DocumentKind::Article => {
                    let mut rest = String::with_capacity(doc.claims.len() * 1024);
                    article::end(&site, &mut rest, slot);
                    let name = site.page(slot);
                    pages.append(name, rest.as_bytes()).map_err(io(name))
                }
                DocumentKind::Entity => write(site.page(slot), entity::page(&site, &tables, slot).as_bytes()),
            }
        })
    };
    let corpus_pages = || -> Result<(), OutError> {
        // A page made in pieces: each piece is written as soon as it passes `CHUNK` bytes.
        let stream = |name: &str, make: &dyn Fn(html::Spill) -> String| -> Result<(), OutError> {
            let mut file = pages.create_file(name).map_err(io(name))?;
            let mut failed = None;
            let rest = make(&mut |out: &mut String| {
                if out.len() >= html::CHUNK {
                    if failed.is_none()
                        && let Err(e) = file.write_all(out.as_bytes())
                    {
                        failed = Some(e);
                    }
                    out.clear();
                }
            });
            match failed {
                Some(e) => Err(e),
                None => file.write_all(rest.as_bytes()),
            }
            .map_err(io(name))
        };
        let wholes: [&(dyn Fn() -> Result<(), OutError> + Sync); 4] = [
            &|| stream("timeline.html", &|spill| timeline::page(&site, &tables, spill)),
            &|| stream("graph.html", &|spill| graph::page(&site, &tables, spill)),
            &|| {
                let name = "search-index.js";
                let file = pages.create_file(name).map_err(io(name))?;
                let mut file = std::io::BufWriter::with_capacity(html::CHUNK, file);
                search::index_script(&site, &mut file)
                    .and_then(|()| file.flush())
                    .map_err(io(name))
            },
            &|| {
                write("style.css", html::STYLE.as_bytes())?;
                write("search.js", search::SCRIPT.as_bytes())?;
                write("index.html", index::page(&site, options.with_findings).as_bytes())?;
                if options.with_findings {
                    write("findings.html", findings::page(&site).as_bytes())?;
                }
                Ok(())
            },
        ];
        wholes.par_iter().try_for_each(|make| make())
    };
    let (documents, whole) = rayon::join(documents, corpus_pages);
    documents?;
    whole?;
    // Index, timeline, graph, and the findings page when asked for.
    counts.pages = slots.len() + 3 + usize::from(options.with_findings);
    let manifest = serde_json::json!({
        "annals": env!("CARGO_PKG_VERSION"),
        "corpus": site.name,
        "counts": counts,
    });
    let mut bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    bytes.push(b'\n');
    pages.create(MARKER, &bytes).map_err(io(MARKER))?;
    let written = staging.commit()?;
    // Freeing a large corpus and the site's own tables takes a while: a thread does it.
    let owned = site.into_owned();
    std::thread::spawn(move || drop((corpus, tables, owned)));
    Ok(Outcome { written, counts, notes })
}

/// The page of the document at `slot` of `corpus`, for the editor's preview (`annals/render`):
/// the style inside it, and links to other documents naming their files (`uri` of a slot; a
/// claim as `URI#LINE`), which the editor opens. Its cost is the page's, not the corpus's: the
/// links' URIs are made as they are written, and an entity's claims and mentions are read from
/// the corpus's index.
pub fn render_document(
    corpus: &Corpus,
    slot: crate::slots::DocumentSlot,
    uri: impl Fn(crate::slots::DocumentSlot) -> String + Send + Sync,
) -> String {
    let site = Site::for_editor(corpus, uri);
    let doc = &corpus.documents[slot.index()];
    match doc.kind {
        DocumentKind::Article => article::page(&site, slot, doc, true),
        DocumentKind::Entity => {
            let tables = model::Tables::for_entity(&site, &doc.id);
            entity::page(&site, &tables, slot).replacen(
                "<link rel=\"stylesheet\" href=\"style.css\">",
                &format!("<style>{}</style>", html::STYLE),
                1,
            )
        }
    }
}
