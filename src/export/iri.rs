//! The IRIs of a w3c export: documents, entities and annotations under one base.
//!
//! `{base}documents/DOC` is a document, `{base}entities/ID` an entity without a Wikidata id
//! (with one, `http://www.wikidata.org/entity/Q…`), and an annotation lives under its document:
//! `{base}documents/DOC/mentions/N`, `…/claims/ID` (or `…/claims/~N`), `…/relations/N`.

/// A base IRI, ending in `/`, `#` or `:`.
#[derive(Clone, Debug)]
pub struct Iris {
    base: String,
}

/// Why a `--base-uri` is refused.
pub fn check_base(base: &str) -> Result<String, String> {
    let scheme_end = base.find(':').unwrap_or(0);
    let scheme = &base[..scheme_end];
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || base.len() == scheme_end + 1 {
        return Err(format!(
            "`{base}` is not an absolute IRI: give a scheme and a path, e.g. `https://example.org/corpus/` or `urn:example:corpus:`"
        ));
    }
    if let Some(bad) = base
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(*c))
    {
        return Err(format!(
            "`{base}` is not an IRI: it holds {bad:?}, which an IRI may not"
        ));
    }
    Ok(if base.ends_with(['/', '#', ':']) {
        base.to_string()
    } else {
        format!("{base}/")
    })
}

impl Iris {
    /// `base` as `check_base` returns it.
    pub fn new(base: String) -> Iris {
        // The w3c writer puts IRIs in JSON unescaped (w3c::Line::iri), which this makes safe.
        debug_assert!(check_base(&base).is_ok(), "{base}");
        Iris { base }
    }

    /// The default base of a corpus: `urn:annals:NAME:`, with the name made of lowercase
    /// letters, digits and `-`.
    pub fn default_for(name: &str) -> Iris {
        let mut slug = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug = slug.trim_end_matches('-');
        let slug = if slug.is_empty() { "corpus" } else { slug };
        Iris {
            base: format!("urn:annals:{slug}:"),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn document(&self, id: &str) -> String {
        format!("{}documents/{}", self.base, component(id))
    }

    /// An entity: its Wikidata concept IRI when it has one, else its annals IRI.
    pub fn entity(&self, id: &str, wikidata: Option<&str>) -> String {
        match wikidata {
            Some(q) => format!("http://www.wikidata.org/entity/{}", component(q)),
            None => format!("{}entities/{}", self.base, component(id)),
        }
    }

    /// A mention of the document whose IRI is `document` (made once per document).
    pub fn mention(document: &str, number: usize) -> String {
        format!("{document}/mentions/{number}")
    }

    /// A claim, by its local id (`ID`, or `~N` for a claim without one).
    pub fn claim(&self, document: &str, local: &str) -> String {
        Iris::claim_in(&self.document(document), local)
    }

    /// A claim of the document whose IRI is `document`.
    pub fn claim_in(document: &str, local: &str) -> String {
        format!("{document}/claims/{}", component(local))
    }

    /// A relation of the document whose IRI is `document`.
    pub fn relation(document: &str, number: usize) -> String {
        format!("{document}/relations/{number}")
    }

    pub fn collection(&self) -> String {
        format!("{}collection", self.base)
    }

    pub fn page(&self, number: usize) -> String {
        format!("{}collection/pages/{number}", self.base)
    }
}

/// An id as one path segment: every byte outside the unreserved set percent-encoded (valid
/// ids need none; a hostile one under `--allow-errors` cannot add a segment or a query).
fn component(id: &str) -> std::borrow::Cow<'_, str> {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    if id.bytes().all(unreserved) && id != "." && id != ".." {
        return std::borrow::Cow::Borrowed(id);
    }
    let mut out = String::with_capacity(id.len() * 3);
    for b in id.bytes() {
        if unreserved(b) && b != b'.' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_and_components() {
        assert_eq!(
            Iris::default_for("Roscosmos, NASA and the ISS, 2014-2022").base(),
            "urn:annals:roscosmos-nasa-and-the-iss-2014-2022:"
        );
        assert_eq!(Iris::default_for("  ").base(), "urn:annals:corpus:");
        assert_eq!(check_base("https://example.org/c").unwrap(), "https://example.org/c/");
        assert_eq!(check_base("urn:x:y:").unwrap(), "urn:x:y:");
        assert!(check_base("example.org/c").is_err());
        assert!(check_base("https://example.org/a b").is_err());
        assert!(check_base("1http://x").is_err());
        let iris = Iris::new("https://e.org/".into());
        assert_eq!(iris.claim("doc", "~3"), "https://e.org/documents/doc/claims/~3");
        assert_eq!(
            iris.document("../x y/?#"),
            "https://e.org/documents/%2E%2E%2Fx%20y%2F%3F%23"
        );
        assert_eq!(
            iris.entity("nasa", Some("Q23548")),
            "http://www.wikidata.org/entity/Q23548"
        );
        assert_eq!(iris.entity("nasa", None), "https://e.org/entities/nasa");
    }
}
