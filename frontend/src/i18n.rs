//! Every text the page shows, in French (default) and English.
//!
//! Texts live in one place so a translator reviews a single file, and so a test can check that
//! no key is left untranslated.

use crate::api::NotReadyReason;

/// The page's language is the engine's: one type from the engine's messages to the page's texts.
pub use passerelle_engine::diagnostic::Lang;

/// The page's texts in a language.
pub trait Translate {
    /// The text for `key`.
    fn t(self, key: Key) -> &'static str;
}

impl Translate for Lang {
    fn t(self, key: Key) -> &'static str {
        let (fr, en) = texts(key);
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// Identifies one text of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// Product name in the header.
    Title,
    /// One line under the title saying what the product does.
    Subtitle,
    /// Accessible label of the language switch.
    LanguageSwitch,
    /// The language's own name, in itself ("Français", "English").
    LanguageName,
    /// Accessible label of the skip links.
    SkipLinks,
    /// Skip link to the main content.
    SkipToContent,
    /// Skip link to the steps of the migration.
    SkipToSteps,
    /// First line of the State's brand block (always French).
    LogoRepublic,
    /// Second line of the State's brand block (always French).
    LogoFrench,
    /// The page's one h1.
    PageHeading,
    /// What Passerelle is, in the footer.
    FooterAbout,
    /// Accessibility statement line in the footer.
    FooterAccessibility,
    /// Step 1's title.
    StepFiles,
    /// Step 2's title.
    StepCheck,
    /// Step 3's title.
    StepConnect,
    /// Step 4's title.
    StepPlan,
    /// Step 5's title.
    StepRun,
    /// Step 6's title.
    StepVerify,
    /// What to do at step 1.
    HintFiles,
    /// What to do at step 2.
    HintCheck,
    /// What to do at step 3.
    HintConnect,
    /// What to do at step 4.
    HintPlan,
    /// What to do at step 5.
    HintRun,
    /// What to do at step 6.
    HintVerify,
    /// Before a step's number.
    StepWord,
    /// Between a step's number and the number of steps.
    StepOf,
    /// Before the next step's title.
    NextStep,
    /// Shown at the last step instead of the next one.
    LastStep,
    /// Link to the part of the page where the current step is done.
    GoToStep,
    /// Stepper note once the migration was read back.
    NoteVerified,
    /// Stepper note once the migration was undone.
    NoteUndone,
    /// Heading of the status panel.
    StatusHeading,
    /// Label before the proxy state.
    ProxyLabel,
    /// Proxy state while the first request is in flight.
    ProxyChecking,
    /// The proxy answered `/info`.
    ProxyReachable,
    /// The proxy did not answer `/info`.
    ProxyUnreachable,
    /// Hint shown when the proxy is unreachable.
    ProxyUnreachableHelp,
    /// Label before the proxy version.
    VersionLabel,
    /// Label before the GLPI API address.
    GlpiTargetLabel,
    /// Placeholder when the target is not known yet.
    Unknown,
    /// Badge shown when the target is a sandbox (test) GLPI.
    SandboxBadge,
    /// Badge shown when the target is the real (production) GLPI.
    ProductionBadge,
    /// Label before the GLPI readiness.
    GlpiReadyLabel,
    /// Readiness while its request is in flight.
    GlpiChecking,
    /// GLPI accepts the proxy.
    GlpiReady,
    /// GLPI refuses or does not answer the proxy.
    GlpiNotReady,
    /// Readiness unknown because the proxy did not answer `/readyz`.
    GlpiReadinessUnknown,
    /// Label before the raw message returned by the proxy.
    DetailLabel,
    /// Button that runs the checks again.
    Recheck,
    /// Explanation of [`NotReadyReason::IpRefused`].
    ReasonIpRefused,
    /// Explanation of [`NotReadyReason::AppTokenRefused`].
    ReasonAppTokenRefused,
    /// Explanation of [`NotReadyReason::Unreachable`].
    ReasonUnreachable,
    /// Explanation of [`NotReadyReason::Timeout`].
    ReasonTimeout,
    /// Explanation of [`NotReadyReason::ApiDisabled`].
    ReasonApiDisabled,
    /// Explanation of [`NotReadyReason::Unexpected`].
    ReasonUnexpected,
    /// Heading of the file check section.
    CheckHeading,
    /// What the check does, and that nothing is sent.
    CheckIntro,
    /// Text of the drop zone.
    DropHere,
    /// Label of the file picker.
    ChooseFiles,
    /// Shown while files are read and checked.
    Checking,
    /// Heading of the per-file summary.
    SummaryHeading,
    /// Column: file.
    ColFile,
    /// Column: detected item type.
    ColType,
    /// Column: encoding and delimiter.
    ColEncoding,
    /// Column: rows.
    ColRows,
    /// Column: valid rows.
    ColValid,
    /// Column: warnings.
    ColWarnings,
    /// Column: errors.
    ColErrors,
    /// Column: line.
    ColLine,
    /// Column: column.
    ColColumn,
    /// Column: value.
    ColValue,
    /// Column: severity.
    ColSeverity,
    /// Column: message.
    ColMessage,
    /// Heading of the problems table.
    ProblemsHeading,
    /// Label of the severity filter.
    FilterSeverity,
    /// Label of the column filter.
    FilterColumn,
    /// Label of the message filter.
    FilterText,
    /// Filter option: everything.
    All,
    /// Shown when nothing matches.
    NoProblems,
    /// Count of problems shown (a number follows).
    ProblemsShown,
    /// Button: diagnostics CSV.
    DownloadDiagnostics,
    /// Button: rejected rows of a file.
    DownloadRejected,
    /// Item type not recognised.
    UnknownType,
    /// Progress label while files are read.
    StageReading,
    /// Progress label while rows are checked.
    StageChecking,
    /// Accessible label of the per-file item type selector.
    TypeOverride,
    /// Accessible label of the per-file encoding selector.
    EncodingOverride,
    /// Selector option: as detected (the detected value follows).
    Auto,
    /// Accessible label of an editable value cell.
    CorrectValue,
    /// Heading of the HR directory references section.
    RefsHeading,
    /// What the references are for.
    RefsIntro,
    /// After a reference file name not dropped yet.
    RefMissing,
    /// A dropped file that is no reference export.
    RefUnknown,
    /// Label of the importer's service field.
    ServiceLabel,
    /// Example in the service field.
    ServicePlaceholder,
    /// Heading of a file's mapping editor (file name follows).
    MappingHeading,
    /// Mapping editor column: the file's column.
    ColHeader,
    /// Mapping editor column: GLPI field.
    ColField,
    /// Mapping editor column: confidence and method.
    ColConfidence,
    /// Mapping option: the column is not imported.
    Ignore,
    /// Match method: exact label.
    MethodExact,
    /// Match method: same label without accents or case.
    MethodNormalized,
    /// Match method: close label.
    MethodFuzzy,
    /// Match method: chosen by the user.
    MethodManual,
    /// Match method: not mapped.
    MethodUnmapped,
    /// Heading of constants and templates.
    ExtraHeading,
    /// Kind: a constant value.
    ExtraConstant,
    /// Kind: a template built from columns.
    ExtraTemplate,
    /// Button: add a constant or template.
    ExtraAdd,
    /// Button: remove a constant or template.
    ExtraRemove,
    /// Heading of the saved mapping templates.
    TemplatesHeading,
    /// Label of the template name field.
    TemplateName,
    /// Button: save the file's mapping as a template.
    TemplateSave,
    /// Before the name of the template applied to a file.
    TemplateApplied,
    /// No template saved.
    TemplatesNone,
    /// Button: export templates as JSON.
    TemplatesExport,
    /// Label of the JSON import picker.
    TemplatesImport,
    /// Button: delete a saved template.
    TemplateDelete,
    /// IndexedDB refused.
    TemplatesUnavailable,
}

impl Key {
    /// Every key, so tests can check each one has both translations.
    pub const ALL: [Key; 119] = [
        Key::Title,
        Key::Subtitle,
        Key::LanguageSwitch,
        Key::LanguageName,
        Key::SkipLinks,
        Key::SkipToContent,
        Key::SkipToSteps,
        Key::LogoRepublic,
        Key::LogoFrench,
        Key::PageHeading,
        Key::FooterAbout,
        Key::FooterAccessibility,
        Key::StepFiles,
        Key::StepCheck,
        Key::StepConnect,
        Key::StepPlan,
        Key::StepRun,
        Key::StepVerify,
        Key::HintFiles,
        Key::HintCheck,
        Key::HintConnect,
        Key::HintPlan,
        Key::HintRun,
        Key::HintVerify,
        Key::StepWord,
        Key::StepOf,
        Key::NextStep,
        Key::LastStep,
        Key::GoToStep,
        Key::NoteVerified,
        Key::NoteUndone,
        Key::StatusHeading,
        Key::ProxyLabel,
        Key::ProxyChecking,
        Key::ProxyReachable,
        Key::ProxyUnreachable,
        Key::ProxyUnreachableHelp,
        Key::VersionLabel,
        Key::GlpiTargetLabel,
        Key::Unknown,
        Key::SandboxBadge,
        Key::ProductionBadge,
        Key::GlpiReadyLabel,
        Key::GlpiChecking,
        Key::GlpiReady,
        Key::GlpiNotReady,
        Key::GlpiReadinessUnknown,
        Key::DetailLabel,
        Key::Recheck,
        Key::ReasonIpRefused,
        Key::ReasonAppTokenRefused,
        Key::ReasonUnreachable,
        Key::ReasonTimeout,
        Key::ReasonApiDisabled,
        Key::ReasonUnexpected,
        Key::CheckHeading,
        Key::CheckIntro,
        Key::DropHere,
        Key::ChooseFiles,
        Key::Checking,
        Key::SummaryHeading,
        Key::ColFile,
        Key::ColType,
        Key::ColEncoding,
        Key::ColRows,
        Key::ColValid,
        Key::ColWarnings,
        Key::ColErrors,
        Key::ColLine,
        Key::ColColumn,
        Key::ColValue,
        Key::ColSeverity,
        Key::ColMessage,
        Key::ProblemsHeading,
        Key::FilterSeverity,
        Key::FilterColumn,
        Key::FilterText,
        Key::All,
        Key::NoProblems,
        Key::ProblemsShown,
        Key::DownloadDiagnostics,
        Key::DownloadRejected,
        Key::UnknownType,
        Key::StageReading,
        Key::StageChecking,
        Key::TypeOverride,
        Key::EncodingOverride,
        Key::Auto,
        Key::CorrectValue,
        Key::RefsHeading,
        Key::RefsIntro,
        Key::RefMissing,
        Key::RefUnknown,
        Key::ServiceLabel,
        Key::ServicePlaceholder,
        Key::MappingHeading,
        Key::ColHeader,
        Key::ColField,
        Key::ColConfidence,
        Key::Ignore,
        Key::MethodExact,
        Key::MethodNormalized,
        Key::MethodFuzzy,
        Key::MethodManual,
        Key::MethodUnmapped,
        Key::ExtraHeading,
        Key::ExtraConstant,
        Key::ExtraTemplate,
        Key::ExtraAdd,
        Key::ExtraRemove,
        Key::TemplatesHeading,
        Key::TemplateName,
        Key::TemplateSave,
        Key::TemplateApplied,
        Key::TemplatesNone,
        Key::TemplatesExport,
        Key::TemplatesImport,
        Key::TemplateDelete,
        Key::TemplatesUnavailable,
    ];

    /// The explanation shown for a readiness failure reason.
    pub fn for_reason(reason: NotReadyReason) -> Key {
        match reason {
            NotReadyReason::IpRefused => Key::ReasonIpRefused,
            NotReadyReason::AppTokenRefused => Key::ReasonAppTokenRefused,
            NotReadyReason::Unreachable => Key::ReasonUnreachable,
            NotReadyReason::Timeout => Key::ReasonTimeout,
            NotReadyReason::ApiDisabled => Key::ReasonApiDisabled,
            NotReadyReason::Unexpected => Key::ReasonUnexpected,
        }
    }
}

/// (French, English) for each key.
fn texts(key: Key) -> (&'static str, &'static str) {
    match key {
        Key::Title => ("Passerelle", "Passerelle"),
        Key::Subtitle => (
            "Migration d'un GLPI local vers le GLPI national",
            "Migration from a local GLPI to the national GLPI",
        ),
        Key::LanguageSwitch => ("Langue", "Language"),
        Key::LanguageName => ("Français", "English"),
        Key::SkipLinks => ("Accès rapide", "Quick access"),
        Key::SkipToContent => ("Contenu", "Content"),
        Key::SkipToSteps => ("Étapes de la migration", "Steps of the migration"),
        // The State's brand block is French in both languages (its wording is fixed).
        Key::LogoRepublic => ("République", "République"),
        Key::LogoFrench => ("française", "française"),
        Key::PageHeading => (
            "Migrer le GLPI de la préfecture vers le GLPI national",
            "Migrate the prefecture's GLPI to the national GLPI",
        ),
        Key::StepFiles => ("Déposer les fichiers", "Drop the files"),
        Key::StepCheck => ("Vérifier et corriger", "Check and fix"),
        Key::StepConnect => ("Se connecter au GLPI national", "Connect to the national GLPI"),
        Key::StepPlan => ("Préparer le plan", "Prepare the plan"),
        Key::StepRun => ("Lancer la migration", "Run the migration"),
        Key::StepVerify => ("Vérifier la migration", "Verify the migration"),
        Key::HintFiles => (
            "Déposez les exports CSV de votre GLPI local : ils sont vérifiés dans ce navigateur, rien n'est envoyé.",
            "Drop the CSV exports of your local GLPI: they are checked in this browser, nothing is sent.",
        ),
        Key::HintCheck => (
            "Lisez les problèmes trouvés, corrigez les valeurs en place, retirez ou remplacez un fichier.",
            "Read the problems found, correct values in place, remove or replace a file.",
        ),
        Key::HintConnect => (
            "Connectez-vous au GLPI national avec votre jeton d'API personnel ou votre identifiant.",
            "Connect to the national GLPI with your personal API token or your login.",
        ),
        Key::HintPlan => (
            "Préparez le plan, décidez des valeurs absentes du GLPI national et relisez ce qui sera créé.",
            "Prepare the plan, decide about the values missing on the national GLPI and read what will be created.",
        ),
        Key::HintRun => (
            "La migration écrit dans le GLPI national : suivez sa progression, mettez-la en pause si besoin.",
            "The migration writes to the national GLPI: follow its progress, pause it if needed.",
        ),
        Key::HintVerify => (
            "Relisez tout ce qui a été écrit, champ par champ ; l'annulation reste possible.",
            "Read back everything written, field by field; undo stays available.",
        ),
        Key::StepWord => ("Étape", "Step"),
        Key::StepOf => ("sur", "of"),
        Key::NextStep => ("Étape suivante :", "Next step:"),
        Key::LastStep => (
            "C'est la dernière étape ; la migration peut encore être annulée.",
            "This is the last step; the migration can still be undone.",
        ),
        Key::GoToStep => ("Aller à cette étape", "Go to this step"),
        Key::NoteVerified => ("La migration a été relue.", "The migration was read back."),
        Key::NoteUndone => (
            "La migration a été annulée : le GLPI national est revenu à son état d'avant. Vous pouvez préparer un nouveau plan.",
            "The migration was undone: the national GLPI is back as it was. You can prepare a new plan.",
        ),
        Key::FooterAbout => (
            "Passerelle migre le GLPI d'une préfecture vers le GLPI national : les fichiers sont vérifiés dans ce navigateur, puis envoyés par l'API de GLPI, sans perte ni doublon.",
            "Passerelle migrates a prefecture's GLPI to the national GLPI: the files are checked in this browser, then sent through GLPI's API, without loss or duplicates.",
        ),
        Key::FooterAccessibility => (
            "Accessibilité : cette page vise la conformité au RGAA 4.1 (vérifiée par axe-core à chaque étape).",
            "Accessibility: this page aims at RGAA 4.1 conformance (checked by axe-core at every step).",
        ),
        Key::StatusHeading => ("État de la connexion", "Connection status"),
        Key::ProxyLabel => ("Proxy", "Proxy"),
        Key::ProxyChecking => ("Vérification du proxy…", "Checking the proxy…"),
        Key::ProxyReachable => ("Proxy joignable", "Proxy reachable"),
        Key::ProxyUnreachable => ("Proxy injoignable", "Proxy unreachable"),
        Key::ProxyUnreachableHelp => (
            "La page n'obtient pas de réponse du proxy Passerelle : vérifiez qu'il est démarré et que l'adresse de la page est celle du proxy.",
            "The page gets no answer from the Passerelle proxy: check that it is running and that the page is served by the proxy.",
        ),
        Key::VersionLabel => ("Version", "Version"),
        Key::GlpiTargetLabel => ("GLPI cible", "Target GLPI"),
        Key::Unknown => ("inconnu", "unknown"),
        Key::SandboxBadge => ("bac à sable", "sandbox"),
        Key::ProductionBadge => ("production", "production"),
        Key::GlpiReadyLabel => ("GLPI", "GLPI"),
        Key::GlpiChecking => ("Vérification de GLPI…", "Checking GLPI…"),
        Key::GlpiReady => (
            "GLPI prêt : le proxy est accepté",
            "GLPI ready: the proxy is accepted",
        ),
        Key::GlpiNotReady => ("GLPI non prêt", "GLPI not ready"),
        Key::GlpiReadinessUnknown => (
            "État de GLPI inconnu : le proxy n'a pas répondu",
            "GLPI status unknown: the proxy did not answer",
        ),
        Key::DetailLabel => ("Détail", "Detail"),
        Key::Recheck => ("Vérifier à nouveau", "Check again"),
        Key::ReasonIpRefused => (
            "GLPI refuse l'adresse IP du proxy : dans GLPI (Configuration > Générale > API), ajoutez l'adresse du proxy à la plage IPv4 d'un client API actif.",
            "GLPI refuses the proxy's IP address: in GLPI (Setup > General > API), add the proxy's address to the IPv4 range of an active API client.",
        ),
        Key::ReasonAppTokenRefused => (
            "GLPI refuse le jeton d'application (App-Token) du proxy : vérifiez que PASSERELLE_GLPI_APP_TOKEN correspond au client API déclaré dans GLPI.",
            "GLPI refuses the proxy's application token (App-Token): check that PASSERELLE_GLPI_APP_TOKEN matches the API client declared in GLPI.",
        ),
        Key::ReasonUnreachable => (
            "GLPI est injoignable depuis le proxy : vérifiez l'adresse de l'API (PASSERELLE_GLPI_API_URL), le DNS et le pare-feu.",
            "GLPI cannot be reached from the proxy: check the API address (PASSERELLE_GLPI_API_URL), DNS and firewall.",
        ),
        Key::ReasonTimeout => (
            "GLPI ne répond pas à temps : le serveur est peut-être surchargé, ou un pare-feu retient la connexion.",
            "GLPI does not answer in time: the server may be overloaded, or a firewall holds the connection.",
        ),
        Key::ReasonApiDisabled => (
            "L'API REST est désactivée dans GLPI : activez-la dans Configuration > Générale > API.",
            "The REST API is disabled in GLPI: enable it in Setup > General > API.",
        ),
        Key::ReasonUnexpected => (
            "GLPI a renvoyé une réponse inattendue : consultez le détail ci-dessous et le journal du proxy.",
            "GLPI sent an unexpected answer: see the detail below and the proxy's log.",
        ),
        Key::CheckHeading => ("Vérifier des fichiers", "Check files"),
        Key::CheckIntro => ("Déposez les exports CSV du GLPI local et les fichiers d'annuaire : ils sont lus et vérifiés dans ce navigateur, rien n'est envoyé.", "Drop the local GLPI's CSV exports and directory files: they are read and checked in this browser, nothing is sent."),
        Key::DropHere => ("Déposez des fichiers ici ou", "Drop files here or"),
        Key::ChooseFiles => ("choisissez-les", "choose them"),
        Key::Checking => ("Lecture et vérification…", "Reading and checking…"),
        Key::SummaryHeading => ("Résumé par fichier", "Summary per file"),
        Key::ColFile => ("Fichier", "File"),
        Key::ColType => ("Type", "Type"),
        Key::ColEncoding => ("Encodage", "Encoding"),
        Key::ColRows => ("Lignes", "Rows"),
        Key::ColValid => ("Valides", "Valid"),
        Key::ColWarnings => ("Avertissements", "Warnings"),
        Key::ColErrors => ("Erreurs", "Errors"),
        Key::ColLine => ("Ligne", "Line"),
        Key::ColColumn => ("Colonne", "Column"),
        Key::ColValue => ("Valeur", "Value"),
        Key::ColSeverity => ("Gravité", "Severity"),
        Key::ColMessage => ("Message", "Message"),
        Key::ProblemsHeading => ("Problèmes", "Problems"),
        Key::FilterSeverity => ("Gravité", "Severity"),
        Key::FilterColumn => ("Colonne", "Column"),
        Key::FilterText => ("Rechercher", "Search"),
        Key::All => ("Toutes", "All"),
        Key::NoProblems => ("Aucun problème.", "No problem."),
        Key::ProblemsShown => ("Problèmes affichés :", "Problems shown:"),
        Key::DownloadDiagnostics => ("Télécharger le diagnostic (CSV)", "Download the diagnostics (CSV)"),
        Key::DownloadRejected => ("Lignes rejetées", "Rejected rows"),
        Key::UnknownType => ("non reconnu", "not recognised"),
        Key::StageReading => ("Lecture", "Reading"),
        Key::StageChecking => ("Vérification", "Checking"),
        Key::TypeOverride => ("Type d'objet de ce fichier", "Item type of this file"),
        Key::EncodingOverride => ("Encodage de ce fichier", "Encoding of this file"),
        Key::Auto => ("auto", "auto"),
        Key::CorrectValue => ("Corriger la valeur (Entrée pour valider)", "Correct the value (Enter to apply)"),
        Key::RefsHeading => ("Annuaire RH : exports de référence et service de l'importateur", "HR directory: reference exports and importer's service"),
        Key::RefsIntro => ("Pour vérifier un fichier d'annuaire, déposez les quatre exports de référence (profils, privilèges, services, annuaire existant) et indiquez votre service de niveau 1.", "To check a directory file, drop the four reference exports (profiles, privileges, services, existing directory) and give your level-1 service."),
        Key::RefMissing => ("(manquant)", "(missing)"),
        Key::RefUnknown => ("pas un export de référence (profils, privilèges, services, annuaire)", "not a reference export (profiles, privileges, services, directory)"),
        Key::ServiceLabel => ("Service de niveau 1 de l'importateur (SERV_NIV1)", "Importer's level-1 service (SERV_NIV1)"),
        Key::ServicePlaceholder => ("ex. Préfecture de Guyane", "e.g. Préfecture de Guyane"),
        Key::MappingHeading => ("Correspondance des colonnes :", "Column mapping:"),
        Key::ColHeader => ("Colonne du fichier", "File column"),
        Key::ColField => ("Champ GLPI", "GLPI field"),
        Key::ColConfidence => ("Confiance", "Confidence"),
        Key::Ignore => ("ignorer", "ignore"),
        Key::MethodExact => ("exact", "exact"),
        Key::MethodNormalized => ("sans accents ni casse", "accent- and case-insensitive"),
        Key::MethodFuzzy => ("approché", "fuzzy"),
        Key::MethodManual => ("choisi", "chosen"),
        Key::MethodUnmapped => ("non rapproché", "not matched"),
        Key::ExtraHeading => ("Valeurs constantes et modèles (%colonne%)", "Constant values and templates (%column%)"),
        Key::ExtraConstant => ("constante", "constant"),
        Key::ExtraTemplate => ("modèle", "template"),
        Key::ExtraAdd => ("Ajouter", "Add"),
        Key::ExtraRemove => ("Retirer", "Remove"),
        Key::TemplatesHeading => ("Modèles de correspondance enregistrés", "Saved mapping templates"),
        Key::TemplateName => ("Nom du modèle", "Template name"),
        Key::TemplateSave => ("Enregistrer comme modèle", "Save as template"),
        Key::TemplateApplied => ("Modèle appliqué :", "Template applied:"),
        Key::TemplatesNone => ("Aucun modèle enregistré.", "No saved template."),
        Key::TemplatesExport => ("Exporter les modèles (JSON)", "Export templates (JSON)"),
        Key::TemplatesImport => ("Importer des modèles (JSON)", "Import templates (JSON)"),
        Key::TemplateDelete => ("Supprimer", "Delete"),
        Key::TemplatesUnavailable => ("Les modèles ne peuvent pas être enregistrés dans ce navigateur (IndexedDB indisponible).", "Templates cannot be saved in this browser (IndexedDB unavailable)."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_key_has_a_french_and_an_english_text() {
        for key in Key::ALL {
            assert!(
                !Lang::Fr.t(key).trim().is_empty(),
                "{key:?} has no French text"
            );
            assert!(
                !Lang::En.t(key).trim().is_empty(),
                "{key:?} has no English text"
            );
        }
    }

    #[test]
    fn key_list_has_no_duplicates() {
        let set: HashSet<Key> = Key::ALL.into_iter().collect();
        assert_eq!(set.len(), Key::ALL.len());
    }

    #[test]
    fn sentences_are_really_translated() {
        // Short labels may coincide ("Version"); whole sentences must not.
        for key in [
            Key::Subtitle,
            Key::ProxyReachable,
            Key::ProxyUnreachable,
            Key::SandboxBadge,
            Key::GlpiReady,
            Key::ReasonUnreachable,
            Key::ReasonIpRefused,
        ] {
            assert_ne!(Lang::Fr.t(key), Lang::En.t(key), "{key:?}");
        }
    }

    #[test]
    fn required_wording() {
        assert_eq!(
            Lang::Fr.t(Key::Subtitle),
            "Migration d'un GLPI local vers le GLPI national"
        );
        assert_eq!(Lang::Fr.t(Key::ProxyReachable), "Proxy joignable");
        assert_eq!(Lang::Fr.t(Key::ProxyUnreachable), "Proxy injoignable");
        assert_eq!(Lang::Fr.t(Key::SandboxBadge), "bac à sable");
        assert_eq!(Lang::En.t(Key::SandboxBadge), "sandbox");
    }

    #[test]
    fn each_reason_has_its_own_explanation() {
        let explanations: HashSet<&str> = NotReadyReason::ALL
            .into_iter()
            .map(|r| Lang::Fr.t(Key::for_reason(r)))
            .collect();
        assert_eq!(explanations.len(), NotReadyReason::ALL.len());
    }

    #[test]
    fn language_codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code(" EN "), Some(Lang::En));
        assert_eq!(Lang::from_code("de"), None);
        assert_eq!(Lang::from_code(""), None);
        assert_eq!(Lang::default(), Lang::Fr);
    }
}
