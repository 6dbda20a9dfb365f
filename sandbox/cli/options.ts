// Option parsers shared by the CLI's commands, so every command rejects bad numbers the same way.
import { readFileSync } from 'node:fs';
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

/** The text of a file an option names, or an error that names the option and the file. */
export function readOptionFile(file: string, option: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${option}: cannot read ${file}: ${(error as Error).message}`);
  }
}
