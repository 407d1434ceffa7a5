//! What happens to the corpus when the editor renames, deletes or creates files (LSP's
//! `workspace/willRenameFiles`, `willDeleteFiles`, `willCreateFiles`): a document's id is its
//! file name, so renaming one renames its id and every reference must follow; deleting one
//! breaks the references to it; a new file in an entity or article folder starts from a
//! template. Paths are relative to the corpus root, with `/` separators.

use super::TextEdit;
use super::rename::id_edits;
use crate::corpus::Corpus;
use crate::discover::document_id;
use crate::document::DocumentKind;
use crate::ids::is_valid_id;
use crate::index::Location;
use crate::slots::DocumentSlot;

/// The documents a file operation on `path` touches: the document at that path, or every
/// document below it when it is a folder.
fn documents_at<'c>(corpus: &'c Corpus, path: &str) -> Vec<(DocumentSlot, &'c str)> {
    if let Some(slot) = corpus.slot(path) {
        return vec![(slot, "")];
    }
    let folder = if path.is_empty() {
        String::new()
    } else {
        format!("{}/", path.trim_end_matches('/'))
    };
    corpus
        .live()
        .filter_map(|(slot, doc)| Some((slot, doc.path.strip_prefix(folder.as_str())?)))
        .collect()
}

/// What a rename of files changes: the reference edits, and what the user should know
/// (references that will break, ids that cannot be written).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RenameOutcome {
    pub edits: Vec<TextEdit>,
    pub warnings: Vec<String>,
}

/// Renames of files or folders, `old` → `new` (None when the new place is outside the corpus).
pub fn will_rename(corpus: &Corpus, renames: &[(String, Option<String>)]) -> RenameOutcome {
    let mut out = RenameOutcome::default();
    for (old, new) in renames {
        for (slot, rest) in documents_at(corpus, old) {
            let doc = &corpus.documents[slot.index()];
            let new_path = new.as_ref().map(|new| {
                if rest.is_empty() {
                    new.clone()
                } else {
                    format!("{}/{rest}", new.trim_end_matches('/'))
                }
            });
            let kind = new_path.as_deref().and_then(|p| corpus.kind_of(p));
            let broken = references_to(corpus, slot).len();
            if kind.is_none() || (doc.kind == DocumentKind::Entity && kind != Some(DocumentKind::Entity)) {
                if broken > 0 {
                    let place = new_path.as_deref().unwrap_or("outside the corpus");
                    let what = match kind {
                        None => "is no document of the corpus there",
                        Some(_) => "is no entity there",
                    };
                    out.warnings.push(format!(
                        "{} moves to {place}, which {what}: {} to it will break",
                        doc.path,
                        plural(broken, "reference")
                    ));
                }
                continue;
            }
            let Some(new_path) = new_path else { continue };
            let new_id = document_id(&new_path);
            if new_id == doc.id {
                continue; // Moved to another folder of the corpus: its id, and every reference, stay.
            }
            if !is_valid_id(&new_id) {
                if broken > 0 {
                    out.warnings.push(format!(
                        "`{new_id}` is not a valid id (letters, digits, `-` and `_` only): the {} to `{}` were not updated and will break",
                        plural(broken, "reference"),
                        doc.id
                    ));
                }
                continue;
            }
            if let Some(other) = corpus.index.document(&new_id) {
                out.warnings.push(format!(
                    "{} has the id `{new_id}` already: after the rename, two documents share it (duplicate-id)",
                    corpus.documents[other.index()].path
                ));
            }
            out.edits.extend(id_edits(corpus, slot, &new_id));
        }
    }
    out.edits.sort_by_key(|e| (e.document, e.range));
    out.edits.dedup();
    out
}

/// Every reference to the document at `slot` from other documents: entity references when it
/// is an entity, claim references to its claims, and `source=` naming it.
pub fn references_to(corpus: &Corpus, slot: DocumentSlot) -> Vec<Location> {
    let Some(doc) = corpus.documents.get(slot.index()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let outside = |s: DocumentSlot| s != slot;
    if doc.kind == DocumentKind::Entity && corpus.index.entity(&corpus.documents, &doc.id) == Some(slot) {
        out.extend(
            corpus
                .index
                .references_to_entity(&corpus.documents, &doc.id)
                .filter(|(s, _, _)| outside(*s))
                .map(|(document, range, _)| Location { document, range }),
        );
    }
    if corpus.index.document(&doc.id) == Some(slot) {
        let by_claim = corpus.index.backlinks.claim_references.get(doc.id.as_str());
        out.extend(
            by_claim
                .into_iter()
                .flat_map(|m| m.values())
                .flat_map(|by_slot| by_slot.iter())
                .filter(|(s, _)| outside(*s))
                .map(|(document, link)| Location {
                    document,
                    range: link.range,
                }),
        );
        out.extend(
            corpus
                .index
                .sources_naming(&doc.id)
                .filter(|(s, _)| outside(*s))
                .map(|(document, link)| Location {
                    document,
                    range: link.range,
                }),
        );
    }
    out.sort();
    out.dedup();
    out
}

/// What a deletion breaks: for each deleted document with references, its path and those
/// references (from documents that stay).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Breakage {
    pub deleted: Vec<(String, Vec<Location>)>,
}

impl Breakage {
    pub fn is_empty(&self) -> bool {
        self.deleted.is_empty()
    }

    /// One line for the user: what breaks, in how many documents, the most affected first.
    pub fn summary(&self, corpus: &Corpus) -> String {
        let total: usize = self.deleted.iter().map(|(_, r)| r.len()).sum();
        let mut per_document: Vec<(DocumentSlot, usize)> = Vec::new();
        let mut all: Vec<DocumentSlot> = self
            .deleted
            .iter()
            .flat_map(|(_, r)| r.iter().map(|l| l.document))
            .collect();
        all.sort();
        for slot in all {
            match per_document.last_mut() {
                Some((s, n)) if *s == slot => *n += 1,
                _ => per_document.push((slot, 1)),
            }
        }
        per_document.sort_by_key(|(slot, n)| (std::cmp::Reverse(*n), *slot));
        let names: Vec<&str> = self.deleted.iter().map(|(p, _)| p.as_str()).collect();
        let what = match names.as_slice() {
            [one] => one.to_string(),
            many => format!(
                "{} documents ({})",
                many.len(),
                many.iter().take(3).copied().collect::<Vec<_>>().join(", ")
            ),
        };
        let shown: Vec<String> = per_document
            .iter()
            .take(3)
            .map(|(slot, n)| format!("{} ({n})", corpus.documents[slot.index()].path))
            .collect();
        let more = per_document.len().saturating_sub(shown.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!(
            "Deleting {what} breaks {} in {}: {}{more}.",
            plural(total, "reference"),
            plural(per_document.len(), "document"),
            shown.join(", ")
        )
    }
}

/// The references that deleting `paths` (files or folders) breaks: those from documents that
/// are not deleted with them.
pub fn will_delete(corpus: &Corpus, paths: &[String]) -> Breakage {
    let mut deleted: Vec<DocumentSlot> = paths
        .iter()
        .flat_map(|p| documents_at(corpus, p))
        .map(|(slot, _)| slot)
        .collect();
    deleted.sort();
    deleted.dedup();
    let mut out = Breakage::default();
    for &slot in &deleted {
        let broken: Vec<Location> = references_to(corpus, slot)
            .into_iter()
            .filter(|l| deleted.binary_search(&l.document).is_err())
            .collect();
        if !broken.is_empty() {
            out.deleted.push((corpus.documents[slot.index()].path.clone(), broken));
        }
    }
    out
}

/// The text a new file at `path` starts with: the entity template under the entity globs,
/// the article template under the article globs, nothing elsewhere. `today` dates an article
/// whose file name does not start with a date.
pub fn new_file_template(corpus: &Corpus, path: &str, today: crate::date::Date) -> Option<String> {
    // An editor may open the new file first: blank (Neovim's holds one line break) it still
    // wants the template; with text it is no new file.
    if corpus
        .slot(path)
        .is_some_and(|s| !corpus.documents[s.index()].text.trim().is_empty())
    {
        return None;
    }
    let id = document_id(path);
    match corpus.kind_of(path)? {
        DocumentKind::Entity => Some(format!(
            "---\nkind: person\nname: {}\naliases: []\ndescription: \n---\n",
            yaml_string(&name_of(&id))
        )),
        DocumentKind::Article => {
            // `2022-04-02-space-com-…`: the date and the words of the file name.
            let (published, words) = match id.get(..10).map(crate::date::Date::parse) {
                Some(Ok(date)) if date.day.is_some() => (date, id[10..].trim_start_matches(['-', '_'])),
                _ => (today, id.as_str()),
            };
            Some(format!(
                "---\ntitle: {}\npublished: {published}\n---\n",
                yaml_string(&sentence_of(words))
            ))
        }
    }
}

/// `dmitry-rogozin` → `Dmitry Rogozin`.
fn name_of(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `russia-threatens-iss` → `Russia threatens iss`.
fn sentence_of(words: &str) -> String {
    let text = words
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A YAML scalar that stays a string whatever the file name held.
fn yaml_string(text: &str) -> String {
    if text.is_empty()
        || text.contains([
            ':', '#', '"', '\'', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '%', '@', '`',
        ])
    {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        text.to_string()
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A deletion's references as lines `path:line:column: reference`, at most `limit` of them.
pub fn reference_lines(corpus: &Corpus, breakage: &Breakage, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let total: usize = breakage.deleted.iter().map(|(_, r)| r.len()).sum();
    for (path, references) in &breakage.deleted {
        for l in references {
            if out.len() == limit {
                out.push(format!("… and {} more (Find References lists them all)", total - limit));
                return out;
            }
            let doc = &corpus.documents[l.document.index()];
            let at = doc.lines.line_column(&doc.text, l.range.start as usize);
            let written = doc.text.get(l.range.range()).unwrap_or("");
            out.push(format!(
                "{}:{}:{}: `{written}` names {path}",
                doc.path,
                at.line + 1,
                at.column + 1
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::document::Document;

    fn corpus() -> Corpus {
        let files = [
            (
                "articles/2022-02-25-a.md",
                "---\ntitle: A\npublished: 2022-02-25\n---\n[Rogozin]{e=rogozin}: [\"x\"]{.claim #deorbit by=rogozin date=2022-02-24}\n",
            ),
            (
                "articles/b.md",
                "---\ntitle: B\npublished: 2022-04-02\n---\n[\"y\"]{.claim #y by=rogozin date=2022-04-01 repeats=2022-02-25-a:deorbit source=2022-02-25-a}\n",
            ),
            ("entities/rogozin.md", "---\nkind: person\nname: Dmitry Rogozin\n---\n"),
        ];
        let documents = files
            .iter()
            .map(|(path, text)| {
                let kind = if path.starts_with("entities/") {
                    DocumentKind::Entity
                } else {
                    DocumentKind::Article
                };
                Document::new(document_id(path), path.to_string(), kind, text.to_string())
            })
            .collect();
        Corpus::from_documents("/c".into(), Config::default(), documents)
    }

    fn applied(corpus: &Corpus, edits: &[TextEdit]) -> Vec<String> {
        let mut texts: Vec<String> = corpus.documents.iter().map(|d| d.text.clone()).collect();
        let mut edits = edits.to_vec();
        edits.sort_by_key(|e| std::cmp::Reverse((e.document, e.range)));
        for e in edits {
            texts[e.document.index()].replace_range(e.range.range(), &e.insert);
        }
        texts
    }

    #[test]
    fn renaming_a_file_renames_every_reference_to_its_id() {
        let c = corpus();
        let out = will_rename(
            &c,
            &[("entities/rogozin.md".into(), Some("entities/dmitry-rogozin.md".into()))],
        );
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let texts = applied(&c, &out.edits);
        assert!(texts[0].contains("{e=dmitry-rogozin}") && texts[0].contains("by=dmitry-rogozin"));
        assert!(texts[1].contains("by=dmitry-rogozin"));

        let out = will_rename(&c, &[("articles".into(), Some("news".into()))]);
        assert_eq!(out.edits, []);
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert!(
            out.warnings[0].contains("2 references to it will break"),
            "{:?}",
            out.warnings
        );

        let out = will_rename(
            &c,
            &[("articles/2022-02-25-a.md".into(), Some("articles/deorbit.md".into()))],
        );
        let texts = applied(&c, &out.edits);
        assert!(
            texts[1].contains("repeats=deorbit:deorbit source=deorbit}"),
            "{}",
            texts[1]
        );
        // Moved within the corpus, the id stays: nothing to edit.
        let out = will_rename(
            &c,
            &[("entities/rogozin.md".into(), Some("entities/people/rogozin.md".into()))],
        );
        assert_eq!(out, RenameOutcome::default());
    }

    #[test]
    fn deleting_lists_what_breaks_outside_what_is_deleted() {
        let c = corpus();
        let broken = will_delete(&c, &["entities/rogozin.md".into()]);
        assert_eq!(
            broken.summary(&c),
            "Deleting entities/rogozin.md breaks 3 references in 2 documents: articles/2022-02-25-a.md (2), articles/b.md (1)."
        );
        let lines = reference_lines(&c, &broken, 2);
        assert_eq!(
            lines[0],
            "articles/2022-02-25-a.md:5:13: `rogozin` names entities/rogozin.md"
        );
        assert!(lines[2].starts_with("… and 1 more"), "{lines:?}");
        // References from documents deleted with it do not count.
        assert!(will_delete(&c, &["articles".into()]).is_empty());
        assert!(will_delete(&c, &["articles/b.md".into()]).is_empty());
        let article = will_delete(&c, &["articles/2022-02-25-a.md".into()]);
        assert_eq!(article.deleted[0].1.len(), 2, "b's repeats= and source=");
    }

    #[test]
    fn a_new_file_starts_from_the_template_of_its_folder() {
        let c = corpus();
        let today = crate::date::Date::parse("2026-12-04").unwrap();
        assert_eq!(
            new_file_template(&c, "entities/elon-musk.md", today).as_deref(),
            Some("---\nkind: person\nname: Elon Musk\naliases: []\ndescription: \n---\n")
        );
        assert_eq!(
            new_file_template(&c, "articles/2022-04-02-russia-ends-iss.md", today).as_deref(),
            Some("---\ntitle: Russia ends iss\npublished: 2022-04-02\n---\n")
        );
        assert_eq!(
            new_file_template(&c, "articles/notes.md", today).as_deref(),
            Some("---\ntitle: Notes\npublished: 2026-12-04\n---\n")
        );
        assert_eq!(new_file_template(&c, "notes/x.md", today), None);
        assert_eq!(new_file_template(&c, "entities/rogozin.md", today), None);
        let mut c = c;
        c.set_document_text("entities/opened.md", DocumentKind::Entity, "\n".into());
        assert!(
            new_file_template(&c, "entities/opened.md", today).is_some(),
            "opened blank, it is still new"
        );
    }
}
