//! Any bytes as an HR directory file (seed 004), with the samples' reference exports: the
//! directory's check, the page's check with the directory rules and, when the check allows it,
//! the plan never panic. Seeded with the samples, from `engine/`: `cargo fuzz run directory
//! fuzz/corpus/directory ../../shared/samples/directory`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use passerelle_engine::check::{check_files, CheckOptions, DirectoryContext};
use passerelle_engine::directory::apply::{
    plan_directory, DirectoryMapping, DirectoryTarget, PlanInput,
};
use passerelle_engine::directory::rights::RightsRule;
use passerelle_engine::directory::{validate, Importer, References};
use std::sync::LazyLock;

const EXISTING: &[u8] =
    include_bytes!("../../../../shared/samples/directory/reference/annuaire-export.tsv");

static REFERENCES: LazyLock<References> = LazyLock::new(|| {
    References::from_exports(
        include_bytes!("../../../../shared/samples/directory/reference/profils.tsv"),
        include_bytes!("../../../../shared/samples/directory/reference/privileges.tsv"),
        include_bytes!("../../../../shared/samples/directory/reference/services.tsv"),
        EXISTING,
    )
    .expect("the samples' reference exports")
});

fuzz_target!(|data: &[u8]| {
    let importer = Importer {
        serv_niv1: "Préfecture de Guyane".into(),
    };
    let report = validate("annuaire.tsv", data, &REFERENCES, &importer);
    let options = CheckOptions {
        directory: Some(DirectoryContext {
            references: REFERENCES.clone(),
            importer: importer.clone(),
        }),
        ..CheckOptions::default()
    };
    let _ = check_files(&[("annuaire.tsv".to_string(), data.to_vec())], &options);
    if report.phase_one_ok {
        let _ = plan_directory(
            &PlanInput {
                file: "annuaire.tsv",
                bytes: data,
                report: &report,
                refs: &REFERENCES,
                reference_export: EXISTING,
                importer: &importer,
                entity: 1,
                rights: &RightsRule::above_all(),
            },
            &DirectoryTarget::default(),
            &DirectoryMapping::default(),
        );
    }
});
