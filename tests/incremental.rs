//! Editing one document through `Corpus::set_document_text` gives the same findings
//! as analysing the edited corpus from scratch, and `Affected` names every document
//! whose findings changed.

mod support;

use annals::Finding;
use annals::corpus::Corpus;
use annals::document::Document;

fn all_findings(corpus: &Corpus) -> Vec<(String, Vec<Finding>)> {
    let mut out: Vec<_> = corpus
        .findings()
        .into_iter()
        .map(|df| (df.document.path.clone(), df.findings))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn from_scratch(corpus: &Corpus) -> Corpus {
    let docs = corpus
        .live()
        .map(|(_, d)| Document::new(d.id.clone(), d.path.clone(), d.kind, d.text.clone()))
        .collect();
    Corpus::from_documents(corpus.root.clone(), corpus.config.clone(), docs)
}

/// A document and how to change its text.
type Edit = (&'static str, Box<dyn Fn(&str) -> String>);

#[test]
fn edits_match_a_fresh_analysis_and_affected_is_complete() {
    let mut corpus = Corpus::load(&support::repo_path("corpus")).unwrap();
    let article = "articles/2022-02-25-rogozin-deorbit-tweetstorm.md";
    let entity = "entities/musk.md";
    let text_of = |c: &Corpus, p: &str| c.documents[c.slot(p).unwrap().index()].text.clone();
    let edits: Vec<Edit> = vec![
        // Break a claim id that other documents reply to and repeat.
        (article, Box::new(|t: &str| t.replacen("#deorbit ", "#deorbit-x ", 1))),
        // Put it back.
        (article, Box::new(|t: &str| t.replacen("#deorbit-x ", "#deorbit ", 1))),
        // An unknown entity, then a date after publication.
        (article, Box::new(|t: &str| t.replacen("e=rogozin}", "e=rogozn}", 1))),
        (
            article,
            Box::new(|t: &str| t.replacen("date=2022-02-24", "date=2022-03-24", 1)),
        ),
        // Entity names change: unannotated mentions everywhere may change.
        (
            entity,
            Box::new(|t: &str| t.replacen("aliases: [", "aliases: [Roscosmos chief, ", 1)),
        ),
        // An entity loses its only mentions' document? Make an article stop mentioning Musk.
        (
            "articles/2022-04-02-russia-ends-iss-cooperation.md",
            Box::new(|t: &str| t.replace("e=musk", "e=spacex").replace("by=musk", "by=spacex")),
        ),
        // A syntax error that swallows annotations.
        (article, Box::new(|t: &str| t.replacen("]{.claim", "{.claim", 1))),
        // A new article that references a claim.
        (
            "articles/2030-01-01-new.md",
            Box::new(|_: &str| {
                "---\ntitle: New\npublished: 2030-01-01\n---\n[\"x\"]{.claim #n by=rogozin date=2030 replies-to=2022-02-25-rogozin-deorbit-tweetstorm:deorbit}\n".into()
            }),
        ),
    ];
    for (step, (path, edit)) in edits.into_iter().enumerate() {
        let before = all_findings(&corpus);
        let old = if corpus.slot(path).is_some() {
            text_of(&corpus, path)
        } else {
            String::new()
        };
        let kind = corpus.kind_of(path).unwrap();
        let affected = corpus.set_document_text(path, kind, edit(&old));
        let after = all_findings(&corpus);
        assert_eq!(
            after,
            all_findings(&from_scratch(&corpus)),
            "step {step}: incremental differs from a fresh analysis"
        );
        let before: std::collections::HashMap<String, Vec<Finding>> = before.into_iter().collect();
        for (doc, findings) in &after {
            let unchanged = before.get(doc) == Some(findings);
            if !unchanged {
                let slot = corpus.slot(doc).unwrap();
                assert!(
                    affected.contains(slot),
                    "step {step}: {doc} changed its findings but was not reported affected"
                );
            }
        }
    }
    // Removing a document leaves its slot empty: no other document moves, and only those
    // whose findings depend on it are affected.
    let before: std::collections::HashMap<String, Vec<Finding>> = all_findings(&corpus).into_iter().collect();
    let removed = "articles/2022-02-25-rogozin-deorbit-tweetstorm.md";
    let slots_before: Vec<(String, annals::slots::DocumentSlot)> = corpus
        .live()
        .map(|(k, d)| (d.path.clone(), k))
        .filter(|(p, _)| p != removed)
        .collect();
    let affected = corpus.remove_document(removed);
    assert!(corpus.slot(removed).is_none_or(|s| !corpus.is_live(s)));
    for (path, slot) in &slots_before {
        assert_eq!(corpus.slot(path), Some(*slot), "{path} moved");
    }
    let after = all_findings(&corpus);
    assert_eq!(after, all_findings(&from_scratch(&corpus)));
    assert!(matches!(affected, annals::corpus::Affected::Some(_)), "{affected:?}");
    let mut changed = 0;
    for (doc, findings) in &after {
        if before.get(doc) != Some(findings) {
            changed += 1;
            assert!(
                affected.contains(corpus.slot(doc).unwrap()),
                "{doc} changed but was not affected"
            );
        }
    }
    assert!(
        changed > 0,
        "the removed article was referenced: its referrers' findings change"
    );
    // The slot is reused by the next new document.
    let affected = corpus.set_document_text(
        removed,
        annals::document::DocumentKind::Article,
        String::from("---\ntitle: T\npublished: 2022-02-25\n---\nx\n"),
    );
    assert!(matches!(affected, annals::corpus::Affected::Some(_)));
    assert_eq!(all_findings(&corpus), all_findings(&from_scratch(&corpus)));
}

/// The editor's first look at a large corpus (`Corpus::first_look`): entities read, articles
/// standing in. An opened article gets exactly its own findings (those the whole corpus gives
/// it, less the ones that follow links), a stand-in none, and the whole corpus read afterwards
/// gives every finding.
#[test]
fn the_first_look_gives_an_open_document_its_own_findings_and_no_other_document_any() {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("annals.toml", "[corpus]\nname = \"first look\"\n");
    write("entities/w.md", "---\nkind: person\nname: Wally\n---\n");
    // An empty article: a stand-in would read as one, but it has real findings of its own.
    write("articles/empty.md", "");
    write(
        "articles/a1.md",
        "---\ntitle: T1\npublished: 2022-04-02\n---\nText one.\n",
    );
    let open = "---\ntitle: O\npublished: 2022-04-02\n---\n[Wally]{e=nobody} said [\"words here\"]{.claim #c1 by=w date=2022-04-01 replies-to=a1:c9}.\n";
    write("articles/open.md", open);

    let (config, files) = annals::corpus::configured_files(dir.path()).unwrap();
    let whole = Corpus::read(dir.path(), config.clone(), &files);
    let codes = |corpus: &Corpus, rel: &str| -> Vec<&'static str> {
        let slot = corpus.slot(rel).unwrap();
        corpus.findings_of(slot).iter().map(|f| f.code.as_str()).collect()
    };
    let whole_codes = codes(&whole, "articles/open.md");
    assert!(
        whole_codes.contains(&"broken-reference") && whole_codes.contains(&"unknown-entity"),
        "{whole_codes:?}"
    );
    assert!(
        !codes(&whole, "articles/empty.md").is_empty(),
        "an empty article has findings"
    );

    let mut first = Corpus::first_look(dir.path(), config, &files);
    assert!(first.is_first_look());
    for rel in ["articles/open.md", "articles/a1.md", "articles/empty.md"] {
        assert_eq!(
            codes(&first, rel),
            Vec::<&str>::new(),
            "{rel} is a stand-in: no findings yet"
        );
    }
    first.set_document_text(
        "articles/open.md",
        annals::document::DocumentKind::Article,
        open.to_string(),
    );
    let own: Vec<&str> = whole_codes
        .iter()
        .copied()
        .filter(|c| *c != "broken-reference")
        .collect();
    assert_eq!(codes(&first, "articles/open.md"), own);
    assert_eq!(codes(&first, "articles/empty.md"), Vec::<&str>::new());
    // A new document in the slot a removed stand-in left is read, not standing in.
    first.remove_document("articles/a1.md");
    first.set_document_text(
        "articles/new.md",
        annals::document::DocumentKind::Article,
        open.to_string(),
    );
    assert_eq!(codes(&first, "articles/new.md"), own);
}
