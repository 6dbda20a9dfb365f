/**
 * Finds the tests in a node:test file by reading its text (`test('name'`, `it(`, `describe(`,
 * `suite(`), for Test Explorer's tree before anything runs. Running reports the real results.
 */

export interface FoundTest {
  name: string;
  /** Zero-based line of the call. */
  line: number;
  /** Names of the enclosing describe/suite calls, outermost first. */
  parents: string[];
}

const CALL = /^(\s*)(?:await\s+)?(test|it|describe|suite)(?:\.(?:only|skip|todo))?\(\s*(['"`])((?:\\.|(?!\3).)*)\3/;

export function findTests(text: string): FoundTest[] {
  const found: FoundTest[] = [];
  const stack: { indent: number; name: string }[] = [];
  text.split('\n').forEach((line, i) => {
    const match = CALL.exec(line);
    if (!match) return;
    const indent = match[1]!.length;
    while (stack.length > 0 && stack.at(-1)!.indent >= indent) stack.pop();
    const name = match[4]!.replace(/\\(.)/g, '$1');
    found.push({ name, line: i, parents: stack.map((s) => s.name) });
    if (match[2] === 'describe' || match[2] === 'suite') stack.push({ indent, name });
  });
  return found;
}
