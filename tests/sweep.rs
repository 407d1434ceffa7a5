//! `annals check` judges each document once and sheds its syntax (src/sweep.rs); the
//! language server keeps the whole corpus. Both must give every document the same findings.

#[path = "support/properties.rs"]
mod properties;
mod support;

use annals::corpus::{self, Corpus};
use annals::generate::{self, Spec};

#[test]
fn the_seed_corpus_sweeps_to_the_corpus_findings() {
    let corpus = Corpus::load(&support::repo_path("corpus")).unwrap();
    assert!(
        corpus.findings().iter().any(|df| !df.findings.is_empty()),
        "the seed has warnings to compare"
    );
    properties::sweep_equals_corpus(&corpus);
}

#[test]
fn a_generated_corpus_with_planted_findings_sweeps_to_the_corpus_findings() {
    let dir = tempfile::tempdir().unwrap();
    generate::write(&Spec::new(300), dir.path()).unwrap();
    let corpus = Corpus::load(dir.path()).unwrap();
    let codes: std::collections::BTreeSet<_> = corpus
        .findings()
        .into_iter()
        .flat_map(|df| df.findings.into_iter().map(|f| f.code))
        .collect();
    // Findings of both kinds of rule: a document's own, and those that follow links.
    for code in [
        "unannotated-mention",
        "unknown-entity",
        "broken-reference",
        "undated-claim",
    ] {
        assert!(codes.iter().any(|c| c.as_str() == code), "no {code} planted: {codes:?}");
    }
    properties::sweep_equals_corpus(&corpus);
}

#[test]
fn the_sweep_reads_files_as_the_corpus_does() {
    // Through the files on disk: the same reader, the same order, the same findings.
    let dir = tempfile::tempdir().unwrap();
    generate::write(&Spec::new(60), dir.path()).unwrap();
    std::fs::write(dir.path().join("articles/not-utf8.md"), b"---\ntitle: \xff\n---\n").unwrap();
    // Clean but for a link to nothing: its text is dropped while it is judged on its own,
    // and read again for the finding that the links give it.
    let links_only = "---\ntitle: Links only\npublished: 2022-04-02\n---\nIt [said so]{.claim #s by=hub-person date=2022-04-01 replies-to=nowhere:c1}.\n";
    std::fs::write(dir.path().join("articles/links-only.md"), links_only).unwrap();
    let corpus = Corpus::load(dir.path()).unwrap();
    let swept = sweep_folder(dir.path());
    let expected: Vec<_> = corpus.findings().into_iter().map(|df| Some(df.findings)).collect();
    assert_eq!(swept.findings, expected);
    assert!(
        swept
            .documents
            .iter()
            .zip(&corpus.documents)
            .all(|(a, b)| a.path == b.path)
    );
}

#[test]
fn a_sweep_finds_unused_entities_as_the_corpus_does_and_only_when_asked() {
    // The sweep tells the link rules which entities are referenced from elsewhere, found while
    // each document is read (`CorpusIndex::referenced_entities`), instead of filing every
    // reference; with unused-entity off it finds nothing of that (a rule that is off costs
    // nothing). Either way the findings are the corpus's.
    let dir = tempfile::tempdir().unwrap();
    generate::write(&Spec::new(60), dir.path()).unwrap();
    // Unused: referenced by nothing, by itself only, or only by an article that misspells it.
    let entity = |name: &str| format!("---\nkind: person\nname: {name}\n---\n");
    std::fs::write(dir.path().join("entities/nobody.md"), entity("Nobody")).unwrap();
    std::fs::write(
        dir.path().join("entities/itself.md"),
        entity("Itself") + "[Itself]{e=itself} writes of itself.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("articles/misspelt.md"),
        "---\ntitle: T\npublished: 2022-04-02\n---\n[Nobody]{e=nobdy} came.\n",
    )
    .unwrap();
    let unused = |findings: &[Option<Vec<annals::Finding>>]| -> usize {
        findings
            .iter()
            .flatten()
            .flatten()
            .filter(|f| f.code.as_str() == "unused-entity")
            .count()
    };
    let sweep = |config: &annals::config::Config| {
        let (_, files) = corpus::configured_files(dir.path()).unwrap();
        annals::sweep::sweep(
            config,
            &files,
            |f| corpus::read_document(f, config.max_file_size),
            |_| true,
        )
    };
    let corpus = Corpus::load(dir.path()).unwrap();
    let swept = sweep(&corpus.config);
    let expected: Vec<_> = corpus.findings().into_iter().map(|df| Some(df.findings)).collect();
    assert_eq!(swept.findings, expected);
    assert!(unused(&swept.findings) >= 2, "nobody and itself are unused");
    let referenced = swept.index.referenced_entities.as_ref().expect("unused-entity on");
    assert!(referenced.iter().any(|&r| r), "the generated entities are referenced");

    std::fs::write(dir.path().join("annals.toml"), "[rules]\nunused-entity = \"off\"\n").unwrap();
    let corpus = Corpus::load(dir.path()).unwrap();
    let swept = sweep(&corpus.config);
    assert!(
        swept.index.referenced_entities.is_none(),
        "unused-entity off: nothing looked up"
    );
    let expected: Vec<_> = corpus.findings().into_iter().map(|df| Some(df.findings)).collect();
    assert_eq!(swept.findings, expected);
    assert_eq!(unused(&swept.findings), 0);
}

/// A finding that follows links, in an ASCII article whose text the sweep dropped, is placed
/// from the lines the sweep kept: the report does not read the file again (here it is gone).
#[test]
fn a_link_finding_is_placed_from_the_lines_the_sweep_kept() {
    let dir = tempfile::tempdir().unwrap();
    generate::write(&Spec::new(5), dir.path()).unwrap();
    let links_only = "---\ntitle: Links only\npublished: 2022-04-02\n---\n\nIt\n  [said so]{.claim #s by=hub-person date=2022-04-01 replies-to=nowhere:c1}.\n";
    std::fs::write(dir.path().join("articles/links-only.md"), links_only).unwrap();
    let swept = sweep_folder(dir.path());
    std::fs::remove_file(dir.path().join("articles/links-only.md")).unwrap();
    let judged = swept
        .documents
        .iter()
        .zip(swept.findings)
        .filter(|(doc, _)| doc.path == "articles/links-only.md")
        .map(|(doc, findings)| (doc, findings.unwrap_or_default(), None));
    let report = annals::check::report(dir.path(), judged, dir.path(), u64::MAX, annals::check::Excerpts::None);
    let broken: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "broken-reference")
        .map(|d| (d.line, d.column, d.end_line, d.end_column))
        .collect();
    let at =
        links_only.find("nowhere").unwrap() - links_only[..links_only.find("nowhere").unwrap()].rfind('\n').unwrap();
    assert_eq!(broken, vec![(7, at, 7, at + "nowhere:c1".len())]);
}

/// The whole corpus in `dir` swept through its files on disk, as `annals check` sweeps it.
fn sweep_folder(dir: &std::path::Path) -> annals::sweep::Swept {
    let (config, files) = corpus::configured_files(dir).unwrap();
    annals::sweep::sweep(
        &config,
        &files,
        |f| corpus::read_document(f, config.max_file_size),
        |_| true,
    )
}
