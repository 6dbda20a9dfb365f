// A small checker for the subset of JSON Schema the mess profile uses (type, enum, minimum,
// maximum, required, additionalProperties: false, local $ref). It exists so the profile is checked
// against the very schema VS Code uses to complete it, and errors name the bad field by its path.

/** The subset of a JSON Schema node this checker understands. */
export interface SchemaNode {
  type?: 'object' | 'number' | 'integer' | 'string' | 'boolean' | 'array';
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  required?: readonly string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean;
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
}

/** Returns one message per violation, each starting with the JSON path of the offending field. */
export function checkAgainstSchema(value: unknown, schema: SchemaNode): string[] {
  const errors: string[] = [];
  visit(value, schema, '$', schema, errors);
  return errors;
}

function visit(value: unknown, node: SchemaNode, path: string, root: SchemaNode, errors: string[]): void {
  if (node.$ref !== undefined) {
    const name = node.$ref.replace(/^#\/\$defs\//, '');
    const target = root.$defs?.[name];
    if (!target) throw new Error(`schema has an unknown $ref ${node.$ref}`);
    visit(value, target, path, root, errors);
    return;
  }
  if (node.enum !== undefined && !node.enum.includes(value)) {
    errors.push(`${path} must be one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(value)}`);
    return;
  }
  switch (node.type) {
    case 'object':
      checkObject(value, node, path, root, errors);
      return;
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value) || (node.type === 'integer' && !Number.isInteger(value))) {
        errors.push(`${path} must be ${node.type === 'integer' ? 'an integer' : 'a number'}, not ${JSON.stringify(value)}`);
        return;
      }
      if (node.minimum !== undefined && value < node.minimum) errors.push(`${path} must be at least ${node.minimum}, not ${value}`);
      if (node.maximum !== undefined && value > node.maximum) errors.push(`${path} must be at most ${node.maximum}, not ${value}`);
      return;
    case 'string':
    case 'boolean':
      if (typeof value !== node.type) errors.push(`${path} must be a ${node.type}, not ${JSON.stringify(value)}`);
      return;
    case 'array':
      if (!Array.isArray(value)) errors.push(`${path} must be an array`);
      return;
    case undefined:
      return;
  }
}

function checkObject(value: unknown, node: SchemaNode, path: string, root: SchemaNode, errors: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push(`${path} must be an object, not ${JSON.stringify(value)}`);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const name of node.required ?? []) {
    if (!(name in record)) errors.push(`${path}.${name} is required`);
  }
  for (const [name, child] of Object.entries(record)) {
    const childNode = node.properties?.[name];
    if (childNode) visit(child, childNode, `${path}.${name}`, root, errors);
    else if (node.additionalProperties === false) errors.push(`${path}.${name} is not a known field`);
  }
}
