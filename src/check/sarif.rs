//! `--format sarif`: SARIF 2.1.0 through serde-sarif, one rule per code.

use super::Report;
use crate::finding::{RuleCode, Severity};
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

pub fn render(report: &Report) -> String {
    let rules: Vec<sarif::ReportingDescriptor> = RuleCode::ALL
        .iter()
        .map(|code| {
            sarif::ReportingDescriptor::builder()
                .id(code.as_str())
                .name(code.as_str())
                .short_description(sarif::MultiformatMessageString::builder().text(code.summary()).build())
                .full_description(sarif::MultiformatMessageString::builder().text(code.summary()).build())
                .default_configuration(
                    sarif::ReportingConfiguration::builder()
                        .level(serde_json::Value::from(level(code.default_severity())))
                        .build(),
                )
                .build()
        })
        .collect();
    let results: Vec<sarif::Result> = report
        .diagnostics
        .iter()
        .map(|d| {
            let region = sarif::Region::builder()
                .start_line(d.line as i64)
                .start_column(d.column as i64)
                .end_line(d.end_line as i64)
                .end_column(d.end_column as i64)
                .build();
            let location = sarif::Location::builder()
                .physical_location(
                    sarif::PhysicalLocation::builder()
                        .artifact_location(sarif::ArtifactLocation::builder().uri(d.display_path.clone()).build())
                        .region(region)
                        .build(),
                )
                .build();
            let rule_index = RuleCode::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
            sarif::Result::builder()
                .rule_id(d.code.as_str())
                .rule_index(rule_index as i64)
                .level(result_level(d.severity))
                .message(sarif::Message::builder().text(d.message.clone()).build())
                .locations(vec![location])
                .build()
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
        .results(results)
        .build();
    let log = sarif::Sarif::builder()
        .schema(sarif::SCHEMA_URL)
        .version(serde_json::Value::from("2.1.0"))
        .runs(vec![run])
        .build();
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}
