// Starts Passerelle's wasm app.
// An external module, not trunk's inline loader, because the proxy's Content-Security-Policy
// forbids inline scripts. Trunk writes the hashed file names into <meta name="passerelle-app">
// (see Trunk.toml, pattern_script).
const meta = document.querySelector('meta[name="passerelle-app"]');
if (!meta || !meta.dataset.js || !meta.dataset.wasm) {
  throw new Error('Passerelle: <meta name="passerelle-app"> is missing; was the page built with trunk?');
}
const { default: init } = await import(meta.dataset.js);
await init({ module_or_path: meta.dataset.wasm });
