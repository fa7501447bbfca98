//! What a directory import reads of GLPI and does beside the plan's run: the target read
//! (users in the trash included), whether the session may change activity and profiles, the
//! generated passwords (sent to GLPI only, never journaled), and the seed-004 error file with
//! every message of the check, the plan and the run.

use serde_json::{Map, Value};

use super::apply::{ApplyProblem, DirectoryPlan, DirectoryTarget, LineMessage};
use super::DirectoryReport;
use crate::diagnostic::{Lang, Severity};
use crate::glpi::{bits, GlpiType};
use crate::migrate::api::{ApiRequest, Method, Transport};
use crate::migrate::client::{CallError, GlpiClient, ItemResult};
use crate::migrate::journal::{Journal, Outcome};

/// Reads what a directory plan needs, users in GLPI's trash included (a login stays taken
/// there, and an S line already carried out finds its user there).
pub async fn read_directory_target<T: Transport>(
    client: &GlpiClient<'_, T>,
) -> Result<DirectoryTarget, CallError> {
    let mut target = DirectoryTarget::default();
    for t in DirectoryTarget::TYPES {
        target.items.insert(t, client.read_all(t).await?);
    }
    target.trashed_users = read_trashed_users(client).await?;
    Ok(target)
}

async fn read_trashed_users<T: Transport>(
    client: &GlpiClient<'_, T>,
) -> Result<Vec<Map<String, Value>>, CallError> {
    let mut out = Vec::new();
    let size = 500usize;
    let mut start = 0usize;
    loop {
        let path = format!(
            "/{}?is_deleted=1&range={start}-{}&get_hateoas=false&sort=id&order=ASC",
            GlpiType::User,
            start + size - 1
        );
        let (status, body, res) = client.call_json(ApiRequest::new(Method::Get, path)).await?;
        if status == 400
            && res
                .glpi_error()
                .is_some_and(|e| e.code == "ERROR_RANGE_EXCEED_TOTAL")
        {
            break;
        }
        let rows = match body {
            Value::Array(rows) => rows,
            _ => Vec::new(),
        };
        let n = rows.len();
        out.extend(rows.into_iter().filter_map(|r| match r {
            Value::Object(m) => Some(m),
            _ => None,
        }));
        start += size;
        if n < size {
            break;
        }
    }
    Ok(out)
}

/// Whether the session's active profile may change users' activity and authorizations: it
/// must update users and profiles (GLPI drops `is_active` and a profile change otherwise, see
/// glpi-facts-2 §3). An approximation of GLPI's "more rights than the user" rule, on the safe
/// side: a profile that may not administer profiles gets a warning instead.
pub async fn may_change_rights<T: Transport>(
    client: &GlpiClient<'_, T>,
) -> Result<bool, CallError> {
    let session = client.full_session().await?;
    let profile = session
        .get("glpiactiveprofile")
        .cloned()
        .unwrap_or(Value::Null);
    let right = |name: &str| {
        profile
            .get(name)
            .and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .unwrap_or(0)
    };
    Ok(right("user") & bits::UPDATE != 0 && right("profile") & bits::UPDATE != 0)
}

/// The users a run created (login, id), from its journal: those that get a generated password.
pub fn created_users(journal: &Journal) -> Vec<(String, u64)> {
    journal
        .records()
        .into_iter()
        .filter(|r| r.object.itemtype == GlpiType::User && r.outcome == Outcome::Created)
        .filter_map(|r| Some((r.object.key.clone(), r.id?)))
        .collect()
}

/// Sets a generated password on each user (`password` and `password2`), one call each so that
/// a refusal names its user. The passwords go to GLPI and back to the caller only (the
/// administrator's download): never to the journal, a log or a report.
pub async fn set_passwords<T: Transport>(
    client: &GlpiClient<'_, T>,
    users: &[(String, u64)],
    generate: &mut dyn FnMut() -> String,
) -> Vec<(String, Result<String, String>)> {
    let mut out = Vec::new();
    for (login, id) in users {
        let password = generate();
        let input = serde_json::json!({"id": id, "password": password, "password2": password});
        let result = match client.update(GlpiType::User, vec![input]).await {
            Ok(b) => match b.items.first() {
                Some(ItemResult::Ok(_)) => Ok(password),
                Some(ItemResult::Refused(m)) => Err(m.clone()),
                None => Err("sans réponse".into()),
            },
            Err(e) => Err(e.to_string()),
        };
        out.push((login.clone(), result));
    }
    out
}

/// One entry of the error file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorLine {
    /// Line number (the header is line 1; 0 for the file).
    pub line: u64,
    /// How serious.
    pub severity: Severity,
    /// The message, in French.
    pub message: String,
}

/// Every message of the check, of the plan and of the run (objects GLPI refused or that
/// failed, on the lines they come from), in line order.
pub fn error_lines(
    report: &DirectoryReport,
    plan: Option<&DirectoryPlan>,
    journal: Option<&Journal>,
    extra: &[LineMessage],
) -> Vec<ErrorLine> {
    let mut out: Vec<ErrorLine> = report
        .diagnostics
        .iter()
        .map(|d| ErrorLine {
            line: d.line,
            severity: d.severity,
            message: d.message(Lang::Fr),
        })
        .collect();
    let plan_messages = plan.map(|p| p.messages.as_slice()).unwrap_or(&[]);
    for m in plan_messages.iter().chain(extra) {
        out.push(ErrorLine {
            line: m.line,
            severity: m.problem.severity(),
            message: m.problem.to_string(),
        });
    }
    if let Some(j) = journal {
        for r in j.records() {
            if !matches!(r.outcome, Outcome::Failed | Outcome::Rejected) {
                continue;
            }
            for s in r.sources.iter().filter(|s| s.file == report.file) {
                out.push(ErrorLine {
                    line: s.line as u64,
                    severity: Severity::Error,
                    message: ApplyProblem::Run {
                        object: r.object.render(Lang::Fr),
                        message: r.reason.render(Lang::Fr),
                    }
                    .to_string(),
                });
            }
        }
    }
    out.sort_by_key(|e| e.line);
    out
}

/// The seed-004 error file: « Ligne N : GRAVITÉ : message », one a line (CRLF).
pub fn error_file_text(report: &DirectoryReport, lines: &[ErrorLine]) -> String {
    let mut out = String::new();
    if !report.phase_one_ok {
        out.push_str("Phase 1 en échec : import annulé, aucune ligne n'est intégrée.\r\n");
    }
    for e in lines {
        out.push_str(&format!(
            "Ligne {} : {} : {}\r\n",
            e.line,
            e.severity.label(Lang::Fr),
            e.message
        ));
    }
    out
}

/// Whether an object of a directory plan moves its user to the trash (an S line).
pub fn is_trash(o: &crate::migrate::model::PlannedObject) -> bool {
    o.key.itemtype == GlpiType::User
        && matches!(
            o.fields.get("is_deleted"),
            Some(crate::migrate::model::FieldValue::Number(1))
        )
}

/// The plan without its S lines' objects: what the engine's read-back compares (it reads the
/// items outside the trash); the trashed users are read back by [`verify_trashed`].
pub fn without_trash(plan: &crate::migrate::plan::Plan) -> crate::migrate::plan::Plan {
    let mut p = plan.clone();
    p.objects.retain(|o| !is_trash(o));
    p
}

/// Reads back, one by one, the users the run moved to the trash: the logins not found there.
pub async fn verify_trashed<T: Transport>(
    client: &GlpiClient<'_, T>,
    plan: &crate::migrate::plan::Plan,
    journal: &Journal,
) -> Result<Vec<String>, CallError> {
    let mut missing = Vec::new();
    for o in plan.objects.iter().filter(|o| is_trash(o)) {
        let Some(id) = journal.record(&o.key).and_then(|r| r.id) else {
            missing.push(o.key.key.clone());
            continue;
        };
        let (status, body, _) = client
            .call_json(ApiRequest::new(
                Method::Get,
                format!("/{}/{id}?get_hateoas=false", GlpiType::User),
            ))
            .await?;
        let deleted = crate::migrate::reconcile::target_text(body.get("is_deleted")) == "1";
        if status != 200 || !deleted {
            missing.push(o.key.key.clone());
        }
    }
    Ok(missing)
}
