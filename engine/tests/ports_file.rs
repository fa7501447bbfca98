//! Network ports from the companion file (`ports-reseau.csv`): the optional columns are read
//! where the header row puts them, in any order; what the old GLPI's inventory measured (MTU,
//! speed) is planned as numbers, and a value that is not a whole number rejects its row with the
//! column at fault, named as the file's header names it.

use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::companion::CompanionKind;
use passerelle_engine::migrate::inputs::Prepared;
use passerelle_engine::migrate::model::{Decision, FieldValue, PlannedObject, Rejection};
use passerelle_engine::migrate::plan::{Plan, PlanOptions, TargetData};
use passerelle_engine::read::ReadOptions;

const COMPUTERS: &str = "\"Nom\";\"Entité\";\"Numéro de série\"\r\n\
    \"PC-1\";\"Root Entity > Préfecture de Guyane\";\"SN-1\"\r\n";

fn plan(ports: &str) -> Plan {
    let files = vec![
        ("ports-reseau.csv".to_string(), ports.as_bytes().to_vec()),
        ("Computer.csv".to_string(), COMPUTERS.as_bytes().to_vec()),
    ];
    let prepared = Prepared::from_files(&files, &ReadOptions::default());
    assert_eq!(
        prepared.companions.iter().map(|c| c.1).collect::<Vec<_>>(),
        vec![CompanionKind::NetworkPorts]
    );
    prepared
        .draft()
        .plan(&TargetData::default(), &PlanOptions::default())
}

fn port<'a>(plan: &'a Plan, name: &str) -> Option<&'a PlannedObject> {
    plan.objects.iter().find(|o| {
        o.key.itemtype == GlpiType::NetworkPort
            && o.fields.get("name") == Some(&FieldValue::Text(name.into()))
    })
}

#[test]
fn optional_columns_are_read_by_name_and_measures_planned_as_numbers() {
    // The comment before the creation date, the speed before the MTU, in English.
    let ports = "item;type;number;port;instantiation;mac;network_name;ip_addresses;comment;speed;creation_date;mtu\r\n\
        SN-1;Computer;1;Ethernet;NetworkPortEthernet;A4:BB:6D:A0:1F:51;pc-1;10.73.10.20;Prise B12;1000000000;2024-03-01 08:00:00;1500\r\n\
        SN-1;Computer;2;Wi-Fi;NetworkPortWifi;f4:26:79:d8:b0:20;;;;;;\r\n\
        SN-1;Computer;3;Lent;NetworkPortEthernet;00:1b:54:2c:34:23;;;;rapide;;\r\n";
    let plan = plan(ports);
    let first = port(&plan, "Ethernet").expect("the first port is planned");
    assert!(matches!(first.decision, Decision::Create));
    let f = |k: &str| first.fields.get(k).cloned();
    assert_eq!(f("comment"), Some(FieldValue::Text("Prise B12".into())));
    assert_eq!(
        f("date_creation"),
        Some(FieldValue::Text("2024-03-01 08:00:00".into()))
    );
    assert_eq!(f("ifmtu"), Some(FieldValue::Number(1500)));
    assert_eq!(f("ifspeed"), Some(FieldValue::Number(1_000_000_000)));
    assert_eq!(f("mac"), Some(FieldValue::Text("a4:bb:6d:a0:1f:51".into())));
    for field in first.fields.keys() {
        assert!(GlpiType::NetworkPort.keeps(field), "{field}");
    }
    // Empty measures: nothing sent, GLPI keeps its 0.
    let wifi = port(&plan, "Wi-Fi").expect("the second port is planned");
    assert!(!wifi.fields.contains_key("ifmtu") && !wifi.fields.contains_key("ifspeed"));
    assert!(!wifi.fields.contains_key("comment"));
    // A speed that is not a number: the row is rejected with its column as the file names it
    // (this file is in English), nothing planned.
    assert!(port(&plan, "Lent").is_none());
    let rejected = plan.objects.iter().any(|o| {
        o.key.itemtype == GlpiType::NetworkPort
            && matches!(&o.decision, Decision::Rejected { rejection: Rejection::CompanionBadValue { column, value } }
                if column == "speed" && value == "rapide")
    });
    assert!(
        rejected,
        "{:#?}",
        plan.objects
            .iter()
            .map(|o| (&o.key, &o.decision))
            .collect::<Vec<_>>()
    );
}
