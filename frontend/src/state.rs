//! The page's state and the reducer that changes it.
//!
//! Every change goes through [`AppState::apply`], a pure function, so transitions are tested
//! without a browser; [`yew::Reducible`] only wraps it.

use std::rc::Rc;

use crate::api::{ApiError, Info, NotReadyReason, Readiness};
use crate::i18n::Lang;

/// A value fetched from the proxy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remote<T> {
    /// The request is in flight.
    Loading,
    /// The proxy answered as documented.
    Loaded(T),
    /// The exchange failed.
    Failed(ApiError),
}

/// Everything the page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppState {
    /// Language of the texts.
    pub lang: Lang,
    /// Result of `GET /info`.
    pub info: Remote<Info>,
    /// Result of `GET /readyz`.
    pub readiness: Remote<Readiness>,
    /// Number of the current round of checks; answers from an older round are dropped, so a
    /// slow first answer cannot overwrite a newer one after "check again".
    pub round: u32,
}

/// A change to the state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The user picked a language.
    SetLang(Lang),
    /// Start a new round of checks (both results go back to loading).
    Recheck,
    /// `GET /info` finished for round `round`.
    InfoLoaded {
        /// The round the request belongs to.
        round: u32,
        /// What came back.
        result: Result<Info, ApiError>,
    },
    /// `GET /readyz` finished for round `round`.
    ReadinessLoaded {
        /// The round the request belongs to.
        round: u32,
        /// What came back.
        result: Result<Readiness, ApiError>,
    },
}

/// Whether the page can talk to the proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyStatus {
    /// Waiting for `/info`.
    Checking,
    /// `/info` answered as documented.
    Reachable,
    /// `/info` failed: the page is not talking to a working proxy.
    Unreachable,
}

/// What the page says about GLPI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GlpiStatus {
    /// Waiting for `/readyz`.
    Checking,
    /// GLPI accepts the proxy.
    Ready,
    /// GLPI refuses or does not answer the proxy.
    NotReady {
        /// Why.
        reason: NotReadyReason,
        /// The proxy's detail.
        message: String,
    },
    /// `/readyz` itself failed, so nothing is known about GLPI.
    Unknown(ApiError),
}

impl AppState {
    /// The state at start-up: both checks in flight, round 0.
    pub fn new(lang: Lang) -> Self {
        AppState {
            lang,
            info: Remote::Loading,
            readiness: Remote::Loading,
            round: 0,
        }
    }

    /// The state after `action`.
    pub fn apply(&self, action: Action) -> AppState {
        let mut next = self.clone();
        match action {
            Action::SetLang(lang) => next.lang = lang,
            Action::Recheck => {
                next.round = self.round.wrapping_add(1);
                next.info = Remote::Loading;
                next.readiness = Remote::Loading;
            }
            Action::InfoLoaded { round, result } if round == self.round => {
                next.info = remote(result);
            }
            Action::ReadinessLoaded { round, result } if round == self.round => {
                next.readiness = remote(result);
            }
            // An answer from an older round: dropped.
            Action::InfoLoaded { .. } | Action::ReadinessLoaded { .. } => {}
        }
        next
    }

    /// The proxy's reachability, derived from `/info`.
    pub fn proxy_status(&self) -> ProxyStatus {
        match self.info {
            Remote::Loading => ProxyStatus::Checking,
            Remote::Loaded(_) => ProxyStatus::Reachable,
            Remote::Failed(_) => ProxyStatus::Unreachable,
        }
    }

    /// GLPI's readiness, derived from `/readyz`.
    pub fn glpi_status(&self) -> GlpiStatus {
        match &self.readiness {
            Remote::Loading => GlpiStatus::Checking,
            Remote::Loaded(Readiness::Ready) => GlpiStatus::Ready,
            Remote::Loaded(Readiness::NotReady { reason, message }) => GlpiStatus::NotReady {
                reason: *reason,
                message: message.clone(),
            },
            Remote::Failed(e) => GlpiStatus::Unknown(e.clone()),
        }
    }
}

fn remote<T>(result: Result<T, ApiError>) -> Remote<T> {
    match result {
        Ok(v) => Remote::Loaded(v),
        Err(e) => Remote::Failed(e),
    }
}

impl yew::Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::GlpiTarget;

    fn info() -> Info {
        Info {
            product: "Passerelle".into(),
            version: "0.1.0".into(),
            glpi: GlpiTarget {
                api_url: "http://glpi.invalid/apirest.php".into(),
                sandbox: true,
            },
            source: None,
        }
    }

    #[test]
    fn starts_checking_both() {
        let s = AppState::new(Lang::En);
        assert_eq!(s.lang, Lang::En);
        assert_eq!(s.proxy_status(), ProxyStatus::Checking);
        assert_eq!(s.glpi_status(), GlpiStatus::Checking);
    }

    #[test]
    fn loaded_info_means_reachable() {
        let s = AppState::new(Lang::Fr).apply(Action::InfoLoaded {
            round: 0,
            result: Ok(info()),
        });
        assert_eq!(s.proxy_status(), ProxyStatus::Reachable);
        assert_eq!(s.info, Remote::Loaded(info()));
        // /readyz is independent.
        assert_eq!(s.glpi_status(), GlpiStatus::Checking);
    }

    #[test]
    fn failed_info_means_unreachable() {
        let s = AppState::new(Lang::Fr).apply(Action::InfoLoaded {
            round: 0,
            result: Err(ApiError::Network("Failed to fetch".into())),
        });
        assert_eq!(s.proxy_status(), ProxyStatus::Unreachable);
    }

    #[test]
    fn readiness_transitions() {
        let s = AppState::new(Lang::Fr);
        let ready = s.apply(Action::ReadinessLoaded {
            round: 0,
            result: Ok(Readiness::Ready),
        });
        assert_eq!(ready.glpi_status(), GlpiStatus::Ready);

        let refused = s.apply(Action::ReadinessLoaded {
            round: 0,
            result: Ok(Readiness::NotReady {
                reason: NotReadyReason::IpRefused,
                message: "m".into(),
            }),
        });
        assert_eq!(
            refused.glpi_status(),
            GlpiStatus::NotReady {
                reason: NotReadyReason::IpRefused,
                message: "m".into()
            }
        );

        let err = ApiError::Network("x".into());
        let unknown = s.apply(Action::ReadinessLoaded {
            round: 0,
            result: Err(err.clone()),
        });
        assert_eq!(unknown.glpi_status(), GlpiStatus::Unknown(err));
    }

    #[test]
    fn recheck_resets_and_drops_stale_answers() {
        let loaded = AppState::new(Lang::Fr)
            .apply(Action::InfoLoaded {
                round: 0,
                result: Ok(info()),
            })
            .apply(Action::ReadinessLoaded {
                round: 0,
                result: Ok(Readiness::Ready),
            });
        let again = loaded.apply(Action::Recheck);
        assert_eq!(again.round, 1);
        assert_eq!(again.proxy_status(), ProxyStatus::Checking);
        assert_eq!(again.glpi_status(), GlpiStatus::Checking);

        // A late answer from round 0 must not overwrite round 1.
        let stale = again.apply(Action::ReadinessLoaded {
            round: 0,
            result: Ok(Readiness::Ready),
        });
        assert_eq!(stale.glpi_status(), GlpiStatus::Checking);

        let fresh = stale.apply(Action::ReadinessLoaded {
            round: 1,
            result: Ok(Readiness::NotReady {
                reason: NotReadyReason::Timeout,
                message: String::new(),
            }),
        });
        assert!(matches!(
            fresh.glpi_status(),
            GlpiStatus::NotReady {
                reason: NotReadyReason::Timeout,
                ..
            }
        ));
    }

    #[test]
    fn language_change_keeps_results() {
        let s = AppState::new(Lang::Fr)
            .apply(Action::InfoLoaded {
                round: 0,
                result: Ok(info()),
            })
            .apply(Action::SetLang(Lang::En));
        assert_eq!(s.lang, Lang::En);
        assert_eq!(s.info, Remote::Loaded(info()));
        assert_eq!(s.round, 0);
    }
}
