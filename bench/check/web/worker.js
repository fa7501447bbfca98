// The check in a Web Worker, as the real page will run it: reads the File (Blob) and checks it.
import init, { check } from '/pkg/passerelle_bench_check_wasm.js';

const ready = init();

onmessage = async (e) => {
  const wasm = await ready;
  const t0 = performance.now();
  const bytes = new Uint8Array(await e.data.blob.arrayBuffer());
  const t1 = performance.now();
  const summary = JSON.parse(check('Computer.csv', bytes));
  const t2 = performance.now();
  postMessage({
    ...summary,
    readMs: t1 - t0,
    checkMs: t2 - t1,
    wasmMemory: wasm.memory.buffer.byteLength,
  });
};
