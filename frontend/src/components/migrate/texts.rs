//! Texts of the migration part of the page, French first, English second (kept apart from
//! `i18n.rs` so each part of the page reviews as one file).

use crate::i18n::Lang;

/// One text of the migration panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum T {
    Heading,
    Intro,
    ConnectHeading,
    ModeToken,
    ModePassword,
    Token,
    Login,
    Password,
    Connect,
    Connecting,
    Connected,
    GlpiVersion,
    Profile,
    Entity,
    Apply,
    FilesHeading,
    FilesHelp,
    Templates,
    OptionsHeading,
    CreateDropdowns,
    NeverOverwrite,
    AssetKey,
    KeySerialThenName,
    KeyName,
    KeyInventory,
    PlanButton,
    Planning,
    PlanHeading,
    ItemType,
    Total,
    Unmatched,
    Rows,
    Choice,
    ChoiceCreate,
    ChoiceEmpty,
    ChoiceMap,
    Entities,
    SourceEntity,
    TargetEntity,
    NotCarried,
    Columns,
    Column,
    Destination,
    Values,
    RowByRow,
    Requests,
    RunButton,
    MissingRights,
    Running,
    Paused,
    Finished,
    Cancelled,
    Pause,
    Resume,
    Cancel,
    ItemsPerSecond,
    TimeLeft,
    BatchSize,
    Calls,
    ErrorsByCode,
    Throughput,
    JournalCsv,
    JournalJson,
    Verify,
    VerifyClean,
    VerifyDifferences,
    Undo,
    UndoConfirm,
    UndoConfirmYes,
    UndoDone,
    Interrupted,
    ResumeRun,
    Forget,
    Failures,
    ShowCurl,
    NoFiles,
    LoginFirst,
    UseChecked,
    Line,
    RunningElsewhere,
    WatchProgress,
    UndoneStatus,
    Verifying,
    Undoing,
    RunConfirmTitle,
    RunConfirmIntro,
    RunConfirmYes,
    UndoConfirmTitle,
    TargetGlpi,
    TargetEntityName,
    Back,
    Progress,
    ChartTime,
    ChartRate,
    Dashboard,
    Retries,
    Relogins,
    NothingWritten,
    KeyOther,
    CreateAll,
    EmptyAll,
    MissingValue,
    ChoiceExisting,
    UnmatchedHelp,
    KeptHeading,
    ExportKept,
    PurgeNow,
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
            T::Heading => ("Migration vers le GLPI national", "Migration to the national GLPI"),
            T::Intro => ("Connexion, plan, simulation, exécution, reprise, annulation et vérification. Le jeton d'application reste dans le proxy.", "Connect, plan, dry-run, run, resume, undo and verify. The App-Token stays in the proxy."),
            T::ConnectHeading => ("1. Connexion", "1. Connect"),
            T::ModeToken => ("Jeton personnel", "Personal token"),
            T::ModePassword => ("Identifiant et mot de passe", "Login and password"),
            T::Token => ("Jeton d'API personnel", "Personal API token"),
            T::Login => ("Identifiant", "Login"),
            T::Password => ("Mot de passe", "Password"),
            T::Connect => ("Se connecter", "Connect"),
            T::Connecting => ("Connexion…", "Connecting…"),
            T::Connected => ("Connecté", "Connected"),
            T::GlpiVersion => ("Version de GLPI", "GLPI version"),
            T::Profile => ("Profil", "Profile"),
            T::Entity => ("Entité cible", "Target entity"),
            T::Apply => ("Appliquer", "Apply"),
            T::FilesHeading => ("2. Fichiers à migrer", "2. Files to migrate"),
            T::FilesHelp => ("Exports GLPI vérifiés et fichiers compagnons (liaisons, installations).", "Checked GLPI exports and companion files (connections, installations)."),
            T::Templates => ("Modèles des fichiers compagnons :", "Companion file templates:"),
            T::OptionsHeading => ("3. Options", "3. Options"),
            T::CreateDropdowns => ("Créer les valeurs d'intitulés absentes de la cible", "Create dropdown values missing on the target"),
            T::NeverOverwrite => ("Ne jamais remplacer une valeur non vide de la cible", "Never replace a non-empty target value"),
            T::AssetKey => ("Clé de rapprochement des matériels", "Asset reconciliation key"),
            T::KeySerialThenName => ("numéro de série, puis nom", "serial number, then name"),
            T::KeyName => ("nom", "name"),
            T::KeyInventory => ("numéro d'inventaire, puis numéro de série", "inventory number, then serial number"),
            T::PlanButton => ("Préparer le plan (simulation, rien n'est écrit)", "Prepare the plan (dry-run, nothing written)"),
            T::Planning => ("Lecture de la cible et préparation du plan…", "Reading the target and preparing the plan…"),
            T::PlanHeading => ("4. Plan", "4. Plan"),
            T::ItemType => ("Type", "Type"),
            T::Total => ("Total", "Total"),
            T::Unmatched => ("Valeurs absentes de la cible", "Values missing on the target"),
            T::Rows => ("lignes", "rows"),
            T::Choice => ("Décision", "Decision"),
            T::ChoiceCreate => ("créer", "create"),
            T::ChoiceEmpty => ("laisser vide", "leave empty"),
            T::ChoiceMap => ("id existant :", "existing id:"),
            T::Entities => ("Entités", "Entities"),
            T::SourceEntity => ("Entité source", "Source entity"),
            T::TargetEntity => ("Entité cible", "Target entity"),
            T::NotCarried => ("Ce que ces fichiers ne peuvent pas transporter", "What these files cannot carry"),
            T::Columns => ("Où va chaque colonne", "Where each column goes"),
            T::Column => ("Colonne", "Column"),
            T::Destination => ("Dans GLPI", "In GLPI"),
            T::Values => ("valeurs", "values"),
            T::RowByRow => ("Ligne par ligne", "Row by row"),
            T::Requests => ("requêtes seraient envoyées", "requests would be sent"),
            T::RunButton => ("Lancer la migration", "Run the migration"),
            T::MissingRights => ("Droits manquants : rien n'a été écrit", "Missing rights: nothing was written"),
            T::Running => ("Migration en cours", "Migration running"),
            T::Paused => ("En pause", "Paused"),
            T::Finished => ("Migration terminée", "Migration finished"),
            T::Cancelled => ("Migration arrêtée à votre demande", "Migration cancelled"),
            T::Pause => ("Pause", "Pause"),
            T::Resume => ("Reprendre", "Resume"),
            T::Cancel => ("Arrêter", "Cancel"),
            T::ItemsPerSecond => ("objets/s", "items/s"),
            T::TimeLeft => ("temps restant", "time left"),
            T::BatchSize => ("taille de lot", "batch size"),
            T::Calls => ("appels", "calls"),
            T::ErrorsByCode => ("Erreurs par code GLPI", "Errors by GLPI code"),
            T::Throughput => ("Débit au fil du temps", "Throughput over time"),
            T::JournalCsv => ("Journal (CSV)", "Journal (CSV)"),
            T::JournalJson => ("Journal (JSON)", "Journal (JSON)"),
            T::Verify => ("Vérifier (relire la cible)", "Verify (read the target back)"),
            T::VerifyClean => ("Tout est identique à la source", "Everything matches the source"),
            T::VerifyDifferences => ("différences", "differences"),
            T::Undo => ("Annuler la migration…", "Undo the migration…"),
            T::UndoConfirm => ("Supprimer tout ce que cette migration a créé et rétablir ce qu'elle a modifié ?", "Remove everything this migration created and restore what it updated?"),
            T::UndoConfirmYes => ("Oui, annuler la migration", "Yes, undo the migration"),
            T::UndoDone => ("Annulation terminée", "Undo finished"),
            T::Interrupted => ("Une migration a été interrompue. Connectez-vous pour la reprendre : rien ne sera créé deux fois.", "A migration was interrupted. Connect to resume it: nothing will be created twice."),
            T::ResumeRun => ("Reprendre la migration interrompue", "Resume the interrupted migration"),
            T::Forget => ("Oublier", "Forget"),
            T::Failures => ("Échecs et rejets", "Failures and rejections"),
            T::ShowCurl => ("cURL", "cURL"),
            T::NoFiles => ("Aucun fichier choisi", "No file chosen"),
            T::LoginFirst => ("Connectez-vous d'abord", "Connect first"),
            T::Line => ("ligne", "line"),
            T::RunningElsewhere => ("Une migration est en cours dans un autre onglet ou une autre fenêtre avec ce journal : cet onglet peut seulement la suivre (lancer, reprendre et annuler sont désactivés ici).", "A migration is running in another tab or window with this journal: this tab can only watch it (run, resume and undo are disabled here)."),
            T::WatchProgress => ("Objets traités jusqu'ici", "Objects processed so far"),
            T::UndoneStatus => ("Migration annulée : ce qu'elle avait créé est supprimé, ce qu'elle avait modifié est rétabli", "Migration undone: what it created is removed, what it updated is restored"),
            T::Verifying => ("Relecture de la cible…", "Reading the target back…"),
            T::Undoing => ("Annulation en cours…", "Undoing…"),
            T::RunConfirmTitle => ("Lancer la migration ?", "Run the migration?"),
            T::RunConfirmIntro => ("Ces objets seront écrits dans le GLPI cible :", "These objects will be written to the target GLPI:"),
            T::RunConfirmYes => ("Oui, lancer la migration", "Yes, run the migration"),
            T::UndoConfirmTitle => ("Annuler la migration ?", "Undo the migration?"),
            T::TargetGlpi => ("GLPI cible", "Target GLPI"),
            T::TargetEntityName => ("Entité cible", "Target entity"),
            T::Back => ("Retour, ne rien écrire", "Back, write nothing"),
            T::Progress => ("Avancement", "Progress"),
            T::ChartTime => ("temps écoulé", "time elapsed"),
            T::ChartRate => ("objets par seconde", "objects per second"),
            T::Dashboard => ("Tableau de bord de la migration", "Migration dashboard"),
            T::Retries => ("nouvelles tentatives", "retries"),
            T::Relogins => ("reconnexions", "re-logins"),
            T::NothingWritten => ("rien à écrire", "nothing to write"),
            T::KeyOther => ("autre clé (définie ailleurs)", "another key (set elsewhere)"),
            T::CreateAll => ("Tout créer", "Create all"),
            T::EmptyAll => ("Tout laisser vide", "Leave all empty"),
            T::MissingValue => ("Valeur des fichiers", "Value in the files"),
            T::ChoiceExisting => ("valeur existante", "existing value"),
            T::UnmatchedHelp => ("Chaque choix refait aussitôt le plan : ce qui est affiché est ce qui sera envoyé.", "Each choice makes the plan again at once: what is shown is what will be sent."),
            T::KeptHeading => ("Données personnelles gardées dans ce navigateur", "Personal data kept in this browser"),
            T::ExportKept => ("Exporter le journal (JSON)", "Export the journal (JSON)"),
            T::PurgeNow => ("Effacer le journal de ce navigateur", "Erase the journal from this browser"),
            T::UseChecked => ("Reprendre les fichiers vérifiés ci-dessus, avec vos corrections", "Use the files checked above, with your corrections"),
        }
    }

    /// Every text, for the completeness test.
    pub const ALL: &'static [T] = &[
        T::Heading,
        T::Intro,
        T::ConnectHeading,
        T::ModeToken,
        T::ModePassword,
        T::Token,
        T::Login,
        T::Password,
        T::Connect,
        T::Connecting,
        T::Connected,
        T::GlpiVersion,
        T::Profile,
        T::Entity,
        T::Apply,
        T::FilesHeading,
        T::FilesHelp,
        T::Templates,
        T::OptionsHeading,
        T::CreateDropdowns,
        T::NeverOverwrite,
        T::AssetKey,
        T::KeySerialThenName,
        T::KeyName,
        T::KeyInventory,
        T::PlanButton,
        T::Planning,
        T::PlanHeading,
        T::ItemType,
        T::Total,
        T::Unmatched,
        T::Rows,
        T::Choice,
        T::ChoiceCreate,
        T::ChoiceEmpty,
        T::ChoiceMap,
        T::Entities,
        T::SourceEntity,
        T::TargetEntity,
        T::NotCarried,
        T::Columns,
        T::Column,
        T::Destination,
        T::Values,
        T::RowByRow,
        T::Requests,
        T::RunButton,
        T::MissingRights,
        T::Running,
        T::Paused,
        T::Finished,
        T::Cancelled,
        T::Pause,
        T::Resume,
        T::Cancel,
        T::ItemsPerSecond,
        T::TimeLeft,
        T::BatchSize,
        T::Calls,
        T::ErrorsByCode,
        T::Throughput,
        T::JournalCsv,
        T::JournalJson,
        T::Verify,
        T::VerifyClean,
        T::VerifyDifferences,
        T::Undo,
        T::UndoConfirm,
        T::UndoConfirmYes,
        T::UndoDone,
        T::Interrupted,
        T::ResumeRun,
        T::Forget,
        T::Failures,
        T::ShowCurl,
        T::NoFiles,
        T::LoginFirst,
        T::UseChecked,
        T::Line,
        T::RunningElsewhere,
        T::WatchProgress,
        T::UndoneStatus,
        T::Verifying,
        T::Undoing,
        T::RunConfirmTitle,
        T::RunConfirmIntro,
        T::RunConfirmYes,
        T::UndoConfirmTitle,
        T::TargetGlpi,
        T::TargetEntityName,
        T::Back,
        T::Progress,
        T::ChartTime,
        T::ChartRate,
        T::Dashboard,
        T::Retries,
        T::Relogins,
        T::NothingWritten,
        T::KeyOther,
        T::CreateAll,
        T::EmptyAll,
        T::MissingValue,
        T::ChoiceExisting,
        T::UnmatchedHelp,
        T::KeptHeading,
        T::ExportKept,
        T::PurgeNow,
    ];
}

/// An item type as GLPI's own interface names it in `lang` (`engine::glpi::vocabulary`: "Lieu",
/// "Habilitation"), never its class name; every name of a type in the migration part goes
/// through here.
pub fn type_label(itemtype: passerelle_engine::glpi::GlpiType, lang: Lang) -> &'static str {
    itemtype.label(lang)
}

/// A word that follows a count, agreeing with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum W {
    Created,
    Updated,
    AlreadyThere,
    Rejected,
    Failed,
    Removed,
    Restored,
    ToCreate,
    ToUpdate,
    Object,
    Row,
    Difference,
    Call,
    Value,
    ToRemove,
    ToRestore,
}

impl W {
    /// (French singular, French plural, English singular, English plural).
    fn forms(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            W::Created => ("créé", "créés", "created", "created"),
            W::Updated => ("mis à jour", "mis à jour", "updated", "updated"),
            W::AlreadyThere => (
                "déjà présent",
                "déjà présents",
                "already there",
                "already there",
            ),
            W::Rejected => ("rejeté", "rejetés", "rejected", "rejected"),
            W::Failed => ("en échec", "en échec", "failed", "failed"),
            W::Removed => ("supprimé", "supprimés", "removed", "removed"),
            W::Restored => ("rétabli", "rétablis", "restored", "restored"),
            W::ToCreate => ("à créer", "à créer", "to create", "to create"),
            W::ToUpdate => (
                "à mettre à jour",
                "à mettre à jour",
                "to update",
                "to update",
            ),
            W::Object => ("objet", "objets", "object", "objects"),
            W::Row => ("ligne", "lignes", "row", "rows"),
            W::Difference => ("différence", "différences", "difference", "differences"),
            W::Call => ("appel", "appels", "call", "calls"),
            W::Value => ("valeur", "valeurs", "value", "values"),
            W::ToRemove => ("à supprimer", "à supprimer", "to remove", "to remove"),
            W::ToRestore => ("à rétablir", "à rétablir", "to restore", "to restore"),
        }
    }
}

/// `n` and its word, agreeing: in French 0 and 1 take the singular, in English only 1.
pub fn counted(n: usize, word: W, lang: Lang) -> String {
    let (fr1, frn, en1, enn) = word.forms();
    let w = match lang {
        Lang::Fr if n <= 1 => fr1,
        Lang::Fr => frn,
        Lang::En if n == 1 => en1,
        Lang::En => enn,
    };
    format!("{n} {w}")
}

/// Counts in words, joined: "377 créés, 0 rétabli, 0 en échec".
pub fn counted_list(items: &[(usize, W)], lang: Lang) -> String {
    items
        .iter()
        .map(|(n, w)| counted(*n, *w, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_number_in_each_language() {
        assert_eq!(counted(0, W::Created, Lang::Fr), "0 créé");
        assert_eq!(counted(1, W::Created, Lang::Fr), "1 créé");
        assert_eq!(counted(377, W::Created, Lang::Fr), "377 créés");
        assert_eq!(counted(0, W::Row, Lang::En), "0 rows");
        assert_eq!(counted(1, W::Row, Lang::En), "1 row");
        assert_eq!(
            counted_list(
                &[(377, W::Removed), (0, W::Restored), (2, W::Failed)],
                Lang::Fr
            ),
            "377 supprimés, 0 rétabli, 2 en échec"
        );
    }

    #[test]
    fn every_text_exists_in_both_languages_and_differs_where_it_should() {
        for &t in T::ALL {
            assert!(!t.in_lang(Lang::Fr).is_empty(), "{t:?}");
            assert!(!t.in_lang(Lang::En).is_empty(), "{t:?}");
        }
        assert_eq!(T::Connect.in_lang(Lang::Fr), "Se connecter");
        assert_eq!(T::Connect.in_lang(Lang::En), "Connect");
    }
}
