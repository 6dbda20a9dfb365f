// The entry point of a worker process (see supervisor.ts). Its configuration arrives as JSON in
// MEDALLION_WORKER_CONFIG; "stop" on stdin (or SIGTERM) commits and leaves the group cleanly.
import { createInterface } from 'node:readline';
import type { WorkerConfig } from './run-options';
import { loadPlan, reportError, send, Worker } from './worker';

async function main(): Promise<void> {
  const config = JSON.parse(process.env.MEDALLION_WORKER_CONFIG ?? 'null') as WorkerConfig | null;
  if (config === null) throw new Error('MEDALLION_WORKER_CONFIG is not set: workers are started by `medallion run`');
  const worker = new Worker(config, loadPlan(config.bundleFile));
  // The heartbeat comes from the event loop: user code stuck in a loop stops it, and the supervisor notices.
  const beat = (): void => send({ type: 'heartbeat', worker: config.workerIndex });
  const heartbeat = setInterval(beat, 500);
  beat();
  const metrics = setInterval(() => send(worker.metrics()), 1_000);
  const stop = (): void => {
    clearInterval(heartbeat);
    clearInterval(metrics);
    void worker.stop().then(() => {
      send(worker.metrics());
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'stop') stop();
  });
  process.on('uncaughtException', (error) => worker.fail(error));
  process.on('unhandledRejection', (error) => worker.fail(error));
  await worker.start();
  await worker.loop();
}

main().catch((error: unknown) => {
  // Loading the pipeline runs the user's module: an error there points at the user's line too.
  reportError(error, Number(JSON.parse(process.env.MEDALLION_WORKER_CONFIG ?? '{}').workerIndex ?? -1));
  process.exit(1);
});
