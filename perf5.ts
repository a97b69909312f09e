import { parameterSpecs, BABY_GPT } from "./trainer/model/transformer";
import { chunkLayout } from "./sdk/demo/chunkLayout";
import { chunkedDct } from "./sdk/demo/chunkedDct";
import { topKPerChunk } from "./sdk/demo/topK";
import { DemoWorker, PSYCHE_DEMO } from "./trainer/optim/demo";
import { globalNorm } from "./trainer/optim/gradClip";
const shapes = parameterSpecs(BABY_GPT).map(s => s.shape);
const layouts = shapes.map(s => chunkLayout(s));
const grads = shapes.map(s => Float32Array.from({length: s.reduce((a,b)=>a*b,1)}, () => Math.random() - 0.5));
const w = new DemoWorker(shapes, { ...PSYCHE_DEMO, topK: 32 });
for (let rep = 0; rep < 6; rep++) {
  let t = performance.now(); globalNorm(grads); const a = performance.now() - t;
  t = performance.now(); const cs = grads.map((g, i) => chunkedDct(g, layouts[i])); const b = performance.now() - t;
  t = performance.now(); cs.forEach((c, i) => topKPerChunk(c, layouts[i].chunkLen, 32)); const c = performance.now() - t;
  t = performance.now(); w.step(grads, 1); const d = performance.now() - t;
  console.log(`norm ${a.toFixed(1)} dct ${b.toFixed(1)} topk ${c.toFixed(1)} worker.step ${d.toFixed(1)} ms`);
}
