// The benchmark page's side: everything the driver (src/bin/browser.rs) calls through WebDriver.
// Papa Parse's parse alone and Passerelle's check (read + validate in WebAssembly) run on the
// same bytes in the same page; the worker run measures the main thread's long tasks.
import init, { check } from '/pkg/passerelle_bench_check_wasm.js';

const state = { blob: null, bytes: null, text: null };
let wasm = null;

function heap() {
  return performance.memory ? performance.memory.usedJSHeapSize : 0;
}

window.bench = {
  async ready() {
    wasm = await init();
    document.getElementById('status').textContent = 'prêt';
    return { papaparse: Papa.version || 'unknown', wasmMemory: wasm.memory.buffer.byteLength };
  },

  // Fetches the file once: kept as a Blob (what a dropped File is) and, unless blobOnly, as bytes.
  async load(url, blobOnly) {
    state.text = null;
    state.bytes = null;
    state.blob = await (await fetch(url)).blob();
    if (!blobOnly) state.bytes = new Uint8Array(await state.blob.arrayBuffer());
    return state.blob.size;
  },

  // UTF-8 bytes to a JS string (BOM dropped), which Papa Parse needs; timed apart.
  decode() {
    const t0 = performance.now();
    state.text = new TextDecoder('utf-8').decode(state.bytes);
    return performance.now() - t0;
  },

  // Papa Parse's parse alone, on the decoded text, as its documentation shows.
  papa() {
    if (state.text === null) this.decode();
    const t0 = performance.now();
    const result = Papa.parse(state.text, { delimiter: ';' });
    const ms = performance.now() - t0;
    return { ms, rows: result.data.length, errors: result.errors.length };
  },

  // Passerelle's check on the same bytes (copied into wasm memory, decoded, read, validated).
  passerelle() {
    const t0 = performance.now();
    const summary = JSON.parse(check('Computer.csv', state.bytes));
    const ms = performance.now() - t0;
    return { ms, ...summary, wasmMemory: wasm.memory.buffer.byteLength };
  },

  // The real page's way: the File (here the Blob) goes to a Web Worker that runs the check.
  // Meanwhile the main thread records its long tasks (> 50 ms) and the longest gap between
  // 10 ms timer ticks, and samples its JS heap.
  async worker() {
    const longTasks = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push(e.duration);
    });
    observer.observe({ type: 'longtask' });
    let maxGap = 0;
    let last = performance.now();
    let beating = true;
    const beat = () => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      if (beating) setTimeout(beat, 10);
    };
    setTimeout(beat, 10);
    let peakHeap = heap();
    const sampler = setInterval(() => { peakHeap = Math.max(peakHeap, heap()); }, 20);

    const t0 = performance.now();
    const w = new Worker('/worker.js', { type: 'module' });
    const result = await new Promise((resolve, reject) => {
      w.onmessage = (e) => resolve(e.data);
      w.onerror = (e) => reject(new Error(e.message || 'worker error'));
      w.postMessage({ blob: state.blob });
    });
    const ms = performance.now() - t0;
    beating = false;
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 200)); // let the observer deliver the last entries
    observer.disconnect();
    w.terminate();
    return {
      ms,
      ...result,
      longTasks: longTasks.length,
      maxLongTask: longTasks.length ? Math.max(...longTasks) : 0,
      maxGap,
      peakHeap,
    };
  },
};
