//! An operating system's kernel (`Linux`) belongs to its kernel version (`6.1.0-18-amd64`) in
//! GLPI, not to the asset's OS link: a kernel version the plan creates is created with its
//! kernel, found on the target or created before it, and only the target's kernels are read for
//! that.

use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::inputs::Prepared;
use passerelle_engine::migrate::model::{Decision, FieldValue, PlannedObject};
use passerelle_engine::migrate::plan::{Plan, PlanOptions, TargetData};
use passerelle_engine::read::ReadOptions;
use serde_json::json;

const COMPUTERS: &str = "\"Nom\";\"Entité\";\"Numéro de série\";\
    \"Système d'exploitation - Nom\";\"Système d'exploitation - Version du noyau\";\
    \"Système d'exploitation - Noyau\"\r\n\
    \"PC-1\";\"Root Entity > Préfecture de Guyane\";\"SN-1\";\"Debian\";\"6.1.0-18-amd64\";\"Linux\"\r\n\
    \"PC-2\";\"Root Entity > Préfecture de Guyane\";\"SN-2\";\"Debian\";\"6.1.0-18-amd64\";\"Linux\"\r\n\
    \"PC-3\";\"Root Entity > Préfecture de Guyane\";\"SN-3\";\"Windows\";\"10.0.19045\";\"\"\r\n";

fn draft() -> passerelle_engine::migrate::plan::Draft {
    let files = vec![("Computer.csv".to_string(), COMPUTERS.as_bytes().to_vec())];
    Prepared::from_files(&files, &ReadOptions::default()).draft()
}

fn named<'a>(plan: &'a Plan, itemtype: GlpiType, name: &str) -> Vec<&'a PlannedObject> {
    plan.objects
        .iter()
        .filter(|o| {
            o.key.itemtype == itemtype
                && o.fields.get("name") == Some(&FieldValue::Text(name.into()))
        })
        .collect()
}

#[test]
fn a_created_kernel_version_is_created_with_its_kernel() {
    let draft = draft();
    assert!(draft
        .needed_types()
        .contains(&GlpiType::OperatingSystemKernel));
    let plan = draft.plan(&TargetData::default(), &PlanOptions::default());
    let kernels = named(&plan, GlpiType::OperatingSystemKernel, "Linux");
    assert_eq!(kernels.len(), 1, "one kernel for the two rows");
    assert!(matches!(kernels[0].decision, Decision::Create));
    let version = named(
        &plan,
        GlpiType::OperatingSystemKernelVersion,
        "6.1.0-18-amd64",
    );
    assert_eq!(version.len(), 1);
    assert_eq!(
        version[0].fields.get("operatingsystemkernels_id"),
        Some(&FieldValue::Ref(kernels[0].key.clone()))
    );
    // Created after its kernel.
    let position = |o: &PlannedObject| plan.objects.iter().position(|p| p.key == o.key);
    assert!(position(kernels[0]) < position(version[0]));
    // A version whose kernel no row names is created without one.
    let windows = named(&plan, GlpiType::OperatingSystemKernelVersion, "10.0.19045");
    assert_eq!(windows.len(), 1);
    assert!(!windows[0].fields.contains_key("operatingsystemkernels_id"));
    // The OS link names the version; the kernel is never a field of the link.
    for o in plan
        .objects
        .iter()
        .filter(|o| o.key.itemtype == GlpiType::ItemOperatingSystem)
    {
        assert!(o.fields.contains_key("operatingsystemkernelversions_id"));
        for field in o.fields.keys() {
            assert!(GlpiType::ItemOperatingSystem.keeps(field), "{field}");
        }
    }
    for field in version[0].fields.keys() {
        assert!(
            GlpiType::OperatingSystemKernelVersion.keeps(field),
            "{field}"
        );
    }
}

#[test]
fn the_targets_kernel_is_used_when_it_has_one() {
    let mut target = TargetData::default();
    target.items.insert(
        GlpiType::OperatingSystemKernel,
        vec![json!({"id": 7, "name": "Linux"})
            .as_object()
            .unwrap()
            .clone()],
    );
    let plan = draft().plan(&target, &PlanOptions::default());
    assert!(named(&plan, GlpiType::OperatingSystemKernel, "Linux").is_empty());
    let version = named(
        &plan,
        GlpiType::OperatingSystemKernelVersion,
        "6.1.0-18-amd64",
    );
    assert_eq!(
        version[0].fields.get("operatingsystemkernels_id"),
        Some(&FieldValue::Id(7))
    );
}

/// A kernel GLPI cannot keep (no kernel version on its row), or a second kernel for one
/// version, is a warning on the asset's row, never dropped unseen.
#[test]
fn a_kernel_that_cannot_be_kept_is_a_warning_on_its_asset() {
    let computers = "\"Nom\";\"Entité\";\"Numéro de série\";\
        \"Système d'exploitation - Version du noyau\";\"Système d'exploitation - Noyau\"\r\n\
        \"PC-1\";\"Root Entity > Préfecture de Guyane\";\"SN-1\";\"6.1.0-18-amd64\";\"Linux\"\r\n\
        \"PC-2\";\"Root Entity > Préfecture de Guyane\";\"SN-2\";\"6.1.0-18-amd64\";\"FreeBSD\"\r\n\
        \"PC-3\";\"Root Entity > Préfecture de Guyane\";\"SN-3\";\"\";\"Linux\"\r\n";
    let files = vec![("Computer.csv".to_string(), computers.as_bytes().to_vec())];
    let plan = Prepared::from_files(&files, &ReadOptions::default())
        .draft()
        .plan(&TargetData::default(), &PlanOptions::default());
    let warnings = |name: &str| -> Vec<String> {
        named(&plan, GlpiType::Computer, name)
            .iter()
            .flat_map(|o| o.warnings.clone())
            .collect()
    };
    assert!(warnings("PC-1").is_empty(), "{:?}", warnings("PC-1"));
    let second = warnings("PC-2");
    assert!(
        second
            .iter()
            .any(|w| w.contains("FreeBSD") && w.contains("Linux")),
        "{second:?}"
    );
    let without = warnings("PC-3");
    assert!(
        without
            .iter()
            .any(|w| w.contains("Linux") && w.contains("sans version de noyau")),
        "{without:?}"
    );
    // The first row's kernel is the version's.
    let version = named(
        &plan,
        GlpiType::OperatingSystemKernelVersion,
        "6.1.0-18-amd64",
    );
    let linux = named(&plan, GlpiType::OperatingSystemKernel, "Linux");
    assert_eq!(
        version[0].fields.get("operatingsystemkernels_id"),
        Some(&FieldValue::Ref(linux[0].key.clone()))
    );
    assert!(named(&plan, GlpiType::OperatingSystemKernel, "FreeBSD").is_empty());
}
