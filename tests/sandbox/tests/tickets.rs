//! Tickets as GLPI 10.0.11 treats them (glpi-facts-2 §2, and what the real-GLPI ticket suite
//! saw): the notifications, rule applications and surveys the sandbox records with and without
//! the flags a migration sends, the dates a status change stamps, what a closed ticket refuses.

mod common;
use common::Glpi;
use serde_json::{json, Value};

/// A sandbox as noisy as the real suite's target: the ticket rule on, a survey at closing.
async fn noisy(delay_days: u64) -> Glpi {
    let g = Glpi::admin().await;
    g.admin_call(
        "POST",
        "config",
        Some(json!({"ticket_rule": true, "survey_rate": 100, "survey_delay_days": delay_days})),
    )
    .await;
    g
}

fn events(notifications: &Value) -> Vec<String> {
    notifications
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["event"].as_str().unwrap().to_string())
        .collect()
}

async fn ticket(g: &Glpi, id: u64) -> Value {
    g.get(&format!("Ticket/{id}")).await.body
}

const QUIET: [(&str, i64); 6] = [
    ("_disablenotif", 1),
    ("_skip_rules", 1),
    ("_skip_auto_assign", 1),
    ("_skip_sla_assign", 1),
    ("_skip_default_contract", 1),
    ("_do_not_compute_takeintoaccount", 1),
];

fn with_flags(mut input: Value) -> Value {
    for (k, v) in QUIET {
        input[k] = json!(v);
    }
    input
}

/// A ticket named `name` created with the migration's flags: its id.
async fn quiet_ticket(g: &Glpi, name: &str) -> u64 {
    g.post(
        "Ticket",
        json!({"input": with_flags(json!({"name": name, "content": "x"}))}),
    )
    .await
    .body["id"]
        .as_u64()
        .unwrap()
}

/// A task on ticket `id`, created without notification: its id.
async fn quiet_task(g: &Glpi, id: u64) -> u64 {
    g.post(
        "TicketTask",
        json!({"input": {"tickets_id": id, "content": "t", "_disablenotif": 1}}),
    )
    .await
    .body["id"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn a_plain_ticket_is_notified_and_ruled_a_flagged_one_is_not() {
    let g = noisy(1).await;
    let plain = g
        .post(
            "Ticket",
            json!({"input": {"name": "Écran noir", "content": "x", "urgency": 2}}),
        )
        .await;
    assert_eq!(plain.status, 201, "{}", plain.text);
    let plain = plain.body["id"].as_u64().unwrap();
    let quiet = g
        .post(
            "Ticket",
            json!({"input": with_flags(json!({"name": "Écran noir", "content": "x", "urgency": 2}))}),
        )
        .await
        .body["id"]
        .as_u64()
        .unwrap();
    assert_eq!(ticket(&g, plain).await["urgency"], 5, "the rule set it");
    assert_eq!(
        ticket(&g, quiet).await["urgency"],
        2,
        "the rule was skipped"
    );
    let rules = g.admin_call("GET", "rules", None).await;
    assert_eq!(rules, json!([{"on": "add", "tickets_id": plain}]));
    let n = g.admin_call("GET", "notifications", None).await;
    assert_eq!(events(&n), vec!["new"]);
    assert_eq!(n[0]["items_id"], plain);
    // Update rules have no skip flag: they run when their criterion (the title) changes.
    g.put(
        &format!("Ticket/{quiet}"),
        json!({"input": {"name": "Écran noir (bis)", "_disablenotif": 1}}),
    )
    .await;
    let rules = g.admin_call("GET", "rules", None).await;
    assert_eq!(rules[1], json!({"on": "update", "tickets_id": quiet}));
    assert_eq!(
        events(&g.admin_call("GET", "notifications", None).await),
        vec!["new"]
    );
}

#[tokio::test]
async fn status_changes_stamp_the_dates_and_a_closed_ticket_refuses_changes() {
    let g = noisy(1).await;
    let id = g
        .post(
            "Ticket",
            json!({"input": with_flags(json!({"name": "Imprimante", "content": "x", "date": "2025-03-01 09:00:00"}))}),
        )
        .await
        .body["id"]
        .as_u64()
        .unwrap();
    let path = format!("Ticket/{id}");
    g.put(&path, json!({"input": {"status": 5, "_disablenotif": 1}}))
        .await;
    let solved = ticket(&g, id).await;
    assert!(
        solved["solvedate"].as_str().unwrap() > "2025-03-03 09:00:00",
        "a solved status stamps now: {solved}"
    );
    // Dates alone while solved are kept.
    g.put(
        &path,
        json!({"input": {"solvedate": "2025-03-02 09:00:00", "closedate": "2025-03-03 09:00:00", "_disablenotif": 1}}),
    )
    .await;
    assert_eq!(ticket(&g, id).await["closedate"], "2025-03-03 09:00:00");
    // Closing stamps the closing date whatever is sent; the resolution date sent is kept.
    let a = g
        .put(
            &path,
            json!({"input": {"status": 6, "solvedate": "2025-03-02 10:00:00", "closedate": "2025-03-03 09:00:00", "_disablenotif": 1}}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let closed = ticket(&g, id).await;
    assert_eq!(closed["solvedate"], "2025-03-02 10:00:00");
    assert!(closed["closedate"].as_str().unwrap() > "2025-03-03 09:00:00");
    // Closed: anything but status, entity and category is refused.
    let a = g
        .put(
            &path,
            json!({"input": {"closedate": "2025-03-03 09:00:00", "_disablenotif": 1}}),
        )
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.body[0], "ERROR_GLPI_UPDATE");
    let task = g
        .post(
            "TicketTask",
            json!({"input": {"tickets_id": id, "content": "t", "_disablenotif": 1}}),
        )
        .await;
    assert_eq!(
        task.status, 400,
        "no task on a closed ticket: {}",
        task.text
    );
    // Created closed: both dates are the opening date.
    let created = g
        .post(
            "Ticket",
            json!({"input": with_flags(json!({"name": "Clos", "content": "x", "date": "2025-03-01 09:00:00", "status": 6, "closedate": "2025-03-03 09:00:00"}))}),
        )
        .await
        .body["id"]
        .as_u64()
        .unwrap();
    let created = ticket(&g, created).await;
    assert_eq!(created["solvedate"], "2025-03-01 09:00:00");
    assert_eq!(created["closedate"], "2025-03-01 09:00:00");
    // All quiet, and no survey with a delay: the survey task would come later.
    assert_eq!(g.admin_call("GET", "notifications", None).await, json!([]));
    assert_eq!(g.admin_call("GET", "surveys", None).await, json!([]));
}

#[tokio::test]
async fn closing_notifies_without_the_flag_and_surveys_at_once_whatever_the_flags() {
    let g = noisy(0).await;
    let mut ids = Vec::new();
    for n in 0..2 {
        ids.push(quiet_ticket(&g, &format!("T{n}")).await);
    }
    g.put(
        &format!("Ticket/{}", ids[0]),
        json!({"input": {"status": 6}}),
    )
    .await;
    g.put(
        &format!("Ticket/{}", ids[1]),
        json!({"input": {"status": 6, "_disablenotif": 1}}),
    )
    .await;
    let n = g.admin_call("GET", "notifications", None).await;
    assert_eq!(events(&n), vec!["closed"]);
    assert_eq!(n[0]["items_id"], ids[0]);
    let surveys = g.admin_call("GET", "surveys", None).await;
    let surveyed: Vec<u64> = surveys
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["tickets_id"].as_u64().unwrap())
        .collect();
    assert_eq!(surveyed, ids, "GLPI has no flag against the closing survey");
}

#[tokio::test]
async fn a_solution_updates_its_ticket_loudly_unless_linked_and_not_computed() {
    let g = noisy(1).await;
    let (loud, quiet) = (
        quiet_ticket(&g, "loud").await,
        quiet_ticket(&g, "quiet").await,
    );
    let a = g
        .post(
            "ITILSolution",
            json!({"input": {"itemtype": "Ticket", "items_id": loud, "content": "s", "_disablenotif": 1}}),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(ticket(&g, loud).await["status"], 5);
    let again = g
        .post(
            "ITILSolution",
            json!({"input": {"itemtype": "Ticket", "items_id": loud, "content": "s2", "_disablenotif": 1}}),
        )
        .await;
    assert_eq!(again.status, 400, "already solved: {}", again.text);
    g.post(
        "ITILSolution",
        json!({"input": {"itemtype": "Ticket", "items_id": quiet, "content": "s", "_disablenotif": 1,
            "_do_not_compute_status": 1, "_linked_ticket": 1}}),
    )
    .await;
    assert_eq!(ticket(&g, quiet).await["status"], 1);
    let n = g.admin_call("GET", "notifications", None).await;
    assert_eq!(
        events(&n),
        vec!["solved"],
        "the solution's flag is not the update's"
    );
    assert_eq!(n[0]["items_id"], loud);
}

#[tokio::test]
async fn purging_a_ticket_notifies_its_tasks_unless_they_go_first_quietly() {
    let g = noisy(1).await;
    let mut tickets = Vec::new();
    for name in ["with tasks", "tasks first"] {
        let id = quiet_ticket(&g, name).await;
        let task = quiet_task(&g, id).await;
        g.post(
            "ITILFollowup",
            json!({"input": {"itemtype": "Ticket", "items_id": id, "content": "f", "_disablenotif": 1}}),
        )
        .await;
        tickets.push((id, task));
    }
    let purge = |itemtype: &'static str, id: u64| {
        let g = &g;
        async move {
            g.raw(
                "DELETE",
                itemtype,
                Some(json!({"input": [{"id": id, "_disablenotif": 1}], "force_purge": true})),
                &[],
            )
            .await
        }
    };
    assert_eq!(purge("Ticket", tickets[0].0).await.status, 200);
    let n = g.admin_call("GET", "notifications", None).await;
    assert_eq!(events(&n), vec!["delete_task", "delete_followup"]);
    assert_eq!(purge("TicketTask", tickets[1].1).await.status, 200);
    assert_eq!(purge("Ticket", tickets[1].0).await.status, 200);
    let after = g.admin_call("GET", "notifications", None).await;
    assert_eq!(
        events(&after),
        vec!["delete_task", "delete_followup", "delete_followup"],
        "only the followup that went with its ticket"
    );
    // A closed ticket's task cannot be purged.
    let id = quiet_ticket(&g, "closed").await;
    let task = quiet_task(&g, id).await;
    g.put(
        &format!("Ticket/{id}"),
        json!({"input": {"status": 6, "_disablenotif": 1}}),
    )
    .await;
    let refused = purge("TicketTask", task).await;
    assert_eq!(refused.status, 400, "{}", refused.text);
}
