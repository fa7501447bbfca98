//! Item CRUD, collections and GLPI's rules, against section 0 of glpi-api.md.

mod common;
use common::Glpi;
use glpi_sandbox::DEMO_POSTONLY_TOKEN;
use serde_json::{json, Value};

async fn computers(g: &Glpi, n: usize, prefix: &str) -> Vec<u64> {
    let input: Vec<Value> = (0..n)
        .map(|i| json!({"name": format!("{prefix}-{i}")}))
        .collect();
    let a = g.post("Computer", json!({ "input": input })).await;
    assert_eq!(a.status, 201, "{}", a.text);
    a.body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn single_and_bulk_create() {
    let g = Glpi::admin().await;
    let a = g
        .post("Computer", json!({"input": {"name": "cf-pc"}}))
        .await;
    assert_eq!(a.status, 201);
    let id = a.body["id"].as_u64().unwrap();
    assert_eq!(a.body["message"], "Item Successfully Added: cf-pc");
    assert_eq!(
        a.header("location").unwrap(),
        format!("{}/Computer/{id}", g.sandbox.api_url())
    );
    let a = g
        .post("Computer", json!({"input": [{"name": "a"}, {"name": "b"}]}))
        .await;
    assert_eq!(a.status, 201);
    let ids: Vec<u64> = a
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    let base = g.sandbox.api_url();
    assert_eq!(
        a.header("link").unwrap(),
        format!("{base}/Computer/{},{base}/Computer/{}", ids[0], ids[1])
    );
    // Duplicate names are accepted, default entity = active entity.
    let a = g
        .post("Computer", json!({"input": {"name": "cf-pc"}}))
        .await;
    assert_eq!(a.status, 201);
    let got = g.get(&format!("Computer/{}", a.body["id"])).await;
    assert_eq!(got.body["entities_id"], 0);
    assert_eq!(got.body["is_deleted"], 0);
}

#[tokio::test]
async fn partial_and_failed_bulk_creates() {
    let g = Glpi::admin().await;
    let a = g.post("Computer", json!({"input": [{"name": "cf-1"}, {"name": "cf-2", "entities_id": 987654}, {"name": "cf-3"}]})).await;
    assert_eq!(a.status, 207);
    assert!(a.header("link").is_none());
    assert_eq!(a.body[0], "ERROR_GLPI_PARTIAL_ADD");
    let list = a.body[1].as_array().unwrap();
    assert_eq!(list[0]["message"], "Item Successfully Added: cf-1");
    assert_eq!(
        list[1],
        json!({"id": false, "message": "You don't have permission to perform this action."})
    );
    assert!(list[2]["id"].as_u64().is_some());
    let a = g
        .post(
            "Computer",
            json!({"input": [{"name": "x", "entities_id": 999}]}),
        )
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.body,
        json!(["ERROR_GLPI_ADD", [{"id": false, "message": "You don't have permission to perform this action."}]])
    );
    let a = g
        .post(
            "Computer",
            json!({"input": {"name": "x", "entities_id": 999}}),
        )
        .await;
    assert_eq!(
        a.body,
        json!([
            "ERROR_GLPI_ADD",
            "You don't have permission to perform this action."
        ])
    );
}

#[tokio::test]
async fn users_logins_messages_profiles_and_emails() {
    let g = Glpi::admin().await;
    let a = g.post("User", json!({"input": {"name": "john.doe", "realname": "Doe", "firstname": "John", "_useremails": ["a@x.fr", "b@x.fr"]}})).await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(a.body["message"], "Item Successfully Added: Doe John");
    let id = a.body["id"].as_u64().unwrap();
    let a = g
        .post("User", json!({"input": [{"name": "john.doe"}]}))
        .await;
    assert_eq!(
        a.body,
        json!(["ERROR_GLPI_ADD", [{"id": false, "message": "Unable to add. The user already exists."}]])
    );
    let a = g
        .post("User", json!({"input": {"name": "only.login"}}))
        .await;
    assert_eq!(a.body["message"], "Item Successfully Added: only.login");
    let pu = g.get(&format!("User/{id}/Profile_User")).await;
    assert_eq!(pu.status, 200);
    let first = &pu.body[0];
    assert_eq!(
        (
            first["profiles_id"].clone(),
            first["is_dynamic"].clone(),
            first["is_default_profile"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );
    let emails = g.get(&format!("User/{id}/UserEmail")).await;
    // As GLPI 10.0.11 on a fresh server: the list positions 0 and 1 are read as ids of
    // e-mail rows; position 1 names the row just made for position 0 and overwrites it.
    let kept: Vec<(Value, Value)> = emails
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["email"].clone(), e["is_default"].clone()))
        .collect();
    assert_eq!(kept, vec![(json!("b@x.fr"), json!(0))]);
    let u = g.get(&format!("User/{id}")).await;
    for hidden in ["password", "api_token", "cookie_token", "personal_token"] {
        assert!(u.body.get(hidden).is_none(), "{hidden}");
    }
    assert_eq!(u.body["password_forget_token"], Value::Null);
    let a = g.get("User/987654/Profile_User").await;
    assert_eq!(
        (a.status, a.body.clone()),
        (404, json!(["ERROR_ITEM_NOT_FOUND", "Item Not Found"]))
    );
}

#[tokio::test]
async fn tickets_defaults_priority_actors_and_notifications() {
    let g = Glpi::admin().await;
    let a = g
        .post(
            "Ticket",
            json!({"input": {"name": "Panne", "content": "x", "urgency": 4, "impact": 2}}),
        )
        .await;
    assert_eq!(a.status, 201);
    let id = a.body["id"].as_u64().unwrap();
    assert_eq!(
        a.body["message"],
        format!("Item Successfully Added: Panne ({id})")
    );
    let t = g.get(&format!("Ticket/{id}")).await;
    assert_eq!(
        (
            t.body["status"].clone(),
            t.body["type"].clone(),
            t.body["priority"].clone()
        ),
        (json!(1), json!(1), json!(3))
    );
    assert_eq!(t.body["users_id_recipient"], 2);
    assert_eq!(
        g.get(&format!("Ticket/{id}/Ticket_User")).await.body,
        json!([]),
        "no requester added by the API"
    );
    let a = g.post("Ticket", json!({"input": {"name": "T", "content": "x", "urgency": 9, "_users_id_requester": 4, "_disablenotif": true}})).await;
    let id2 = a.body["id"].as_u64().unwrap();
    let t = g.get(&format!("Ticket/{id2}")).await;
    assert_eq!(t.body["urgency"], 3, "outside the mask: 3");
    let actors = g.get(&format!("Ticket/{id2}/Ticket_User")).await;
    assert_eq!(actors.body[0]["users_id"], 4);
    assert_eq!(actors.body[0]["type"], 1);
    let n = g.admin_call("GET", "notifications", None).await;
    let for_tickets: Vec<u64> = n
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["items_id"].as_u64().unwrap())
        .collect();
    assert_eq!(
        for_tickets,
        vec![id],
        "the second ticket disabled notifications"
    );
    let f = g
        .post(
            "ITILFollowup",
            json!({"input": {"itemtype": "Ticket", "items_id": id, "content": "suivi"}}),
        )
        .await;
    assert_eq!(f.body["message"], "");
    let f = g.get(&format!("ITILFollowup/{}", f.body["id"])).await;
    assert_eq!(
        (
            f.body["requesttypes_id"].clone(),
            f.body["users_id"].clone()
        ),
        (json!(0), json!(2))
    );
}

#[tokio::test]
async fn update_and_delete_envelopes() {
    let g = Glpi::admin().await;
    let ids = computers(&g, 3, "u").await;
    let a = g
        .put(
            &format!("Computer/{}", ids[0]),
            json!({"input": {"serial": "S1"}}),
        )
        .await;
    assert_eq!(
        (a.status, a.body.clone()),
        (200, json!([{ ids[0].to_string(): true, "message": "" }]))
    );
    let a = g
        .put("Computer/987654321", json!({"input": {"serial": "x"}}))
        .await;
    assert_eq!(
        (a.status, a.body.clone()),
        (400, json!(["ERROR_GLPI_UPDATE", null]))
    );
    let a = g
        .put(
            "Computer",
            json!({"input": [{"id": ids[0], "name": "n"}, {"id": 987654321, "name": "m"}]}),
        )
        .await;
    assert_eq!(a.status, 207);
    assert_eq!(
        a.body,
        json!(["ERROR_GLPI_PARTIAL_UPDATE", [{ ids[0].to_string(): true, "message": "" }]])
    );
    let a = g.put("Computer", json!({"input": {"name": "no id"}})).await;
    assert_eq!((a.status, a.body.clone()), (200, json!([[]])));
    // Trash, then purge.
    let a = g.delete(&format!("Computer/{}", ids[1])).await;
    assert_eq!(
        (a.status, a.body.clone()),
        (200, json!([{ ids[1].to_string(): true, "message": "" }]))
    );
    let t = g.get(&format!("Computer/{}", ids[1])).await;
    assert_eq!((t.status, t.body["is_deleted"].clone()), (200, json!(1)));
    let a = g
        .delete(&format!("Computer/{}?force_purge=true", ids[1]))
        .await;
    assert_eq!(a.status, 200);
    let a = g
        .delete(&format!("Computer/{}?force_purge=true", ids[1]))
        .await;
    assert_eq!(
        (a.status, a.body.clone()),
        (400, json!(["ERROR_GLPI_DELETE", "Item Not Found"]))
    );
    let a = g
        .raw(
            "DELETE",
            "Computer",
            Some(json!({"input": [{"id": ids[2]}, {"id": 987654321}]})),
            &[],
        )
        .await;
    assert_eq!(
        a.body,
        json!(["ERROR_GLPI_PARTIAL_DELETE", [{ ids[2].to_string(): true, "message": "" }, {"987654321": false, "message": "Item Not Found"}]])
    );
    let a = g.get("Computer/987654321").await;
    assert_eq!(
        (a.status, a.body.clone()),
        (404, json!(["ERROR_ITEM_NOT_FOUND", "Item Not Found"]))
    );
}

#[tokio::test]
async fn collection_ranges_and_headers() {
    let g = Glpi::admin().await;
    computers(&g, 21, "r").await;
    let a = g.get("Computer").await;
    assert_eq!((a.status, a.body.as_array().unwrap().len()), (200, 20));
    assert_eq!(a.header("content-range"), Some("0-20/21"));
    assert_eq!(a.header("accept-range"), Some("Computer 1000"));
    computers(&g, 1, "s").await;
    let a = g.get("Computer").await;
    assert_eq!(
        (a.status, a.header("content-range")),
        (206, Some("0-20/22"))
    );
    let a = g.get("Computer?range=22-30").await;
    assert_eq!(
        (a.status, a.body.clone(), a.header("content-range")),
        (206, json!([]), Some("22-21/22"))
    );
    let a = g.get("Computer?range=30-39").await;
    assert_eq!(a.status, 400);
    assert!(a.body[1]
        .as_str()
        .unwrap()
        .starts_with("Provided range exceed total count of data: 22; view documentation"));
    let a = g.get("Computer?range=abc").await;
    assert!(a.body[1]
        .as_str()
        .unwrap()
        .starts_with("range must be in format : [start-end] with integers"));
    let a = g.get("Monitor").await;
    assert_eq!((a.status, a.body.clone()), (200, json!([])));
    assert!(a.header("content-range").is_none());
    assert!(a.header("accept-range").is_some());
    let a = g
        .get("Computer?range=0-0&only_id=true&get_hateoas=false")
        .await;
    assert_eq!(
        a.body[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        vec!["id"]
    );
    let a = g.get("Computer?searchText[name]=^r-1$&range=0-99").await;
    assert_eq!(a.body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn html_is_sanitised_as_glpi_10_does() {
    let g = Glpi::admin().await;
    let a = g
        .post("Computer", json!({"input": {"name": "cf-<b>&\"'"}}))
        .await;
    assert_eq!(
        a.body["message"],
        "Item Successfully Added: cf-&#60;b&#62;&#38;\"'"
    );
    let id = a.body["id"].as_u64().unwrap();
    assert_eq!(
        g.get(&format!("Computer/{id}")).await.body["name"],
        "cf-&#60;b&#62;&#38;\"'"
    );
    let raw = g
        .raw(
            "GET",
            &format!("Computer/{id}"),
            None,
            &[("X-GLPI-Sanitized-Content", "false")],
        )
        .await;
    assert_eq!(raw.body["name"], "cf-<b>&\"'");
    let a = g
        .raw(
            "POST",
            "Computer",
            Some(json!({"input": {"name": "raw <i>"}})),
            &[("X-GLPI-Sanitized-Content", "false")],
        )
        .await;
    assert_eq!(
        g.get(&format!("Computer/{}", a.body["id"])).await.body["name"],
        "raw &#60;i&#62;",
        "still stored encoded"
    );
}

#[tokio::test]
async fn tree_dropdowns_have_complete_names() {
    let g = Glpi::admin().await;
    let site = g
        .post("Location", json!({"input": {"name": "site"}}))
        .await
        .body["id"]
        .as_u64()
        .unwrap();
    let floor = g
        .post(
            "Location",
            json!({"input": {"name": "floor", "locations_id": site}}),
        )
        .await
        .body["id"]
        .as_u64()
        .unwrap();
    let l = g.get(&format!("Location/{floor}")).await;
    assert_eq!(l.body["completename"], "site > floor");
    let pc = g
        .post(
            "Computer",
            json!({"input": {"name": "pc", "locations_id": floor}}),
        )
        .await
        .body["id"]
        .as_u64()
        .unwrap();
    let c = g.get(&format!("Computer/{pc}?expand_dropdowns=true")).await;
    assert_eq!(c.body["locations_id"], "site &#62; floor");
}

#[tokio::test]
async fn self_service_rights() {
    let mut g = Glpi::start().await;
    g.login(DEMO_POSTONLY_TOKEN).await;
    let a = g.get("Computer").await;
    assert_eq!(
        (a.status, a.body.clone()),
        (
            403,
            json!([
                "ERROR_RIGHT_MISSING",
                "You don't have permission to perform this action."
            ])
        )
    );
    assert_eq!(g.get("search/Computer").await.status, 403);
    let a = g.post("Computer", json!({"input": {"name": "x"}})).await;
    assert_eq!(
        (a.status, a.body.clone()),
        (
            400,
            json!([
                "ERROR_GLPI_ADD",
                "You don't have permission to perform this action."
            ])
        )
    );
    let a = g.post("Computer", json!({"input": [{"name": "x"}]})).await;
    assert_eq!(
        a.body,
        json!(["ERROR_GLPI_ADD", [{"id": false, "message": "You don't have permission to perform this action."}]])
    );
}

#[tokio::test]
async fn relations_and_their_messages() {
    let g = Glpi::admin().await;
    let pc = computers(&g, 1, "pc").await[0];
    let m = g
        .post("Monitor", json!({"input": {"name": "ecran"}}))
        .await
        .body["id"]
        .as_u64()
        .unwrap();
    let a = g
        .post(
            "Computer_Item",
            json!({"input": {"computers_id": pc, "itemtype": "Monitor", "items_id": m}}),
        )
        .await;
    assert_eq!(a.status, 201);
    assert_eq!(
        a.body["message"],
        format!("Item Successfully Added: General - ID {}", a.body["id"])
    );
    let again = g
        .post(
            "Computer_Item",
            json!({"input": {"computers_id": pc, "itemtype": "Monitor", "items_id": m}}),
        )
        .await;
    assert_eq!(
        (again.status, again.body.clone()),
        (400, json!(["ERROR_GLPI_ADD", ""])),
        "a non-global monitor is connected once"
    );
    let t = g
        .post("Ticket", json!({"input": {"name": "t", "content": "c"}}))
        .await
        .body["id"]
        .as_u64()
        .unwrap();
    let a = g
        .post(
            "Item_Ticket",
            json!({"input": {"tickets_id": t, "itemtype": "Computer", "items_id": pc}}),
        )
        .await;
    assert_eq!(a.body["message"], "Item Successfully Added: pc-0");
}

#[tokio::test]
async fn purging_a_user_removes_its_authorizations_and_emails_like_glpi() {
    let mut g = Glpi::start().await;
    g.login(glpi_sandbox::DEMO_USER_TOKEN).await;
    let r = g
        .post(
            "User",
            serde_json::json!({"input": {"name": "purge.me", "_useremails": ["a@b.fr"]}}),
        )
        .await;
    assert_eq!(r.status, 201);
    let id = r.body["id"].as_u64().unwrap();
    assert_eq!(
        g.get(&format!("User/{id}/Profile_User"))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let d = g.delete(&format!("User/{id}?force_purge=true")).await;
    assert_eq!(d.status, 200);
    let dump = g.admin_call("GET", "dump", None).await;
    let left = |t: &str| {
        dump[t]
            .as_array()
            .map(|a| a.iter().filter(|i| i["users_id"] == id).count())
            .unwrap_or(0)
    };
    assert_eq!(left("Profile_User"), 0);
    assert_eq!(left("UserEmail"), 0);
}

#[tokio::test]
async fn get_multiple_items_in_request_order_and_404_when_one_is_missing() {
    let mut g = Glpi::start().await;
    g.login(glpi_sandbox::DEMO_USER_TOKEN).await;
    let ids = computers(&g, 2, "multi").await;
    let r = g
        .get(&format!(
            "getMultipleItems?items[0][itemtype]=Computer&items[0][items_id]={}&items[1][itemtype]=User&items[1][items_id]=2&items[2][itemtype]=Computer&items[2][items_id]={}",
            ids[1], ids[0]
        ))
        .await;
    assert_eq!(r.status, 200);
    let list = r.body.as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["id"], json!(ids[1]));
    assert_eq!(list[1]["name"], "glpi");
    assert_eq!(list[2]["id"], json!(ids[0]));
    let missing = g
        .get("getMultipleItems?items[0][itemtype]=User&items[0][items_id]=2&items[1][itemtype]=Computer&items[1][items_id]=987654")
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body[0], "ERROR_ITEM_NOT_FOUND");
    let bad = g.get("getMultipleItems").await;
    assert_eq!(
        (bad.status, bad.body[0].as_str()),
        (400, Some("ERROR_BAD_ARRAY"))
    );
}
