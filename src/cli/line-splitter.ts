// Splits a child process's output into whole lines, holding a partial line until its end arrives.
// A line longer than the cap is cut, so a process that never prints a newline cannot grow memory.

export const MAX_LINE_CHARS = 1 << 20;

export function createLineSplitter(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let pending = '';
  return {
    push(chunk: string) {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        onLine(pending.slice(0, newline).replace(/\r$/, ''));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      if (pending.length > MAX_LINE_CHARS) {
        onLine(pending.slice(0, MAX_LINE_CHARS));
        pending = '';
      }
    },
    end() {
      if (pending) onLine(pending);
      pending = '';
    },
  };
}
