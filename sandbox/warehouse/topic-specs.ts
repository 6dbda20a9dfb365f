/**
 * Reads topic specs from JSON (the CLI's --specs file, or whatever the runner hands over), refusing
 * unknown field types by name so a typo does not silently become an inferred column.
 */
import { fieldTypes, isFieldType } from './field-types';
import type { TopicSpec } from './ingestor';

export function parseTopicSpecs(value: unknown): Record<string, TopicSpec> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('topic specs must be an object: { "<topic>": { "schema": { "<field>": "<type>" }, "layer": "...", "output": "..." } }');
  }
  const specs: Record<string, TopicSpec> = {};
  for (const [topic, raw] of Object.entries(value)) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`the spec of topic "${topic}" must be an object`);
    const { schema, layer, output, ...rest } = raw as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw new Error(`the spec of topic "${topic}" has unknown keys: ${unknown.join(', ')}`);
    const spec: TopicSpec = {};
    if (schema !== undefined) {
      if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new Error(`the schema of topic "${topic}" must be an object`);
      for (const [field, type] of Object.entries(schema)) {
        if (!isFieldType(type)) {
          throw new Error(`field "${field}" of topic "${topic}" has type ${JSON.stringify(type)}; known types: ${fieldTypes.join(', ')}`);
        }
      }
      spec.schema = schema as TopicSpec['schema'];
    }
    for (const [name, v] of [['layer', layer], ['output', output]] as const) {
      if (v === undefined) continue;
      if (typeof v !== 'string') throw new Error(`the ${name} of topic "${topic}" must be a string`);
      spec[name] = v;
    }
    specs[topic] = spec;
  }
  return specs;
}
