//! Texts of the HR directory part of the page (the reference panel's banner and the import
//! section), French first, English second (kept apart from `i18n.rs` so this part of the page
//! reviews as one file).

use crate::i18n::Lang;

/// One text of the HR directory part of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum T {
    PhaseOneFailed,
    PhaseOneFailedHelp,
    RefsNeeded,
    Heading,
    Intro,
    NoFile,
    FileLabel,
    PreviewHeading,
    PreviewFromCheck,
    PreviewFromPlan,
    Line,
    Action,
    GlpiLogin,
    Changes,
    Messages,
    KindCreate,
    KindModify,
    KindDelete,
    KindAlreadyDone,
    KindRejected,
    KindPreview,
    MappingHeading,
    Civilite,
    Fonction,
    TargetTitle,
    TargetCategory,
    TargetIgnore,
    KeyField,
    KeySync,
    KeyRegistration,
    MissionsGroup,
    ProfilesHeading,
    GlpiProfile,
    Recursive,
    FixedRows,
    SaveMapping,
    ImportMapping,
    ConnectHeading,
    Token,
    Connect,
    ConnectedAs,
    Entity,
    PlanButton,
    RunButton,
    Resume,
    RunClean,
    RunWithErrors,
    DownloadErrors,
    Undo,
    Undone,
    Removed,
    Restored,
    Failed,
    Connecting,
    Planning,
    Running,
    Undoing,
    CountCreate,
    CountModify,
    CountDelete,
    CountAlready,
    CountRejected,
    RunBlocked,
}

impl T {
    /// The text in `lang`.
    pub fn in_lang(self, lang: Lang) -> &'static str {
        let (fr, en) = self.texts();
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    fn texts(self) -> (&'static str, &'static str) {
        match self {
            T::PhaseOneFailed => (
                "phase 1 en échec : rien ne sera importé",
                "phase 1 failed: nothing will be imported",
            ),
            T::PhaseOneFailedHelp => (
                "Corrigez l'en-tête, le nombre de colonnes, les modes ou les valeurs de référence signalés comme bloquants, puis déposez le fichier à nouveau.",
                "Fix the header, column counts, modes or reference values reported as blocking, then drop the file again.",
            ),
            T::RefsNeeded => (
                "Un fichier d'annuaire attend ses exports de référence et votre service de niveau 1 : ils se donnent ici.",
                "A directory file needs its reference exports and your level-1 service: give them here.",
            ),
            T::Heading => ("Import de l'annuaire RH dans GLPI", "HR directory import into GLPI"),
            T::Intro => ("Un fichier d'annuaire vérifié ci-dessus est appliqué aux utilisateurs du GLPI national : aperçu ligne par ligne, correspondance modifiable, import par le proxy, fichier erreur et annulation.", "A directory file checked above is carried out on the national GLPI's users: line-by-line preview, editable mapping, import through the proxy, error file and undo."),
            T::NoFile => ("Déposez un fichier d'annuaire dans la vérification ci-dessus, avec ses quatre exports de référence et votre service de niveau 1.", "Drop a directory file in the check above, with its four reference exports and your level-1 service."),
            T::FileLabel => ("Fichier", "File"),
            T::PreviewHeading => ("Aperçu de la phase 2, ligne par ligne", "Phase-2 preview, line by line"),
            T::PreviewFromCheck => ("Ce que prévoit la vérification. Connectez-vous et préparez le plan pour voir ce qui change sur chaque utilisateur GLPI.", "What the check foresees. Connect and prepare the plan to see what changes on each GLPI user."),
            T::PreviewFromPlan => ("Ce que le plan fera sur la cible (rien n'est encore écrit).", "What the plan will do on the target (nothing written yet)."),
            T::Line => ("Ligne", "Line"),
            T::Action => ("Action", "Action"),
            T::GlpiLogin => ("Identifiant GLPI", "GLPI login"),
            T::Changes => ("Ce qui change", "What changes"),
            T::Messages => ("Messages", "Messages"),
            T::KindCreate => ("création", "create"),
            T::KindModify => ("modification", "modify"),
            T::KindDelete => ("suppression (corbeille)", "delete (trash)"),
            T::KindAlreadyDone => ("déjà fait, rien à écrire", "already done, nothing to write"),
            T::KindRejected => ("rejetée", "rejected"),
            T::KindPreview => ("non importée (phase 1 en échec), sinon :", "not imported (phase 1 failed), otherwise:"),
            T::MappingHeading => ("Correspondance avec les utilisateurs GLPI", "Mapping onto GLPI users"),
            T::Civilite => ("CIVILITE va dans", "CIVILITE goes to"),
            T::Fonction => ("FONCTION va dans", "FONCTION goes to"),
            T::TargetTitle => ("le titre de l'utilisateur", "the user's title"),
            T::TargetCategory => ("la catégorie de l'utilisateur", "the user's category"),
            T::TargetIgnore => ("nulle part (non transférée)", "nowhere (not carried)"),
            T::KeyField => ("CLE est gardée dans", "CLE is kept in"),
            T::KeySync => ("le champ de synchronisation", "the synchronisation field"),
            T::KeyRegistration => ("le matricule", "the registration number"),
            T::MissionsGroup => ("Groupe parent des missions", "Parent group of the missions"),
            T::ProfilesHeading => ("Table de correspondance PROFIL et PRIV", "PROFIL and PRIV correspondence table"),
            T::GlpiProfile => ("Profil GLPI", "GLPI profile"),
            T::Recursive => ("Habilitation récursive (sous-entités comprises)", "Recursive authorization (sub-entities included)"),
            T::FixedRows => ("Colonnes à destination fixe", "Columns with a fixed destination"),
            T::SaveMapping => ("Enregistrer comme modèle", "Save as a template"),
            T::ImportMapping => ("Importer un modèle", "Import a template"),
            T::ConnectHeading => ("Connexion au GLPI national", "Connection to the national GLPI"),
            T::Token => ("Jeton d'API personnel (Préférences de votre compte GLPI, « Clé d'accès distant »)", "Personal API token (your GLPI account's Settings, \"Remote access key\")"),
            T::Connect => ("Se connecter", "Connect"),
            T::ConnectedAs => ("Connecté : ", "Connected: "),
            T::Entity => ("Entité des utilisateurs", "Users' entity"),
            T::PlanButton => ("Préparer le plan (rien n'est écrit)", "Prepare the plan (nothing is written)"),
            T::RunButton => ("Importer dans GLPI", "Import into GLPI"),
            T::Resume => ("Reprendre l'import interrompu (rien ne sera créé deux fois)", "Resume the interrupted import (nothing will be created twice)"),
            T::RunClean => ("Import terminé : toutes les lignes acceptées sont appliquées.", "Import finished: every accepted line is applied."),
            T::RunWithErrors => ("Import terminé avec des objets refusés ou en échec : voir le fichier erreur.", "Import finished with refused or failed objects: see the error file."),
            T::DownloadErrors => ("Télécharger le fichier erreur", "Download the error file"),
            T::Undo => ("Annuler l'import", "Undo the import"),
            T::Undone => ("Import annulé. Utilisateurs et objets supprimés ou restaurés :", "Import undone. Users and objects removed or restored:"),
            T::Removed => ("supprimés", "removed"),
            T::Restored => ("restaurés", "restored"),
            T::Failed => ("en échec", "failed"),
            T::Connecting => ("Connexion…", "Connecting…"),
            T::Planning => ("Lecture de la cible et préparation du plan…", "Reading the target and preparing the plan…"),
            T::Running => ("Import en cours…", "Import running…"),
            T::Undoing => ("Annulation en cours…", "Undoing…"),
            T::CountCreate => ("créations", "creations"),
            T::CountModify => ("modifications", "modifications"),
            T::CountDelete => ("suppressions", "deletions"),
            T::CountAlready => ("déjà faites", "already done"),
            T::CountRejected => ("lignes rejetées", "rejected lines"),
            T::RunBlocked => ("L'import est bloqué tant que la phase 1 est en échec.", "The import is blocked while phase 1 fails."),
        }
    }
}

/// Every text (for the test that each has both languages).
#[cfg(test)]
const ALL: &[T] = &[
    T::PhaseOneFailed,
    T::PhaseOneFailedHelp,
    T::RefsNeeded,
    T::Heading,
    T::Intro,
    T::NoFile,
    T::FileLabel,
    T::PreviewHeading,
    T::PreviewFromCheck,
    T::PreviewFromPlan,
    T::Line,
    T::Action,
    T::GlpiLogin,
    T::Changes,
    T::Messages,
    T::KindCreate,
    T::KindModify,
    T::KindDelete,
    T::KindAlreadyDone,
    T::KindRejected,
    T::KindPreview,
    T::MappingHeading,
    T::Civilite,
    T::Fonction,
    T::TargetTitle,
    T::TargetCategory,
    T::TargetIgnore,
    T::KeyField,
    T::KeySync,
    T::KeyRegistration,
    T::MissionsGroup,
    T::ProfilesHeading,
    T::GlpiProfile,
    T::Recursive,
    T::FixedRows,
    T::SaveMapping,
    T::ImportMapping,
    T::ConnectHeading,
    T::Token,
    T::Connect,
    T::ConnectedAs,
    T::Entity,
    T::PlanButton,
    T::RunButton,
    T::Resume,
    T::RunClean,
    T::RunWithErrors,
    T::DownloadErrors,
    T::Undo,
    T::Undone,
    T::Removed,
    T::Restored,
    T::Failed,
    T::Connecting,
    T::Planning,
    T::Running,
    T::Undoing,
    T::CountCreate,
    T::CountModify,
    T::CountDelete,
    T::CountAlready,
    T::CountRejected,
    T::RunBlocked,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_has_both_languages() {
        for t in ALL {
            let (fr, en) = t.texts();
            assert!(!fr.is_empty() && !en.is_empty(), "{t:?}");
            // Words that are the same in both languages.
            let same = ["Action", "Messages", "modifications"];
            assert!(fr != en || same.contains(&fr), "{t:?} is not translated");
        }
    }
}
