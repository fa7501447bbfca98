//! What a directory import reads of GLPI and does beside the plan's run: the target read
//! (users in the trash included), GLPI's "more rights than" rule for the session, the
//! generated passwords (sent to GLPI only, never journaled), and the seed-004 error file with
//! every message of the check, the plan and the run.

use crate::sort::CollectOrdered;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

use super::apply::{ApplyProblem, DirectoryPlan, DirectoryTarget, LineMessage};
use super::rights::{profiles_from_rows, RightsRule, SessionProfile};
use super::DirectoryReport;
use crate::diagnostic::{Lang, Severity};
use crate::glpi::GlpiType;
use crate::migrate::api::{ApiRequest, Method};
use crate::migrate::client::{CallError, GlpiClient, ItemResult};
use crate::migrate::journal::{Journal, Outcome};
use crate::migrate::model::Decision;
use crate::migrate::plan::Plan;
use crate::migrate::run::{Control, JournalSink};
use crate::migrate::session::{MigrationSession, Report, RunRequest, SessionError};

/// Reads what a directory plan needs, users in GLPI's trash included (a login stays taken
/// there, and an S line already carried out finds its user there).
pub async fn read_directory_target(client: &GlpiClient<'_>) -> Result<DirectoryTarget, CallError> {
    let mut target = DirectoryTarget::default();
    for t in DirectoryTarget::TYPES {
        target.items.insert(t, client.read_all(t).await?);
    }
    target.trashed_users = read_trashed_users(client).await?;
    Ok(target)
}

async fn read_trashed_users(client: &GlpiClient<'_>) -> Result<Vec<Map<String, Value>>, CallError> {
    read_pages(client, GlpiType::User.name(), "is_deleted=1&").await
}

/// Every row of `/{itemtype}?{filter}range=…`, in pages, until GLPI says the range is past the
/// end.
async fn read_pages(
    client: &GlpiClient<'_>,
    itemtype: &str,
    filter: &str,
) -> Result<Vec<Map<String, Value>>, CallError> {
    let mut out = Vec::new();
    let size = 500usize;
    let mut start = 0usize;
    loop {
        let path = format!(
            "/{itemtype}?{filter}range={start}-{}&get_hateoas=false&sort=id&order=ASC",
            start + size - 1
        );
        let body = match client.call_json(ApiRequest::new(Method::Get, path)).await {
            Ok((_, body, _)) => body,
            Err(CallError::Glpi { error, .. }) if error.code == "ERROR_RANGE_EXCEED_TOTAL" => break,
            Err(e) => return Err(e),
        };
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

/// GLPI's "more rights than" rule for the session ([`RightsRule`]): the active profile from
/// `getFullSession`, every profile and every row of `ProfileRight` (GLPI answers a collection
/// without the rights, so they are read apart).
pub async fn read_rights_rule(client: &GlpiClient<'_>) -> Result<RightsRule, CallError> {
    let session = client.full_session().await?;
    let active = SessionProfile::from_active_profile(
        session.get("glpiactiveprofile").unwrap_or(&Value::Null),
    );
    let profiles = client.read_all(GlpiType::Profile).await?;
    let rows = read_pages(client, "ProfileRight", "").await?;
    Ok(RightsRule::new(
        &active,
        &profiles_from_rows(&profiles, &rows),
    ))
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

/// A generated password from 16 random bytes (the caller's secure source: the system's in the
/// CLI, the browser's `crypto.getRandomValues` in the page): 16 letters and digits, then a
/// sign, so that GLPI's password policies are met.
pub fn password_from(random: &[u8; 16]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut out: String = random
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    out.push_str("-7aZ");
    out
}

/// The administrator's passwords file: `login TAB password`, one a line (CRLF), with the
/// failures left out (they go to the error file, without the password).
pub fn passwords_file(set: &[(String, Result<String, String>)]) -> String {
    set.iter()
        .filter_map(|(login, r)| r.as_ref().ok().map(|p| format!("{login}\t{p}\r\n")))
        .collect()
}

/// The error-file messages of the passwords GLPI refused, on the lines that created the users.
pub fn password_failures(
    set: &[(String, Result<String, String>)],
    journal: &Journal,
) -> Vec<LineMessage> {
    set.iter()
        .filter_map(|(login, r)| {
            let message = r.as_ref().err()?;
            let line = journal
                .records()
                .into_iter()
                .find(|r| r.object.itemtype == GlpiType::User && r.object.key == *login)
                .and_then(|r| r.sources.first().map(|s| s.line as u64))
                .unwrap_or(0);
            Some(LineMessage {
                line,
                problem: ApplyProblem::Password {
                    login: login.clone(),
                    message: message.clone(),
                },
            })
        })
        .collect()
}

/// Sets a generated password on each user (`password` and `password2`), one call each so that
/// a refusal names its user. The passwords go to GLPI and back to the caller only (the
/// administrator's download): never to the journal, a log or a report.
pub async fn set_passwords(
    client: &GlpiClient<'_>,
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
    crate::sort::sort_by_key(&mut out, |e| e.line);
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
pub async fn verify_trashed(
    client: &GlpiClient<'_>,
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

/// Runs a directory plan. With the entities option, GLPI's API session does not see an entity
/// created in it (not as the parent of the next level, nor as a user's entity): the entities
/// are created first, one level at a time, the session's entities refreshed after each
/// (`changeActiveEntities` on `entity`, recursive), then the whole plan runs on the same
/// journal (a resume: nothing is created twice).
pub async fn run_directory<S: JournalSink, C: Control>(
    session: &mut MigrationSession<'_>,
    plan: &Plan,
    entity: u64,
    mut request: RunRequest<'_, S, C>,
) -> Result<Report, SessionError> {
    let levels: BTreeSet<u32> = plan
        .objects
        .iter()
        .filter(|o| o.key.itemtype == GlpiType::Entity && matches!(o.decision, Decision::Create))
        .map(|o| o.rank)
        .into_set();
    for rank in levels {
        let mut part = plan.clone();
        part.objects
            .retain(|o| o.key.itemtype == GlpiType::Entity && o.rank == rank);
        let report = session
            .run(
                &part,
                RunRequest {
                    journal: std::mem::take(&mut request.journal),
                    sink: request.sink,
                    control: request.control,
                    options: request.options.clone(),
                    run_id: request.run_id.clone(),
                    resume: request.resume,
                    verify: false,
                    observer: Box::new(|_| {}),
                },
            )
            .await?;
        request.journal = report.journal;
        request.resume = true;
        session
            .client()
            .set_entity(entity, true)
            .await
            .map_err(|error| SessionError::Entity { id: entity, error })?;
    }
    session.run(plan, request).await
}
