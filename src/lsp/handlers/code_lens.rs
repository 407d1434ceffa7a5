//! Code lenses: the counts come with `textDocument/codeLens`; the places they count come
//! with `codeLens/resolve`, which the editors' `annals.showReferences` command sends when
//! a lens is clicked (and which clients may send for visible lenses).

use super::document;
use crate::ide::annotations_view::{self, LensTarget};
use crate::lsp::convert;
use crate::lsp::dispatch::Cancel;
use crate::lsp::global_state::Analysis;
use crate::lsp::to_proto;
use serde_json::{Value, json};
use tower_lsp_server::ls_types::*;

/// The command a lens runs: (uri, position, lens data) before it is resolved, (uri,
/// position, locations) after.
const SHOW_REFERENCES: &str = "annals.showReferences";

pub fn code_lenses(ws: &Analysis, uri: &Uri) -> Option<Vec<CodeLens>> {
    let (k, slot, doc) = document(ws, uri)?;
    let lenses = annotations_view::code_lenses(&ws.corpora[k].corpus, slot)
        .into_iter()
        .map(|lens| {
            let range = convert::range(&doc.text, &doc.lines, lens.range, ws.encoding());
            let data = json!({ "uri": uri, "target": lens.target });
            CodeLens {
                range,
                command: Some(Command {
                    title: lens.title,
                    command: SHOW_REFERENCES.into(),
                    arguments: Some(vec![json!(uri), json!(range.start), data.clone()]),
                }),
                data: Some(data),
            }
        })
        .collect();
    Some(lenses)
}

/// The lens with its command's third argument replaced by the places it counts.
pub fn resolve(ws: &Analysis, mut lens: CodeLens) -> CodeLens {
    let data = lens.data.clone().unwrap_or(Value::Null);
    let target: Option<LensTarget> = serde_json::from_value(data["target"].clone()).ok();
    let uri: Option<Uri> = serde_json::from_value(data["uri"].clone()).ok();
    let (Some(target), Some(uri)) = (target, uri) else {
        return lens;
    };
    let Some((k, slot, _)) = document(ws, &uri) else {
        return lens;
    };
    let corpus = &ws.corpora[k].corpus;
    let found = annotations_view::lens_locations(corpus, slot, target);
    let locations = to_proto::locations(ws, k, found.iter().map(|l| (l.document, l.range)), &Cancel::never())
        .map(to_proto::Locations::into_vec)
        .unwrap_or_default();
    let title = lens.command.as_ref().map(|c| c.title.clone()).unwrap_or_default();
    lens.command = Some(Command {
        title,
        command: SHOW_REFERENCES.into(),
        arguments: Some(vec![json!(uri), json!(lens.range.start), json!(locations)]),
    });
    lens
}
