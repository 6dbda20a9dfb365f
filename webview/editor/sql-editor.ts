/**
 * The SQL editor: Monaco with DuckDB highlighting and schema completion, colored from VS Code's
 * theme variables, Ctrl/Cmd+Enter to run the selection (or everything), and errors underlined where
 * DuckDB says they are.
 */
import './editor-features';
import * as monaco from 'monaco-editor/editor/editor.api.js';
import type { QueryPosition } from '../../sandbox/protocol/inspector';
import { languageId, registerDuckDbLanguage } from './duckdb-language';
import { installMonacoWorker } from './monaco-worker';
import { registerSchemaCompletion } from './schema-completion';

function cssColor(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  // Monaco's theme wants #rrggbb; VS Code's variables are hex already.
  return /^#[0-9a-fA-F]{6,8}$/.test(value) ? value : fallback;
}

function defineTheme(): string {
  const dark = !document.body.classList.contains('vscode-light');
  monaco.editor.defineTheme('medallion', {
    base: dark ? 'vs-dark' : 'vs',
    inherit: true,
    rules: [
      { token: 'predefined', foreground: dark ? 'DCDCAA' : '795E26' },
      { token: 'type', foreground: dark ? '4EC9B0' : '267F99' },
    ],
    colors: {
      'editor.background': cssColor('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
      'editor.foreground': cssColor('--vscode-editor-foreground', dark ? '#d4d4d4' : '#000000'),
    },
  });
  return 'medallion';
}

export interface SqlEditor {
  /** The selection when there is one, else the whole text, and where it starts in the model. */
  runnableText(): { sql: string; startOffset: number };
  getValue(): string;
  setValue(sql: string): void;
  showError(message: string, position: QueryPosition | undefined, startOffset: number): void;
  clearError(): void;
  focus(): void;
  onChange(listener: (sql: string) => void): void;
}

export function createSqlEditor(host: HTMLElement, initial: string, onRun: () => void): SqlEditor {
  installMonacoWorker();
  registerDuckDbLanguage();
  registerSchemaCompletion();
  const editor = monaco.editor.create(host, {
    value: initial,
    language: languageId,
    theme: defineTheme(),
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 13,
    scrollBeyondLastLine: false,
    wordBasedSuggestions: 'off',
    quickSuggestions: { other: true, comments: false, strings: false },
    fixedOverflowWidgets: true,
    ariaLabel: 'SQL editor',
  });
  editor.addAction({ id: 'medallion.run', label: 'Run Query', keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter], run: onRun });
  const model = editor.getModel() as monaco.editor.ITextModel;
  return {
    runnableText() {
      const selection = editor.getSelection();
      if (selection !== null && !selection.isEmpty()) {
        return { sql: model.getValueInRange(selection), startOffset: model.getOffsetAt(selection.getStartPosition()) };
      }
      return { sql: model.getValue(), startOffset: 0 };
    },
    getValue: () => model.getValue(),
    setValue: (sql) => model.setValue(sql),
    showError(message, position, startOffset) {
      if (position === undefined) {
        monaco.editor.setModelMarkers(model, 'duckdb', []);
        return;
      }
      const at = model.getPositionAt(startOffset + position.offset);
      const word = model.getWordAtPosition(at);
      const endColumn = word === null ? at.column + 1 : word.endColumn;
      monaco.editor.setModelMarkers(model, 'duckdb', [
        { severity: monaco.MarkerSeverity.Error, message, startLineNumber: at.lineNumber, startColumn: word?.startColumn ?? at.column, endLineNumber: at.lineNumber, endColumn },
      ]);
      editor.revealPositionInCenterIfOutsideViewport(at);
    },
    clearError: () => monaco.editor.setModelMarkers(model, 'duckdb', []),
    focus: () => editor.focus(),
    onChange: (listener) => editor.onDidChangeModelContent(() => listener(model.getValue())),
  };
}
