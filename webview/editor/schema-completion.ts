/**
 * Completion from the warehouse as it is now: after `name.` the columns of that table (or of the
 * table an alias stands for), elsewhere the tables, the columns of the tables the query names, then
 * DuckDB's functions and keywords. The schema is refreshed whenever the host says it changed.
 */
import * as monaco from 'monaco-editor/editor/editor.api.js';
import type { SchemaTable } from '../../sandbox/protocol/inspector';
import { functions, keywords, languageId } from './duckdb-language';

let tables: SchemaTable[] = [];

export function setCompletionSchema(next: SchemaTable[]): void {
  tables = next;
}

/**
 * Identifiers that need no quotes in DuckDB; others are offered quoted. DuckDB matches unquoted
 * names regardless of case, and the warehouse never makes two columns that differ only by case.
 */
function sqlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !keywords.includes(name.toUpperCase()) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** `FROM shop_gold g` and `JOIN shop_silver AS s`: alias → table, plus the tables named. */
function tablesInText(text: string): { aliases: Map<string, SchemaTable>; named: SchemaTable[] } {
  const aliases = new Map<string, SchemaTable>();
  const named: SchemaTable[] = [];
  const pattern = /\b(?:from|join)\s+("?)([\w.]+)\1(?:\s+(?:as\s+)?(\w+))?/gi;
  for (const match of text.matchAll(pattern)) {
    const table = tables.find((t) => t.name.toLowerCase() === (match[2] ?? '').toLowerCase());
    if (table === undefined) continue;
    named.push(table);
    aliases.set(table.name.toLowerCase(), table);
    const alias = match[3];
    if (alias !== undefined && !keywords.includes(alias.toUpperCase())) aliases.set(alias.toLowerCase(), table);
  }
  return { aliases, named };
}

export function registerSchemaCompletion(): monaco.IDisposable {
  return monaco.languages.registerCompletionItemProvider(languageId, {
    triggerCharacters: ['.', ' '],
    provideCompletionItems(model, position) {
      const word = model.getWordUntilPosition(position);
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      const before = model.getLineContent(position.lineNumber).slice(0, word.startColumn - 1);
      const { aliases, named } = tablesInText(model.getValue());
      const Kind = monaco.languages.CompletionItemKind;
      const qualifier = /("?)([\w]+)\1\.$/.exec(before)?.[2];
      if (qualifier !== undefined) {
        const table = aliases.get(qualifier.toLowerCase()) ?? tables.find((t) => t.name.toLowerCase() === qualifier.toLowerCase());
        if (table === undefined) return { suggestions: [] };
        return {
          suggestions: table.columns.map((c, i) => ({ label: { label: c.name, description: c.type }, kind: Kind.Field, insertText: sqlName(c.name), range, sortText: String(i).padStart(4, '0'), detail: `${table.name}.${c.name} ${c.type}` })),
        };
      }
      const suggestions: monaco.languages.CompletionItem[] = [];
      const seen = new Set<string>();
      for (const table of named) {
        for (const c of table.columns) {
          if (seen.has(c.name)) continue;
          seen.add(c.name);
          suggestions.push({ label: { label: c.name, description: `${table.name} · ${c.type}` }, kind: Kind.Field, insertText: sqlName(c.name), range, sortText: `0${c.name}`, detail: `${table.name}.${c.name} ${c.type}` });
        }
      }
      for (const t of tables) {
        suggestions.push({ label: { label: t.name, description: t.layer ? `${t.layer} ${t.kind}` : t.kind }, kind: t.kind === 'view' ? Kind.Interface : Kind.Struct, insertText: sqlName(t.name), range, sortText: `1${t.name}`, detail: t.topic ? `topic ${t.topic}` : t.kind });
      }
      for (const [name, signature] of functions) suggestions.push({ label: name, kind: Kind.Function, insertText: name, range, sortText: `2${name}`, detail: signature });
      for (const k of keywords) suggestions.push({ label: k, kind: Kind.Keyword, insertText: k, range, sortText: `3${k}` });
      return { suggestions };
    },
  });
}
