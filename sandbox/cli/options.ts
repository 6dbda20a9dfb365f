// Option parsers shared by the CLI's commands, so every command rejects bad numbers the same way.
import { InvalidArgumentError } from 'commander';

export function parseIntOption(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`"${value}" is not an integer`);
  return Number(value);
}
