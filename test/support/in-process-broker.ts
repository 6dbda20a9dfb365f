/**
 * Starts the broker inside the test process on a free port with a fresh data directory, and takes
 * both down again. Its log lines are kept (not printed) so a failing test can show them.
 */
import { startBroker, type BrokerOptions, type RunningBroker } from '../../sandbox/broker/index';
import { makeTempDir, type TempDir } from './temp-dir';

export interface TestBroker {
  readonly broker: RunningBroker;
  readonly bootstrap: string;
  readonly dataDir: string;
  /** Every line the broker logged, prefixed with its level. */
  readonly logLines: string[];
  /** Stops the broker and removes its data directory (unless `keepData` was given). */
  close(): Promise<void>;
}

export interface TestBrokerOptions extends Partial<BrokerOptions> {
  /** Leave the data directory in place on close, for restart tests that reopen it. */
  keepData?: boolean;
}

export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const { keepData, ...brokerOptions } = options;
  let temp: TempDir | undefined;
  const dataDir = brokerOptions.dataDir ?? (temp = makeTempDir('medallion-broker-')).path;
  const logLines: string[] = [];
  const keep = (level: string) => (message: string) => {
    // Bounded, so a broker that logs every fuzzed frame cannot grow the test's memory without end.
    if (logLines.length < 10_000) logLines.push(`${level}: ${message}`);
  };
  let broker: RunningBroker;
  try {
    broker = await startBroker({
      port: 0,
      groupInitialRebalanceDelayMs: 0,
      logger: { info: keep('info'), warn: keep('warn'), error: keep('error') },
      ...brokerOptions,
      dataDir,
    });
  } catch (error) {
    temp?.remove();
    throw error;
  }
  return {
    broker,
    bootstrap: broker.bootstrap,
    dataDir,
    logLines,
    async close() {
      await broker.close();
      if (!keepData) temp?.remove();
    },
  };
}
