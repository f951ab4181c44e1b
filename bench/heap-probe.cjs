// Preloaded (`node -r bench/heap-probe.cjs`) into every server a benchmark starts (lib.ts startProcess), so the
// bench can read the server's heap from outside without touching the app: it answers over the IPC channel.
//   { probe: 'alloc-start' } / { probe: 'alloc-stop' }  bytes allocated in between: the growth of the used heap
//       plus what every collection in between freed (v8.GCProfiler reports each one's before and after), which
//       works on Node 20 and 24 alike (neither has a total-allocated counter)
//   { probe: 'gc' }        a full collection, then the live heap (used_heap_size) in bytes
//   { probe: 'snapshot', file }  v8.writeHeapSnapshot(file) (it collects first: what it holds is retained)
//   { probe: 'sampling-start' } / { probe: 'sampling-stop', file }  V8's sampling heap profiler, collected
//       objects included: where the bytes are allocated (the .heapprofile opens in Chrome DevTools)
// Plain CommonJS, so the built API loads it without ts-node.
'use strict';
const v8 = require('node:v8');
const vm = require('node:vm');
const { writeFileSync } = require('node:fs');
const inspector = require('node:inspector');

if (process.send) {
  // A full collection on demand without starting the process with --expose-gc.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  let profiler;
  let usedAtStart = 0;
  const used = () => v8.getHeapStatistics().used_heap_size;
  const answer = {
    'alloc-start': () => {
      profiler = new v8.GCProfiler();
      profiler.start();
      usedAtStart = used();
      return {};
    },
    'alloc-stop': () => {
      const usedAtEnd = used();
      const { statistics } = profiler.stop();
      let freed = 0;
      let gcMs = 0;
      for (const s of statistics) {
        freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
        gcMs += s.cost / 1000;
      }
      return { bytes: usedAtEnd - usedAtStart + freed, collections: statistics.length, gcMs };
    },
    gc: () => {
      gc();
      return { usedHeapBytes: used() };
    },
    snapshot: (message) => ({ file: v8.writeHeapSnapshot(message.file) }),
    'sampling-start': () => {
      session = new inspector.Session();
      session.connect();
      return post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      }).then(() => ({}));
    },
    'sampling-stop': (message) =>
      post('HeapProfiler.stopSampling').then(({ profile }) => {
        writeFileSync(message.file, JSON.stringify(profile));
        session.disconnect();
        return { file: message.file };
      }),
  };
  let session;
  const post = (method, params) =>
    new Promise((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  process.on('message', (message) => {
    const handler = message && answer[message.probe];
    if (handler)
      Promise.resolve(handler(message)).then((result) => process.send({ probe: message.probe, ...result }));
  });
  // The channel must not keep a server alive once it has closed.
  process.channel.unref();
}
