// One line per command group; each group lives in its own file and knows nothing of the others.
// A group's file is loaded only when its commands are run (or help lists them all): `medallion
// sandbox start` then loads the broker and not DuckDB, the inspector, the runner or kafkajs, which
// cost a long-running broker process half a second of CPU before its first request. `require`
// rather than `import()`: tsx's CommonJS hook and the esbuild bundle both resolve it, and it keeps
// registration synchronous.
/* eslint-disable @typescript-eslint/no-require-imports */
import type { Command } from 'commander';
import type * as Demo from './demo';
import type * as Inspect from './inspect';
import type * as Replay from './replay';
import type * as Run from './run';
import type * as Samples from './samples';
import type * as Sandbox from './sandbox';
import type * as Warehouse from './warehouse';

type Register = (program: Command) => void;

/** Each group with the top-level commands it registers. */
const groups: { commands: readonly string[]; load: () => Register }[] = [
  { commands: ['sandbox'], load: () => (require('./sandbox') as typeof Sandbox).registerSandboxCommands },
  { commands: ['demo'], load: () => (require('./demo') as typeof Demo).registerDemoCommands },
  { commands: ['samples'], load: () => (require('./samples') as typeof Samples).registerSamplesCommands },
  { commands: ['warehouse', 'query'], load: () => (require('./warehouse') as typeof Warehouse).registerWarehouseCommands },
  { commands: ['replay'], load: () => (require('./replay') as typeof Replay).registerReplayCommands },
  { commands: ['run', 'rerun'], load: () => (require('./run') as typeof Run).registerRunCommands },
  { commands: ['inspect'], load: () => (require('./inspect') as typeof Inspect).registerInspectCommands },
];

/**
 * Registers every group, or only the one that owns `commandName` (the first argument) when there
 * is one: help and mistyped commands still see them all, so commander lists and suggests from all.
 * Should the owner not register that command after all (a list above gone stale), the others are
 * registered too, so a stale list costs time, never a command.
 */
export function registerCommands(program: Command, commandName?: string): void {
  const owner = groups.find((g) => commandName !== undefined && g.commands.includes(commandName));
  if (owner) {
    owner.load()(program);
    if (program.commands.some((c) => c.name() === commandName)) return;
  }
  for (const group of groups) if (group !== owner) group.load()(program);
}
