//! The page's messages to the checker's worker: files in parts, then the request (run in headless
//! Chromium; both ends called in one thread, as the worker would receive the page's messages).
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use passerelle_engine::check::FileOverrides;
use passerelle_frontend::worker::{receive, to_messages, Channel, FileSpec, Job, Request};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn request(id: u32, names: &[&str]) -> Request {
    Request {
        id,
        files: names
            .iter()
            .map(|n| FileSpec {
                name: n.to_string(),
                overrides: FileOverrides::default(),
            })
            .collect(),
        templates: Vec::new(),
        service: None,
    }
}

#[wasm_bindgen_test]
fn files_arrive_whole_in_order_and_parts_of_an_abandoned_request_are_dropped() {
    // A file of several parts (4 MB each), an empty file and a small one.
    let large: Vec<u8> = (0..9_000_001u32).map(|i| (i % 251) as u8).collect();
    let files = vec![
        Rc::new(large.clone()),
        Rc::new(Vec::new()),
        Rc::new(b"Nom;Serie\n".to_vec()),
    ];
    // Request 1 is abandoned after its first part (the page fell back to the main thread).
    let abandoned = to_messages(&request(1, &["a", "b", "c"]), &files, None);
    assert!(abandoned.len() > 4, "the large file goes in several parts");
    assert!(receive(&abandoned[0].0).unwrap().is_none());
    // Request 2 is sent whole: exactly its files come back, byte for byte.
    let sent = to_messages(&request(2, &["a", "b", "c"]), &files, None);
    let mut got = None;
    for (message, _) in &sent {
        if let Some(m) = receive(message).unwrap() {
            got = Some(m);
        }
    }
    let (channel, job) = got.expect("the request comes last");
    assert_eq!(channel, Channel::Check);
    let Job::Check(req, bytes, refs) = job else {
        panic!("a check")
    };
    assert_eq!(req.id, 2);
    assert!(refs.is_none());
    assert_eq!(bytes.len(), 3);
    assert!(bytes[0] == large, "the large file is whole");
    assert!(bytes[1].is_empty());
    assert_eq!(bytes[2], b"Nom;Serie\n");
    // A request whose parts never came gets no file (the worker then answers "files missing").
    let alone = to_messages(&request(3, &["a"]), &files[2..], None);
    let (_, job) = receive(&alone.last().unwrap().0).unwrap().unwrap();
    assert!(matches!(job, Job::Check(_, bytes, _) if bytes.is_empty()));
}
