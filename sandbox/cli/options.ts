// Option parsers shared by the CLI's commands, so every command rejects bad numbers the same way.
import { InvalidArgumentError } from 'commander';

export function parseIntOption(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`"${value}" is not an integer`);
  return Number(value);
}

/** A count or size: 1 or more. */
export function positiveIntOption(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`expected a positive integer, got ${value}`);
  return Number(value);
}

/** An offset or a duration where 0 means none: 0 or more. */
export function nonNegativeIntOption(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a whole number, got ${value}`);
  return Number(value);
}
