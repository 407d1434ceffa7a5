//! `--format sarif`: SARIF 2.1.0 through serde-sarif, one rule per code.

use super::{Diagnostic, Report};
use crate::finding::{RuleCode, Severity};
use rayon::prelude::*;
use serde_sarif::sarif;

fn result_level(severity: Severity) -> sarif::ResultLevel {
    match severity {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Info | Severity::Hint => sarif::ResultLevel::Note,
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

pub fn render(report: &Report) -> Vec<String> {
    let rules: Vec<sarif::ReportingDescriptor> = RuleCode::ALL
        .iter()
        .map(|code| {
            sarif::ReportingDescriptor::builder()
                .id(code.as_str())
                .name(code.as_str())
                .short_description(sarif::MultiformatMessageString::builder().text(code.summary()).build())
                .full_description(sarif::MultiformatMessageString::builder().text(code.summary()).build())
                .help_uri(code.help_url())
                .default_configuration(
                    sarif::ReportingConfiguration::builder()
                        .level(serde_json::Value::from(level(code.default_severity())))
                        .build(),
                )
                .build()
        })
        .collect();
    // Results are serialized one at a time and spliced in below, in parallel chunks: a
    // serde-sarif `Result` weighs kilobytes, and a corpus can have hundreds of thousands.
    let results: Vec<Vec<u8>> = report
        .diagnostics
        .pieces(256)
        .into_par_iter()
        .map(|piece| {
            // About 670 bytes a result: sized once instead of grown by copies.
            let mut text = Indented(Vec::with_capacity(piece.len() * 700));
            for d in piece.iter() {
                if !text.0.is_empty() {
                    text.0.extend_from_slice(b",\n");
                }
                text.0.extend_from_slice(RESULT_INDENT.as_bytes());
                // Writing to a Vec cannot fail, and a result holds nothing unserializable.
                let _ = serde_json::to_writer_pretty(&mut text, &result(d));
            }
            text.0
        })
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("annals")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        // Columns count Unicode scalar values, as in the JSON format.
        .column_kind(serde_json::Value::from("unicodeCodePoints"))
        .results(Vec::new())
        .build();
    let log = sarif::Sarif::builder()
        .schema(sarif::SCHEMA_URL)
        .version(serde_json::Value::from("2.1.0"))
        .runs(vec![run])
        .build();
    let skeleton = serde_json::to_string_pretty(&log).unwrap_or_default();
    // The one `"results": []` of the skeleton (rules hold no results) takes the results.
    match skeleton.split_once(EMPTY_RESULTS) {
        Some((head, tail)) if !report.diagnostics.is_empty() => {
            let mut pieces = Vec::with_capacity(results.len() + 2);
            pieces.push(format!("{head}\"results\": [\n"));
            let last = results.len() - 1;
            for (k, mut chunk) in results.into_iter().enumerate() {
                if k < last {
                    chunk.extend_from_slice(b",\n");
                }
                // Built from `str`s by serde_json and this file: always UTF-8.
                pieces.push(String::from_utf8(chunk).unwrap_or_default());
            }
            pieces.push(format!("\n{}]{tail}\n", &RESULT_INDENT[2..]));
            pieces
        }
        _ => vec![skeleton + "\n"],
    }
}

const EMPTY_RESULTS: &str = "\"results\": []";
/// The indentation of a result in the pretty-printed log: runs → run → results → result.
const RESULT_INDENT: &str = "        ";

/// A writer that indents every line after the first by `RESULT_INDENT`: results are
/// pretty-printed at the depth they stand at in the log (JSON strings hold no raw line
/// breaks, so every line break is the serializer's).
struct Indented(Vec<u8>);

impl std::io::Write for Indented {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut rest = bytes;
        while let Some(k) = memchr::memchr(b'\n', rest) {
            self.0.extend_from_slice(&rest[..=k]);
            self.0.extend_from_slice(RESULT_INDENT.as_bytes());
            rest = &rest[k + 1..];
        }
        self.0.extend_from_slice(rest);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One finding as a SARIF result.
fn result(d: Diagnostic) -> sarif::Result {
    let region = sarif::Region::builder()
        .start_line(d.line as i64)
        .start_column(d.column as i64)
        .end_line(d.end_line as i64)
        .end_column(d.end_column as i64)
        .build();
    let location = sarif::Location::builder()
        .physical_location(
            sarif::PhysicalLocation::builder()
                .artifact_location(
                    sarif::ArtifactLocation::builder()
                        .uri(d.display_path.to_string())
                        .build(),
                )
                .region(region)
                .build(),
        )
        .build();
    let rule_index = RuleCode::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
    sarif::Result::builder()
        .rule_id(d.code.as_str())
        .rule_index(rule_index as i64)
        .level(result_level(d.severity))
        .message(sarif::Message::builder().text(d.message).build())
        .locations(vec![location])
        .build()
}
