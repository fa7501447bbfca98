//! Documents read from a local GLPI to planned objects: each document is a `Document` (its file
//! uploaded with it, found on the target by sha1sum and file name), each of its links a
//! `Document_Item` waiting for the item it joins. `Document_Item` has the rank of a ticket's
//! timeline ([`GlpiType::stage`]), so a ticket's documents are linked before its solution and
//! closing: GLPI adds no document to a closed ticket.

use crate::glpi::{GlpiType, Target};
use crate::migrate::model::{FieldValue, ObjectKey, PlannedObject, SourceLine};
use crate::migrate::source::documents::SourceDocument;
use crate::migrate::source::table_name;

use super::draft::{rank_of, Draft};

/// A document's key in the plan: its file name and sha1sum (what finds it on the target).
pub fn document_key(filename: &str, sha1sum: &str) -> String {
    format!("{filename}|{}", sha1sum.to_lowercase())
}

impl Draft {
    /// Adds the documents read from a local GLPI, with their links.
    pub fn add_documents(&mut self, documents: &[SourceDocument]) {
        let doc_table = table_name(GlpiType::Document.name());
        let link_table = table_name(GlpiType::DocumentItem.name());
        for doc in documents {
            let key = document_key(&doc.file.filename, &doc.sha1sum);
            let source = SourceLine {
                file: doc_table.clone(),
                line: doc.id as usize,
            };
            // The same file under the same name twice in the source: one document on the
            // target, with the links of both.
            match self.find(GlpiType::Document, &key) {
                Some(i) => self.objects[i].sources.push(source),
                None => {
                    let mut o = PlannedObject::new(
                        ObjectKey::new(GlpiType::Document, key.clone()),
                        rank_of(GlpiType::Document, 0),
                    );
                    let texts = [
                        ("name", &doc.name),
                        ("comment", &doc.comment),
                        ("filename", &doc.file.filename),
                        ("mime", &doc.mime),
                        ("sha1sum", &doc.sha1sum),
                    ];
                    for (field, value) in texts {
                        if !value.is_empty() {
                            o.fields
                                .insert(field.into(), FieldValue::Text(value.clone()));
                        }
                    }
                    o.fields
                        .insert("_filename".into(), FieldValue::File(doc.file.clone()));
                    o.sources.push(source);
                    let i = self.push(o);
                    self.wait_for(i, "entities_id", Target::Entity, doc.entity.clone());
                    *self.entity_rows.entry(doc.entity.clone()).or_default() += 1;
                    if !doc.category.is_empty() {
                        self.wait_for(
                            i,
                            "documentcategories_id",
                            Target::Tree(GlpiType::DocumentCategory),
                            doc.category.clone(),
                        );
                    }
                }
            }
            let owner = ObjectKey::new(GlpiType::Document, key.clone());
            for (link, itemtype, item) in &doc.links {
                let link_key = format!("{key}|{itemtype}|{item}");
                if self.find(GlpiType::DocumentItem, &link_key).is_some() {
                    continue;
                }
                let mut o = PlannedObject::new(
                    ObjectKey::new(GlpiType::DocumentItem, link_key),
                    rank_of(GlpiType::DocumentItem, 0),
                );
                o.fields
                    .insert("documents_id".into(), FieldValue::Ref(owner.clone()));
                o.fields.insert(
                    "itemtype".into(),
                    FieldValue::Text(itemtype.name().to_string()),
                );
                if *itemtype == GlpiType::Ticket {
                    // No update of the ticket, no notification.
                    o.fields
                        .insert("_do_update_ticket".into(), FieldValue::Number(0));
                    o.fields
                        .insert("_disablenotif".into(), FieldValue::Number(1));
                }
                o.sources.push(SourceLine {
                    file: link_table.clone(),
                    line: *link as usize,
                });
                let i = self.push(o);
                self.wait_for(i, "items_id", Target::Dropdown(*itemtype), item.clone());
            }
        }
    }
}
