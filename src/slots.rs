//! Typed places in the model's lists: a document's slot in the corpus, and positions in a
//! document's own lists.
//!
//! Each is a `u32` (4 bytes, as the lists hold at most `u32::MAX` items: texts are addressed
//! by `u32` offsets) of its own type, so that a claim's index cannot be passed where a
//! document's slot is wanted, nor used to index the wrong list: the compiler tells them
//! apart where a bare `u32` would not. There is no conversion from a bare integer: a value is
//! made with `new` where its list is counted, and read with `index` where the list is indexed.

/// A newtype over `u32`: `new` from a list position, `index` back to one. It holds the
/// position plus one, so that `Option` of it is 4 bytes too (a mention's claim, a claim's
/// parent: half a million of each in 10,000 articles).
macro_rules! typed_index {
    ($(#[$meta:meta])* $name:ident) => {
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $(#[$meta])*
        pub struct $name(std::num::NonZeroU32);

        impl $name {
            /// The place at `index` in its list (below `u32::MAX`).
            pub const fn new(index: usize) -> Self {
                debug_assert!(index < u32::MAX as usize);
                match std::num::NonZeroU32::new((index as u32).wrapping_add(1)) {
                    Some(place) => Self(place),
                    None => Self(std::num::NonZeroU32::MAX),
                }
            }

            /// The place as an index into its list.
            pub const fn index(self) -> usize {
                (self.0.get() - 1) as usize
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.index()).finish()
            }
        }
    };
}

typed_index! {
    /// A document's place in `Corpus::documents`: its stable id for the corpus's life (a
    /// removed document leaves an empty slot, reused by the next new one). Slots key the
    /// index, `Affected`, the findings cache and every query; a type of its own keeps them
    /// apart from the claim, span and reference indices that travel with them.
    DocumentSlot
}

typed_index! {
    /// A claim's index in its document's `claims`. With a `DocumentSlot` it names a claim
    /// of the corpus (`index::ClaimKey`); alone it travels in links, mentions and code lenses,
    /// next to span and reference indices it must not be confused with. A code lens's data
    /// carries it to the client and back as the plain number it was (`{"claim": 3}`).
    ClaimIndex
}

impl serde::Serialize for ClaimIndex {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.index() as u32)
    }
}

impl<'de> serde::Deserialize<'de> for ClaimIndex {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let index = u32::deserialize(deserializer)?;
        if index == u32::MAX {
            return Err(serde::de::Error::custom("a claim index is below 4294967295"));
        }
        Ok(ClaimIndex::new(index as usize))
    }
}

typed_index! {
    /// A span's index in its document's syntax tree (`SyntaxTree::spans`, read through
    /// `Document::span`): what claims and mentions point at, and a span's parent link.
    /// Spans outnumber claims and claims are made from spans, so the two indices sit side by
    /// side in lowering, where mixing them would read the wrong span without a sound.
    SpanIndex
}

typed_index! {
    /// An entity reference's index in its document's `entity_refs` (front matter and body
    /// together): where a mention keeps its `e=` once (`Document::mention_entity`). Lowering
    /// counts it next to the mention's own index and its span's, all three from zero.
    EntityRefIndex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_and_its_absence_fit_in_four_bytes_and_keep_their_order() {
        assert_eq!(std::mem::size_of::<Option<ClaimIndex>>(), 4);
        for k in [0, 1, 41, u32::MAX as usize - 1] {
            assert_eq!(SpanIndex::new(k).index(), k);
        }
        assert!(DocumentSlot::new(0) < DocumentSlot::new(1));
        assert_eq!(format!("{:?}", ClaimIndex::new(3)), "ClaimIndex(3)");
    }

    #[test]
    fn a_claim_index_travels_as_the_plain_number() {
        assert_eq!(serde_json::to_string(&ClaimIndex::new(3)).unwrap(), "3");
        let back: ClaimIndex = serde_json::from_str("0").unwrap();
        assert_eq!(back, ClaimIndex::new(0));
        assert!(serde_json::from_str::<ClaimIndex>("4294967295").is_err());
    }
}
