//! GLPI's refusals explained with the action to take, in both languages. The engine's message
//! (GLPI's code and text) stays beside the explanation as its detail, never alone; none of them
//! carries a secret (tokens are never part of GLPI's or the engine's messages).

use crate::i18n::Lang;

/// What to do about a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remedy {
    /// The personal API token is refused.
    UserToken,
    /// Login and password refused.
    Password,
    /// GLPI does not accept logins with a password through its API.
    PasswordDisabled,
    /// The proxy's App-Token is refused.
    AppToken,
    /// GLPI refuses the proxy's address.
    IpRefused,
    /// GLPI cannot be reached (or does not answer in time).
    Unreachable,
    /// The profile lacks a right.
    Rights,
    /// The session expired or was closed.
    SessionExpired,
}

impl Remedy {
    /// The remedy for an engine or GLPI message, recognised by GLPI's code or the engine's
    /// transport failure; `None` when nothing more can be said.
    pub fn of(message: &str) -> Option<Remedy> {
        let has = |code: &str| message.contains(code);
        Some(if has("ERROR_GLPI_LOGIN_USER_TOKEN") {
            Remedy::UserToken
        } else if has("ERROR_LOGIN_WITH_CREDENTIALS_DISABLED") {
            Remedy::PasswordDisabled
        } else if has("ERROR_GLPI_LOGIN") {
            Remedy::Password
        } else if has("ERROR_WRONG_APP_TOKEN_PARAMETER")
            || has("ERROR_APP_TOKEN_PARAMETERS_MISSING")
        {
            Remedy::AppToken
        } else if has("ERROR_NOT_ALLOWED_IP") {
            Remedy::IpRefused
        } else if has("ERROR_RIGHT_MISSING") || has("droits manquants") {
            Remedy::Rights
        } else if has("ERROR_SESSION_TOKEN_INVALID") || has("ERROR_SESSION_TOKEN_MISSING") {
            Remedy::SessionExpired
        } else if has("TRANSPORT_")
            || has("connexion impossible")
            || has("pas de réponse dans le délai")
            || ["502", "503", "504"]
                .iter()
                .any(|s| has(&format!("réponse inattendue {s}")))
        {
            Remedy::Unreachable
        } else {
            return None;
        })
    }

    /// What happened and what to do, in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            Remedy::UserToken => (
                "GLPI refuse votre jeton d'API personnel. Copiez-le à nouveau depuis GLPI : Mon compte (ou Préférences) → Clés d'accès distant → Jeton d'API (« Régénérer » en crée un nouveau).",
                "GLPI refuses your personal API token. Copy it again from GLPI: My settings (or Preferences) → Remote access keys → API token (\"Regenerate\" makes a new one).",
            ),
            Remedy::Password => (
                "GLPI refuse cet identifiant ou ce mot de passe. Vérifiez-les, ou connectez-vous avec votre jeton d'API personnel.",
                "GLPI refuses this login or password. Check them, or connect with your personal API token.",
            ),
            Remedy::PasswordDisabled => (
                "Ce GLPI n'accepte pas la connexion par identifiant et mot de passe à son API : utilisez votre jeton d'API personnel.",
                "This GLPI does not accept logins with a password through its API: use your personal API token.",
            ),
            Remedy::AppToken => (
                "GLPI refuse le jeton d'application du proxy Passerelle (ce n'est pas votre jeton). Demandez à l'administrateur de Passerelle de vérifier le jeton d'application configuré dans le proxy.",
                "GLPI refuses the Passerelle proxy's App-Token (not your token). Ask the Passerelle administrator to check the App-Token configured in the proxy.",
            ),
            Remedy::IpRefused => (
                "GLPI refuse l'adresse du proxy Passerelle. Demandez à l'administrateur de GLPI d'autoriser cette adresse dans Configuration → Générale → API → Clients de l'API.",
                "GLPI refuses the Passerelle proxy's address. Ask the GLPI administrator to allow it in Setup → General → API → API clients.",
            ),
            Remedy::Unreachable => (
                "Le GLPI cible ne répond pas. Réessayez dans quelques minutes ; si cela dure, prévenez l'administrateur de Passerelle (adresse de GLPI, réseau).",
                "The target GLPI does not answer. Try again in a few minutes; if it lasts, tell the Passerelle administrator (GLPI's address, network).",
            ),
            Remedy::Rights => (
                "Votre profil GLPI n'a pas tous les droits nécessaires : choisissez un autre profil ci-dessus, ou demandez ces droits à l'administrateur de GLPI. Rien n'a été écrit.",
                "Your GLPI profile lacks rights this needs: choose another profile above, or ask the GLPI administrator for them. Nothing was written.",
            ),
            Remedy::SessionExpired => (
                "La session GLPI a expiré ou a été fermée : reconnectez-vous (rien ne sera créé deux fois).",
                "The GLPI session expired or was closed: connect again (nothing will be created twice).",
            ),
        };
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// A message with its explanation first when there is one, the original as its detail.
pub fn explained(message: &str, lang: Lang) -> String {
    match Remedy::of(message) {
        Some(r) => {
            let detail = if lang == Lang::Fr {
                "Détail"
            } else {
                "Detail"
            };
            format!("{} ({detail} : {message})", r.text(lang))
        }
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glpi_refusals_say_what_to_do_and_keep_glpi_s_text_as_detail() {
        let token = "connexion : connexion refusée par GLPI : ERROR_GLPI_LOGIN_USER_TOKEN parameter user_token seems invalid";
        let fr = explained(token, Lang::Fr);
        assert!(
            fr.starts_with("GLPI refuse votre jeton d'API personnel"),
            "{fr}"
        );
        assert!(fr.contains("Clés d'accès distant → Jeton d'API"), "{fr}");
        assert!(fr.ends_with("(Détail : connexion : connexion refusée par GLPI : ERROR_GLPI_LOGIN_USER_TOKEN parameter user_token seems invalid)"));
        assert!(explained(token, Lang::En).contains("Remote access keys → API token"));
        assert_eq!(
            Remedy::of("GLPI a répondu 400 ERROR_WRONG_APP_TOKEN_PARAMETER: x"),
            Some(Remedy::AppToken)
        );
        assert_eq!(
            Remedy::of(
                "connexion refusée par GLPI : ERROR_GLPI_LOGIN Incorrect username or password"
            ),
            Some(Remedy::Password)
        );
        assert_eq!(
            Remedy::of("connexion impossible ou coupée : refused (après plusieurs tentatives)"),
            Some(Remedy::Unreachable)
        );
        assert_eq!(
            Remedy::of("GLPI a répondu 403 ERROR_RIGHT_MISSING: x"),
            Some(Remedy::Rights)
        );
        assert_eq!(Remedy::of("autre chose"), None);
        assert_eq!(explained("autre chose", Lang::En), "autre chose");
        for r in [
            Remedy::UserToken,
            Remedy::Password,
            Remedy::PasswordDisabled,
            Remedy::AppToken,
            Remedy::IpRefused,
            Remedy::Unreachable,
            Remedy::Rights,
            Remedy::SessionExpired,
        ] {
            assert_ne!(r.text(Lang::Fr), r.text(Lang::En));
        }
    }
}
