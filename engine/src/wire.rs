//! Reading a tagged enum by hand: internally tagged (`{"kind": "conflict", "ids": [3, 4]}`) or
//! adjacently tagged (`{"code": "value.date", "values": {…}}`).
//!
//! serde's derive for such an enum buffers the object in its own `Content` type and compiles
//! one visitor per variant for every deserializer it meets (the journal line, the plan in the
//! worker's message, the nested reasons…): about 20 KB of the page per enum. Here the object is
//! read once as a JSON map, and each field with `serde_json::from_value`, whose copies per field
//! type are shared by every enum: -234 KB of wasm for fifteen enums (BENCHMARKS.md, "tagged
//! enums read by hand"). The JSON is the same; the derive still writes it.
//! `engine/tests/no_buffered_reading.rs` names any type whose derived reading would buffer.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::{Error, Map, Value};

/// An object of a tagged enum: its variant's name and its content.
pub(crate) struct Tagged {
    /// The tag's value: the variant's name.
    pub kind: String,
    /// The variant's fields: the object's other fields (internally tagged) or the content's
    /// (adjacently tagged).
    fields: Map<String, Value>,
    /// An adjacently tagged newtype variant's content when it is not an object.
    other: Option<Value>,
}

impl Tagged {
    /// A field the variant must have.
    pub fn field<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<T, Error> {
        match self.fields.remove(name) {
            Some(value) => serde_json::from_value(value),
            None => Err(Error::missing_field(name)),
        }
    }

    /// A field that may be absent or null (`None`), as the derive reads an `Option`.
    pub fn optional<T: DeserializeOwned>(
        &mut self,
        name: &'static str,
    ) -> Result<Option<T>, Error> {
        match self.fields.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => serde_json::from_value(value).map(Some),
        }
    }

    /// A field that may be absent (its default), as the derive reads `#[serde(default)]`.
    pub fn or_default<T: DeserializeOwned + Default>(
        &mut self,
        name: &'static str,
    ) -> Result<T, Error> {
        Ok(self.optional(name)?.unwrap_or_default())
    }

    /// A newtype variant's content: the fields not taken (internally tagged), or the content
    /// field (adjacently tagged).
    pub fn value<T: DeserializeOwned>(self) -> Result<T, Error> {
        serde_json::from_value(self.other.unwrap_or(Value::Object(self.fields)))
    }

    /// The error for a tag no variant has, naming it and the expected ones.
    pub fn unknown(&self, variants: &'static [&'static str]) -> Error {
        Error::unknown_variant(&self.kind, variants)
    }
}

/// An enum read from a [`Tagged`] object: where its tag and content are, and its variants.
pub(crate) trait FromTagged: Sized {
    /// The field holding the variant's name (`kind`, `event`, `code`).
    const TAG: &'static str;

    /// The field holding the variant's content, for an adjacently tagged enum (`values`).
    const CONTENT: Option<&'static str> = None;

    /// The variant named by `object.kind`, from its content.
    fn from_tagged(object: Tagged) -> Result<Self, Error>;
}

/// `Deserialize::deserialize` for a [`FromTagged`] enum: the only part compiled per
/// deserializer is the reading of the map.
pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: FromTagged>(
    deserializer: D,
) -> Result<T, D::Error> {
    let mut fields = Map::deserialize(deserializer)?;
    let kind = match fields.remove(T::TAG) {
        Some(Value::String(kind)) => kind,
        Some(_) => {
            return Err(D::Error::custom(format_args!(
                "`{}` is not a string",
                T::TAG
            )))
        }
        None => return Err(D::Error::missing_field(T::TAG)),
    };
    let (fields, other) = match T::CONTENT.map(|content| fields.remove(content)) {
        None => (fields, None),
        Some(None | Some(Value::Null)) => (Map::new(), None),
        Some(Some(Value::Object(content))) => (content, None),
        Some(Some(content)) => (Map::new(), Some(content)),
    };
    T::from_tagged(Tagged {
        kind,
        fields,
        other,
    })
    .map_err(D::Error::custom)
}

/// Reads an enum by hand: its `Deserialize` and [`FromTagged`] impls, from one line per
/// variant as the JSON names it.
///
/// `read_tagged!(Event, tag = "event" { … })`, or `tag = "code", content = "values"` for an
/// adjacently tagged enum; each variant is `"tag" => Unit`, `"tag" => Newtype(_)` or
/// `"tag" => Struct { a, b: optional, c: or_default }` (a field is read with
/// [`Tagged::field`] unless another reading is named).
macro_rules! read_tagged {
    ($ty:ident, tag = $tag:literal $(, content = $content:literal)? { $($variants:tt)* }) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::wire::deserialize(deserializer)
            }
        }

        impl $crate::wire::FromTagged for $ty {
            const TAG: &'static str = $tag;
            $(const CONTENT: Option<&'static str> = Some($content);)?

            #[allow(unused_mut)] // enums of unit and newtype variants take no field by name
            fn from_tagged(mut o: $crate::wire::Tagged) -> Result<Self, serde_json::Error> {
                $crate::wire::read_variants!(o as $ty { $($variants)* })
            }
        }
    };
}
pub(crate) use read_tagged;

/// The body of [`FromTagged::from_tagged`], for [`read_tagged!`].
macro_rules! read_variants {
    ($o:ident as $ty:ident { $($tag:literal => $variant:ident $({ $($field:ident $(: $how:ident)?),* $(,)? })? $(($newtype:tt))?),+ $(,)? }) => {
        {
            // Exhaustive: a variant added to the enum without its line here does not compile.
            let _every_variant_has_a_line = |value: &$ty| match value {
                $($ty::$variant { .. } => {})+
            };
            Ok(match $o.kind.as_str() {
                $($tag => $crate::wire::read_variants!(@variant $o $ty $variant $({ $($field $(: $how)?),* })? $(($newtype))?),)+
                _ => return Err($o.unknown(&[$($tag),+])),
            })
        }
    };
    (@variant $o:ident $ty:ident $variant:ident) => { $ty::$variant };
    (@variant $o:ident $ty:ident $variant:ident { $($field:ident $(: $how:ident)?),* }) => {
        $ty::$variant { $($field: $crate::wire::read_variants!(@field $o $field $($how)?)?),* }
    };
    (@variant $o:ident $ty:ident $variant:ident ($newtype:tt)) => { $ty::$variant($o.value()?) };
    (@field $o:ident $field:ident) => { $o.field(stringify!($field)) };
    (@field $o:ident $field:ident $how:ident) => { $o.$how(stringify!($field)) };
}
pub(crate) use read_variants;

#[cfg(test)]
mod tests {
    use crate::diagnostic::DiagnosticKind;
    use crate::glpi::{Destination, GlpiType, NotCarriedReason};
    use crate::migrate::api::GlpiError;
    use crate::migrate::client::CallError;
    use crate::migrate::journal::{
        BatchAction, Event, Failure, IntentKey, Outcome, Record, RecordReason,
    };
    use crate::migrate::model::{
        Decision, DocumentFile, FieldValue, ObjectKey, Rejection, SourceLine,
    };
    use crate::validate::RowProblem;
    use serde::de::DeserializeOwned;
    use serde::Serialize;
    use serde_json::{json, Map, Value};
    use std::fmt::Debug;

    /// Written by the derive, read back by hand: from text, from a value, and nested in a
    /// list (the three ways the page and the CLI meet them).
    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(values: &[T]) {
        for value in values {
            let text = serde_json::to_string(value).unwrap();
            assert_eq!(&serde_json::from_str::<T>(&text).unwrap(), value, "{text}");
            let tree = serde_json::to_value(value).unwrap();
            assert_eq!(&serde_json::from_value::<T>(tree).unwrap(), value, "{text}");
        }
        let list = serde_json::to_string(values).unwrap();
        assert_eq!(serde_json::from_str::<Vec<T>>(&list).unwrap(), values);
    }

    fn key(k: &str) -> ObjectKey {
        ObjectKey {
            itemtype: GlpiType::Computer,
            key: k.into(),
        }
    }

    fn failures() -> Vec<Failure> {
        vec![
            Failure::Refused {
                code: "ERROR_GLPI_ADD".into(),
                message: "refusé".into(),
            },
            Failure::NoAnswer {
                code: "ERROR_GLPI_UPDATE".into(),
            },
            Failure::Call {
                error: CallError::Glpi {
                    status: 400,
                    error: GlpiError {
                        code: "ERROR_BAD_ARRAY".into(),
                        message: "mauvais tableau".into(),
                        details: json!([{"1": false}]),
                    },
                },
            },
            Failure::FileAltered {
                expected: "aa".into(),
                found: "bb".into(),
            },
        ]
    }

    fn rejections() -> Vec<Rejection> {
        vec![
            Rejection::Check {
                diagnostic: DiagnosticKind::Row(RowProblem::DuplicateKey {
                    key: "PC-1".into(),
                    first_line: 3,
                }),
            },
            Rejection::ReferenceMissing {
                detail: "lieu inconnu".into(),
            },
            Rejection::DependencyRejected {
                object: key("PC-2"),
            },
            Rejection::NoKey {
                keys: vec![vec!["serial".into()], vec!["name".into(), "entity".into()]],
            },
            Rejection::RowWithoutKey,
            Rejection::SameKeyAs {
                key: "PC-3".into(),
                first_line: 7,
            },
            Rejection::GivenAbove { key: "PC-4".into() },
            Rejection::CompanionBadType {
                found: "Phone".into(),
            },
            Rejection::ConnectionIncomplete,
            Rejection::InstallationIncomplete,
            Rejection::TimelineTicketUnknown {
                ticket: "42".into(),
            },
            Rejection::CompanionBadValue {
                column: "date".into(),
                value: "hier".into(),
            },
        ]
    }

    fn reasons() -> Vec<RecordReason> {
        let mut reasons = vec![
            RecordReason::Created,
            RecordReason::Updated,
            RecordReason::Identical,
            RecordReason::FoundCreated,
            RecordReason::FoundUpdated,
            RecordReason::MadeWithOwner { owner: key("PC-5") },
            RecordReason::FoundCreatedDifferencesSent,
            RecordReason::FoundCreatedDifferencesUpdated,
            RecordReason::AnswerLost {
                error: "HTTP_502".into(),
            },
            RecordReason::Conflict { ids: vec![3, 4] },
            RecordReason::DependencyFailed {
                object: key("PC-6"),
            },
            RecordReason::Recorded {
                code: Some("migrate.old".into()),
                message: "ancien".into(),
            },
            RecordReason::Recorded {
                code: None,
                message: "ancien".into(),
            },
        ];
        for failure in failures() {
            reasons.push(RecordReason::Failed {
                failure: failure.clone(),
            });
            reasons.push(RecordReason::FoundCreatedDifferencesFailed { failure });
        }
        reasons.extend(
            rejections()
                .into_iter()
                .map(|rejection| RecordReason::Rejected { rejection }),
        );
        reasons
    }

    #[test]
    fn every_variant_reads_back_what_the_derive_wrote() {
        round_trip(&failures());
        round_trip(&rejections());
        round_trip(&reasons());
        let mut before = Map::new();
        before.insert("name".into(), json!("PC"));
        let mut decisions = vec![
            Decision::Create,
            Decision::Update {
                id: 9,
                changes: [
                    ("name".to_string(), FieldValue::Text("PC-7".into())),
                    ("locations_id".to_string(), FieldValue::Ref(key("L"))),
                    (
                        "groups".to_string(),
                        FieldValue::List(vec![FieldValue::Id(2), FieldValue::Number(-1)]),
                    ),
                    (
                        "_useremails".to_string(),
                        FieldValue::Texts(vec!["a@b.fr".into(), String::new()]),
                    ),
                    ("_none".to_string(), FieldValue::Texts(Vec::new())),
                    (
                        "_versions".to_string(),
                        FieldValue::NewChildren(vec!["1.0".into()]),
                    ),
                    (
                        "_filename".to_string(),
                        FieldValue::File(DocumentFile {
                            filename: "a.pdf".into(),
                            mime: "application/pdf".into(),
                            bytes: vec![0, 255, 37],
                        }),
                    ),
                    (
                        "_children".to_string(),
                        FieldValue::Children(vec![(-1, "x".into()), (4, "y".into())]),
                    ),
                ]
                .into_iter()
                .collect(),
                before: before.clone(),
            },
            Decision::Skip { id: 10 },
            Decision::Conflict { ids: vec![11, 12] },
        ];
        decisions.extend(
            rejections()
                .into_iter()
                .map(|rejection| Decision::Rejected { rejection }),
        );
        round_trip(&decisions);
        round_trip(&[
            Destination::Column {
                column: "serial".into(),
            },
            Destination::Related {
                itemtype: GlpiType::Infocom,
                column: "buy_date".into(),
            },
            Destination::WarrantyExpiration,
            Destination::TreePath,
            Destination::Entity,
            Destination::Objects {
                itemtype: GlpiType::SoftwareVersion,
            },
            Destination::GroupManager,
            Destination::NotCarried {
                reason: NotCarriedReason::SetByGlpi,
            },
        ]);
        let mut events = vec![
            Event::Started {
                run: "r1".into(),
                objects: 12,
                resumed: false,
            },
            Event::Intent {
                batch: 1,
                action: BatchAction::Update,
                itemtype: GlpiType::Computer,
                objects: vec![key("PC-8")],
                before: vec![before.clone()],
                keys: vec![IntentKey {
                    rank: 0,
                    fields: vec!["serial".into()],
                    value: "S1".into(),
                }],
            },
            Event::Intent {
                batch: 2,
                action: BatchAction::Create,
                itemtype: GlpiType::Computer,
                objects: vec![key("PC-9")],
                before: Vec::new(),
                keys: Vec::new(),
            },
            Event::Closed { batch: 1 },
            Event::Finished { cancelled: true },
            Event::Undone {
                object: key("PC-8"),
                ok: true,
                message: "rétabli".into(),
            },
        ];
        for (n, reason) in reasons().into_iter().enumerate() {
            events.push(Event::Done(Record {
                object: key(&format!("PC-{n}")),
                rank: 1,
                outcome: Outcome::Failed,
                id: (n % 2 == 0).then_some(n as u64),
                reason,
                sources: vec![SourceLine {
                    file: "ordinateurs.csv".into(),
                    line: n + 2,
                }],
                before: (n % 3 == 0).then(|| before.clone()),
                curl: (n % 2 == 1).then(|| "curl -X POST".to_string()),
                at_ms: n as f64 * 1.5,
            }));
        }
        round_trip(&events);
    }

    #[test]
    fn the_plans_choices_credentials_and_the_directorys_actions_read_back_too() {
        use crate::directory::apply::{ApplyProblem, LineAction};
        use crate::migrate::api::Credentials;
        use crate::migrate::plan::ValueChoice;
        round_trip(&[
            ValueChoice::Create,
            ValueChoice::MapTo(7),
            ValueChoice::Empty,
        ]);
        round_trip(&[
            Credentials::UserToken { token: "t".into() },
            Credentials::Password {
                login: "glpi".into(),
                password: "p".into(),
            },
        ]);
        let login = || "jean.dupont".to_string();
        round_trip(&[
            LineAction::Create { login: login() },
            LineAction::AlreadyCreated { login: login() },
            LineAction::Modify { login: login() },
            LineAction::Trash { login: login() },
            LineAction::AlreadyTrashed { login: login() },
            LineAction::Rejected,
        ]);
        let s = |t: &str| t.to_string();
        round_trip(&[
            ApplyProblem::NotFound {
                mode: 'M',
                cle: s("12"),
                login: login(),
            },
            ApplyProblem::KeyLoginMismatch {
                mode: 'S',
                cle: s("12"),
                cle_login: s("autre"),
                login: login(),
            },
            ApplyProblem::NotFoundByName {
                nom: s("DUPONT"),
                prenom: s("Jean"),
                serv: s("SG"),
            },
            ApplyProblem::Ambiguous {
                nom: s("DUPONT"),
                prenom: s("Jean"),
                serv: s("SG"),
                logins: s("a, b"),
            },
            ApplyProblem::InTrash { login: login() },
            ApplyProblem::OutOfScope {
                login: login(),
                serv: s("SG"),
            },
            ApplyProblem::LoginTaken {
                given: s("jd"),
                login: login(),
            },
            ApplyProblem::NoLogin,
            ApplyProblem::UnknownProfile {
                profil: s("3"),
                name: s("Observer"),
            },
            ApplyProblem::RightsNotChanged {
                fields: s("VALIDE"),
            },
            ApplyProblem::SeveralAuthorizations { entity: 4 },
            ApplyProblem::MailKept,
            ApplyProblem::MailAlreadyThere { mail: s("a@b.fr") },
            ApplyProblem::NoLocation {
                address: s("1 rue"),
            },
            ApplyProblem::Run {
                object: s("User jd"),
                message: s("refusé"),
            },
            ApplyProblem::Password {
                login: login(),
                message: s("trop court"),
            },
        ]);
    }

    #[test]
    fn journal_lines_written_before_are_read_as_they_were() {
        // A created record and an intent without before-values or keys, as older journals hold.
        let done: Event = serde_json::from_str(
            r#"{"event":"done","object":{"itemtype":"Computer","key":"PC-1"},"rank":0,"outcome":"created","id":5,"reason":{"kind":"created"},"sources":[{"file":"ordinateurs.csv","line":2}],"before":null,"curl":null,"at_ms":3.0}"#,
        )
        .unwrap();
        let Event::Done(record) = done else {
            panic!("{done:?}")
        };
        assert_eq!((record.id, record.reason), (Some(5), RecordReason::Created));
        let intent: Event = serde_json::from_str(
            r#"{"event":"intent","batch":3,"action":"create","itemtype":"Computer","objects":[]}"#,
        )
        .unwrap();
        assert_eq!(
            intent,
            Event::Intent {
                batch: 3,
                action: BatchAction::Create,
                itemtype: GlpiType::Computer,
                objects: Vec::new(),
                before: Vec::new(),
                keys: Vec::new(),
            }
        );
    }

    #[test]
    fn a_bad_object_is_an_error_that_names_what_is_wrong() {
        let error = |text: &str| serde_json::from_str::<Event>(text).unwrap_err().to_string();
        assert!(error(r#"{"event":"exploded"}"#).contains("unknown variant `exploded`"));
        assert!(error(r#"{"event":"closed"}"#).contains("missing field `batch`"));
        assert!(error(r#"{"batch":1}"#).contains("missing field `event`"));
        assert!(error(r#"{"event":7}"#).contains("`event` is not a string"));
        assert!(error(r#"{"event":"closed","batch":"un"}"#).contains("invalid type"));
        assert!(error(r#"[1]"#).contains("invalid type"));
        let reason = serde_json::from_value::<RecordReason>(json!({"kind": "failed"}));
        assert!(reason
            .unwrap_err()
            .to_string()
            .contains("missing field `failure`"));
        // Adjacently tagged: a unit variant's content may be absent or null; a struct
        // variant's fields are in its content.
        use crate::validate::ValueProblem;
        for text in [
            r#"{"code":"value.missing"}"#,
            r#"{"code":"value.missing","values":null}"#,
        ] {
            assert_eq!(
                serde_json::from_str::<ValueProblem>(text).unwrap(),
                ValueProblem::Missing
            );
        }
        let too_long = r#"{"values":{"len":300},"code":"value.too_long"}"#;
        assert_eq!(
            serde_json::from_str::<ValueProblem>(too_long).unwrap(),
            ValueProblem::TooLong { len: 300 }
        );
        let no_values = serde_json::from_str::<ValueProblem>(r#"{"code":"value.too_long"}"#);
        assert!(no_values
            .unwrap_err()
            .to_string()
            .contains("missing field `len`"));
        // A field no variant has is ignored, as the derive did.
        let extra: Value = json!({"kind": "conflict", "ids": [1], "note": "x"});
        assert_eq!(
            serde_json::from_value::<RecordReason>(extra).unwrap(),
            RecordReason::Conflict { ids: vec![1] }
        );
    }
}
