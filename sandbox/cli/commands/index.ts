// One line per command group; each group lives in its own file and knows nothing of the others.
import type { Command } from 'commander';
import { registerDemoCommands } from './demo';
import { registerInspectCommands } from './inspect';
import { registerSandboxCommands } from './sandbox';
import { registerReplayCommands } from './replay';
import { registerRunCommands } from './run';
import { registerSamplesCommands } from './samples';
import { registerWarehouseCommands } from './warehouse';

type Register = (program: Command) => void;

const groups: Register[] = [
  registerSandboxCommands,
  registerDemoCommands,
  registerSamplesCommands,
  registerWarehouseCommands,
  registerReplayCommands,
  registerRunCommands,
  registerInspectCommands,
];

export function registerCommands(program: Command): void {
  for (const register of groups) register(program);
}
