// The `medallion` command line. Every feature of the extension is reachable from here, so
// everything runs headless and in CI. Each command group registers itself in commands/index.ts.
import { Command } from 'commander';
import { registerCommands } from './commands/index';

const program = new Command('medallion')
  .description('Medallion Studio: author, run and inspect medallion streaming pipelines on a local Kafka sandbox.')
  .showHelpAfterError();

registerCommands(program, process.argv[2]);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`medallion: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
