// One line per command group; each group lives in its own file and knows nothing of the others.
import type { Command } from 'commander';

type Register = (program: Command) => void;

const groups: Register[] = [];

export function registerCommands(program: Command): void {
  for (const register of groups) register(program);
}
