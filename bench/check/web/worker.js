// The check in a Web Worker, as the real page will run it: streams the File (Blob) into wasm
// memory and checks it.
import init, { Upload } from '/pkg/passerelle_bench_check_wasm.js';

const ready = init();

onmessage = async (e) => {
  const wasm = await ready;
  const t0 = performance.now();
  // Streamed into wasm memory: no whole JavaScript copy of the file besides the Blob.
  const upload = new Upload(e.data.blob.size);
  const reader = e.data.blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    upload.push(value);
  }
  const t1 = performance.now();
  const summary = JSON.parse(upload.check('Computer.csv'));
  const t2 = performance.now();
  postMessage({
    ...summary,
    readMs: t1 - t0,
    checkMs: t2 - t1,
    wasmMemory: wasm.memory.buffer.byteLength,
  });
};
