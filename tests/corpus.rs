//! The embedded seed corpus (corpus/): its shape, its links and its findings.
//! A change that breaks the showcase fails here.

mod support;

use annals::document::{Claim, RelationKind};
use annals::{Corpus, RuleCode, Severity};

const DEORBIT_DOC: &str = "2022-02-25-rogozin-deorbit-tweetstorm";
const FIRST_DOC: &str = "2018-06-rogozin-heads-roscosmos";
const SPACE_COM: &str = "2022-04-02-space-com-russia-threatens-iss";
const ENDS_DOC: &str = "2022-04-02-russia-ends-iss-cooperation";

fn corpus() -> Corpus {
    Corpus::load(&support::repo_path("corpus")).expect("the seed corpus loads")
}

fn claim<'c>(corpus: &'c Corpus, doc: &str, id: &str) -> &'c Claim {
    let slot = corpus
        .index
        .document(doc)
        .unwrap_or_else(|| panic!("no document {doc}"));
    corpus.documents[slot as usize]
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
    assert_eq!(findings.len(), 25);
    let readme = std::fs::read_to_string(support::repo_path("corpus/README.md")).unwrap();
    for (path, f) in &findings {
        let doc = corpus.documents.iter().find(|d| &d.path == path).unwrap();
        let claim = doc
            .claims
            .iter()
            .find(|c| doc.span(c.span).attributes_range == f.range)
            .expect("an unsourced claim");
        let id = &claim.id.as_ref().expect("unsourced claims have ids").value;
        assert!(
            readme.contains(&format!("`{id}`")),
            "corpus/README.md does not explain the warning on {path}#{id}"
        );
    }
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
    let space_com = &corpus.documents[corpus.index.document(SPACE_COM).unwrap() as usize];
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
    let space_com = &corpus.documents[corpus.index.document(SPACE_COM).unwrap() as usize];
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
        0,
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
    let rogozin = corpus.documents[rogozin_slot as usize].entity.as_ref().unwrap();
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
        let e = corpus.documents[slot as usize].entity.as_ref().unwrap();
        assert!(
            e.roles
                .iter()
                .any(|r| r.title.as_ref().is_some_and(|t| t.value == title)),
            "{id} is {title}"
        );
    }
}
