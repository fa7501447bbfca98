//! Texts of the file check, French first, English second (kept apart from `i18n.rs`, as the
//! migration's are, so each part of the page reviews as one file and helpers editing other parts
//! do not collide).

use crate::i18n::Lang;

use super::model::SkipReason;

/// One text of the file check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum T {
    RemoveFile,
    ReplaceQuestion,
    ReplaceLoses,
    Replace,
    KeepOld,
    SkippedNote,
    SkipUnreadable,
    SkipUnknownType,
    SkipDirectory,
    LeaveEmpty,
    KeepValue,
    EmptyQuestion,
    PickLogin,
    Before,
    After,
    Actions,
    EmptyCell,
    Undo,
    ApplyAll,
    FilterFile,
    AllFiles,
    PrevPage,
    NextPage,
    PageOf,
    Pages,
    CheckTotals,
    ExtraValue,
}

impl T {
    /// Every text, so a test checks each one in both languages.
    pub const ALL: [T; 27] = [
        T::RemoveFile,
        T::ReplaceQuestion,
        T::ReplaceLoses,
        T::Replace,
        T::KeepOld,
        T::SkippedNote,
        T::SkipUnreadable,
        T::SkipUnknownType,
        T::SkipDirectory,
        T::LeaveEmpty,
        T::KeepValue,
        T::EmptyQuestion,
        T::PickLogin,
        T::Before,
        T::After,
        T::Actions,
        T::EmptyCell,
        T::Undo,
        T::ApplyAll,
        T::FilterFile,
        T::AllFiles,
        T::PrevPage,
        T::NextPage,
        T::PageOf,
        T::Pages,
        T::CheckTotals,
        T::ExtraValue,
    ];

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
            T::RemoveFile => ("Retirer", "Remove"),
            T::ReplaceQuestion => (
                "Un fichier de même nom est déjà vérifié. Le remplacer par celui que vous venez de déposer ?",
                "A file of the same name is already checked. Replace it with the one you just dropped?",
            ),
            T::ReplaceLoses => (
                "Les corrections et réglages faits sur l'ancien fichier seront abandonnés.",
                "The corrections and settings made on the old file will be dropped.",
            ),
            T::Replace => ("Remplacer", "Replace"),
            T::KeepOld => ("Garder l'ancien", "Keep the old one"),
            T::SkippedNote => ("Ne sera pas migré :", "Will not be migrated:"),
            T::SkipUnreadable => ("fichier illisible", "unreadable file"),
            T::SkipUnknownType => (
                "ni export GLPI reconnu, ni fichier compagnon (choisissez son type si c'en est un)",
                "neither a recognised GLPI export nor a companion file (choose its type if it is one)",
            ),
            T::LeaveEmpty => ("Laisser vide", "Leave empty"),
            T::KeepValue => ("Garder la valeur", "Keep the value"),
            T::EmptyQuestion => (
                "Cellule vidée : elle ne sera vide que si vous choisissez « Laisser vide ».",
                "Cell cleared: it will be empty only if you choose \"Leave empty\".",
            ),
            T::PickLogin => ("choisir l'identifiant", "choose the login"),
            T::Before => ("Avant", "Before"),
            T::After => ("Après", "After"),
            T::Actions => ("Actions", "Actions"),
            T::EmptyCell => ("(vide)", "(empty)"),
            T::Undo => ("Annuler", "Undo"),
            T::ApplyAll => ("Appliquer aux autres occurrences", "Apply to the other occurrences"),
            T::FilterFile => ("Fichier", "File"),
            T::AllFiles => ("Tous les fichiers", "All files"),
            T::PrevPage => ("Page précédente", "Previous page"),
            T::NextPage => ("Page suivante", "Next page"),
            T::PageOf => ("sur", "of"),
            T::Pages => ("Pages des problèmes", "Pages of problems"),
            T::CheckTotals => ("Résultat :", "Result:"),
            T::ExtraValue => ("Valeur ou modèle", "Value or template"),
            T::SkipDirectory => (
                "fichier d'annuaire RH, importé à part",
                "HR directory file, imported separately",
            ),
        }
    }

    /// Why a file is not migrated.
    pub fn skip_reason(reason: SkipReason) -> T {
        match reason {
            SkipReason::Unreadable => T::SkipUnreadable,
            SkipReason::UnknownType => T::SkipUnknownType,
            SkipReason::Directory => T::SkipDirectory,
        }
    }
}

/// A count with its noun, agreed in number: French takes the singular for 0 and 1 ("0 erreur",
/// "1 erreur", "2 erreurs"), English only for 1 ("0 errors", "1 error").
pub fn count(
    lang: Lang,
    n: usize,
    (fr_one, fr_many): (&str, &str),
    (en_one, en_many): (&str, &str),
) -> String {
    let noun = match lang {
        Lang::Fr if n <= 1 => fr_one,
        Lang::Fr => fr_many,
        Lang::En if n == 1 => en_one,
        Lang::En => en_many,
    };
    format!("{n} {noun}")
}

/// What a counter counts, for [`words`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Noun {
    Error,
    Warning,
    Info,
    ProblemShown,
    Row,
    ValidRow,
    File,
}

impl Noun {
    /// (French singular, French plural, feminine), (English singular, English plural).
    fn forms(
        self,
    ) -> (
        (&'static str, &'static str, bool),
        (&'static str, &'static str),
    ) {
        match self {
            Noun::Error => (("erreur", "erreurs", true), ("error", "errors")),
            Noun::Warning => (
                ("avertissement", "avertissements", false),
                ("warning", "warnings"),
            ),
            Noun::Info => (("information", "informations", true), ("note", "notes")),
            Noun::ProblemShown => (
                ("problème affiché", "problèmes affichés", false),
                ("problem shown", "problems shown"),
            ),
            Noun::Row => (("ligne", "lignes", true), ("row", "rows")),
            Noun::ValidRow => (
                ("ligne valide", "lignes valides", true),
                ("valid row", "valid rows"),
            ),
            Noun::File => (("fichier", "fichiers", false), ("file", "files")),
        }
    }
}

/// A counter in words, agreed in number and gender: "aucune erreur", "1 erreur", "3 erreurs";
/// "no error", "1 error", "3 errors".
pub fn words(lang: Lang, n: usize, noun: Noun) -> String {
    let ((fr_one, fr_many, feminine), (en_one, en_many)) = noun.forms();
    match (lang, n) {
        (Lang::Fr, 0) => format!("{} {fr_one}", if feminine { "aucune" } else { "aucun" }),
        (Lang::Fr, 1) => format!("1 {fr_one}"),
        (Lang::Fr, n) => format!("{n} {fr_many}"),
        (Lang::En, 0) => format!("no {en_one}"),
        (Lang::En, 1) => format!("1 {en_one}"),
        (Lang::En, n) => format!("{n} {en_many}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_text_exists_in_both_languages_once() {
        let mut seen = HashSet::new();
        for t in T::ALL {
            assert!(seen.insert(t), "{t:?} twice");
            assert!(!t.in_lang(Lang::Fr).trim().is_empty(), "{t:?}");
            assert!(!t.in_lang(Lang::En).trim().is_empty(), "{t:?}");
        }
        for t in [T::ReplaceQuestion, T::ReplaceLoses, T::SkipUnknownType] {
            assert_ne!(t.in_lang(Lang::Fr), t.in_lang(Lang::En), "{t:?}");
        }
    }

    #[test]
    fn counts_agree_in_number_per_language() {
        let fr = ("erreur", "erreurs");
        let en = ("error", "errors");
        assert_eq!(count(Lang::Fr, 0, fr, en), "0 erreur");
        assert_eq!(count(Lang::Fr, 1, fr, en), "1 erreur");
        assert_eq!(count(Lang::Fr, 2, fr, en), "2 erreurs");
        assert_eq!(count(Lang::En, 0, fr, en), "0 errors");
        assert_eq!(count(Lang::En, 1, fr, en), "1 error");
        assert_eq!(count(Lang::En, 12, fr, en), "12 errors");
    }

    #[test]
    fn counters_in_words_agree_in_number_and_gender() {
        assert_eq!(words(Lang::Fr, 0, Noun::Error), "aucune erreur");
        assert_eq!(words(Lang::Fr, 1, Noun::Error), "1 erreur");
        assert_eq!(words(Lang::Fr, 3, Noun::Error), "3 erreurs");
        assert_eq!(words(Lang::Fr, 0, Noun::Warning), "aucun avertissement");
        assert_eq!(
            words(Lang::Fr, 2, Noun::ProblemShown),
            "2 problèmes affichés"
        );
        assert_eq!(words(Lang::En, 0, Noun::Error), "no error");
        assert_eq!(words(Lang::En, 1, Noun::Warning), "1 warning");
        assert_eq!(words(Lang::En, 3, Noun::Error), "3 errors");
        assert_eq!(words(Lang::En, 0, Noun::ProblemShown), "no problem shown");
    }
}
