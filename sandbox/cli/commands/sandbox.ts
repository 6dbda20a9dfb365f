/**
 * `medallion sandbox start`: runs the Kafka sandbox broker in the foreground until Ctrl-C.
 */
import type { Command } from 'commander';
import { startBroker } from '../../broker/index';
import { parseIntOption } from '../options';

export function registerSandboxCommands(program: Command): void {
  const sandbox = program.command('sandbox').description('the local Kafka sandbox broker');
  sandbox
    .command('start')
    .description('start the sandbox broker in the foreground and print its bootstrap address')
    .option('--port <port>', 'TCP port; 0 picks a free one', parseIntOption, 9092)
    .option('--host <host>', 'address to bind; loopback unless you say otherwise', '127.0.0.1')
    .option('--data-dir <dir>', 'where topics and offsets are kept', '.medallion/kafka')
    .option('--partitions <n>', 'partitions of auto-created topics', parseIntOption, 1)
    .option('--no-auto-create', 'do not create topics on first use')
    .action(async (opts: { port: number; host: string; dataDir: string; partitions: number; autoCreate: boolean }) => {
      const broker = await startBroker({
        port: opts.port,
        host: opts.host,
        dataDir: opts.dataDir,
        defaultPartitions: opts.partitions,
        autoCreateTopics: opts.autoCreate,
      });
      console.log(`sandbox broker listening; bootstrap ${broker.bootstrap} (data in ${opts.dataDir})`);
      const stop = () => {
        console.log('stopping sandbox broker');
        void broker.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
