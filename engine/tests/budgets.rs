//! Budgets: the budgets companion file (`budgets.csv`) plans each budget with its amount and
//! period, read as the check reads numbers and dates; a value that is none rejects its row with
//! the column at fault; an asset's financial record names its budget by name.

use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::companion::CompanionKind;
use passerelle_engine::migrate::inputs::Prepared;
use passerelle_engine::migrate::model::{Decision, FieldValue, Rejection};
use passerelle_engine::migrate::plan::{Plan, PlanOptions, TargetData};
use passerelle_engine::read::ReadOptions;

const ENTITY: &str = "Root Entity > Préfecture de Guyane";

fn plan(budgets: &str, computers: &str) -> Plan {
    let files = vec![
        ("budgets.csv".to_string(), budgets.as_bytes().to_vec()),
        ("Computer.csv".to_string(), computers.as_bytes().to_vec()),
    ];
    let prepared = Prepared::from_files(&files, &ReadOptions::default());
    assert_eq!(
        prepared.companions.iter().map(|c| c.1).collect::<Vec<_>>(),
        vec![CompanionKind::Budgets]
    );
    prepared
        .draft()
        .plan(&TargetData::default(), &PlanOptions::default())
}

#[test]
fn a_budget_is_planned_with_its_amount_and_period_and_named_by_the_financial_record() {
    let budgets = format!(
        "nom;entite;recursif;type;debut;fin;valeur;lieu;commentaire\r\n\
         Budget DSI 2026;{ENTITY};Oui;Fonctionnement;01/01/2026;2026-12-31;50 000,00 €;;Parc\r\n\
         Budget flou;{ENTITY};Non;;2026-01-01;2026-12-31;beaucoup;;\r\n\
         Budget sans fin;{ENTITY};Non;;2026-01-01;31 décembre;1000;;\r\n"
    );
    let computers = format!(
        "\"Nom\";\"Entité\";\"Numéro de série\";\"Informations financières et administratives - Budget\"\r\n\
         \"PC-1\";\"{ENTITY}\";\"SN-1\";\"Budget DSI 2026\"\r\n"
    );
    let plan = plan(&budgets, &computers);
    let find = |t: GlpiType, key: &str| {
        plan.objects
            .iter()
            .find(|o| o.key.itemtype == t && o.key.key == key)
            .unwrap_or_else(|| {
                panic!(
                    "{t} {key}: {:?}",
                    plan.objects.iter().map(|o| &o.key).collect::<Vec<_>>()
                )
            })
    };
    let budget = find(GlpiType::Budget, "Budget DSI 2026");
    assert!(matches!(budget.decision, Decision::Create));
    let text = |f: &str| budget.fields.get(f).cloned();
    assert_eq!(text("value"), Some(FieldValue::Text("50000.00".into())));
    assert_eq!(
        text("begin_date"),
        Some(FieldValue::Text("2026-01-01".into()))
    );
    assert_eq!(
        text("end_date"),
        Some(FieldValue::Text("2026-12-31".into()))
    );
    assert_eq!(text("is_recursive"), Some(FieldValue::Number(1)));
    assert_eq!(text("comment"), Some(FieldValue::Text("Parc".into())));
    assert!(
        matches!(&budget.fields["budgettypes_id"], FieldValue::Ref(k) if k.itemtype == GlpiType::BudgetType),
        "{:?}",
        budget.fields
    );
    for field in budget.fields.keys() {
        assert!(GlpiType::Budget.keeps(field), "{field}");
    }
    // The amount and the end that are none: each row rejected with its column, nothing sent.
    for (name, column, value) in [
        ("Budget flou", "valeur", "beaucoup"),
        ("Budget sans fin", "fin", "31 décembre"),
    ] {
        let rejected = plan.objects.iter().any(|o| {
            o.key.itemtype == GlpiType::Budget
                && matches!(&o.decision, Decision::Rejected {
                    rejection: Rejection::CompanionBadValue { column: c, value: v }
                } if c == column && v == value)
        });
        assert!(rejected, "{name} rejected on {column}");
        assert!(
            !plan
                .objects
                .iter()
                .any(|o| o.key.key == name && matches!(o.decision, Decision::Create)),
            "{name} is not created"
        );
    }
    // The computer's financial record names the budget planned above.
    let infocom = plan
        .objects
        .iter()
        .find(|o| o.key.itemtype == GlpiType::Infocom)
        .expect("the financial record");
    assert_eq!(
        infocom.fields["budgets_id"],
        FieldValue::Ref(budget.key.clone())
    );
}
