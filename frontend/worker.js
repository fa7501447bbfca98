// Passerelle's checker, off the main thread: a module Web Worker that loads the page's own wasm
// module (same hashed files, so the browser reuses its download) and hands every message to
// Rust's `worker_handle` (frontend/src/worker.rs). Copied as is into dist/ by trunk (index.html,
// rel="copy-file"); the page starts it as `worker.js?js=…&wasm=…` with the names trunk wrote into
// <meta name="passerelle-app">. No inline code, no eval: allowed by the proxy's CSP.
const params = new URL(self.location.href).searchParams;
const js = params.get('js');
const wasm = params.get('wasm');

const ready = (async () => {
  if (!js || !wasm || !js.startsWith('/') || !wasm.startsWith('/')) {
    throw new Error('worker.js: js and wasm must be paths of this site');
  }
  const mod = await import(js);
  await mod.default({ module_or_path: wasm });
  return mod;
})();

self.onmessage = async (event) => {
  let mod;
  try {
    mod = await ready;
  } catch (err) {
    // A bare `Reply::Failed` (serde's external tag, no channel): the page tells every part
    // of it, in its language, why the checker is not there.
    self.postMessage(JSON.stringify({
      failed: {
        id: 0,
        message_fr: 'le vérificateur ne démarre pas : ' + err,
        message_en: 'the checker does not start: ' + err,
      },
    }));
    return;
  }
  mod.worker_handle(event.data);
};
