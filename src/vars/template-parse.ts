/**
 * Parsing template text, with syntax errors users can act on: a position (Handlebars' parser puts
 * it only in its message, but its lexer still knows where it stopped), plain words instead of
 * grammar token names, and hints for the Jinja habits of Ansible users.
 */
import type { ProgramNode } from './template-ast.js';
import { hbs } from './template-env.js';
import { TemplateFault, type TemplateLoc } from './template-fault.js';

interface JisonLexer {
  yylloc?: { first_line: number; first_column: number };
}

export function parseTemplate(text: string): ProgramNode {
  try {
    return hbs.parseWithoutProcessing(text) as unknown as ProgramNode;
  } catch (e) {
    throw syntaxFault(e, text);
  }
}

const LITERAL_HINT = 'write \\{{ for a literal "{{", or wrap literal text in {{{{raw}}}}...{{{{/raw}}}}';

function syntaxFault(e: unknown, text: string): TemplateFault {
  const err = e as Error & { lineNumber?: number; column?: number };
  const raw = err.message ?? String(e);
  let loc: TemplateLoc | undefined;
  if (typeof err.lineNumber === 'number') loc = { line: err.lineNumber, column: err.column ?? 0 };
  else {
    const at = (hbs as unknown as { Parser?: { lexer?: JisonLexer } }).Parser?.lexer?.yylloc;
    if (at) loc = { line: at.first_line, column: at.first_column };
  }
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(raw);
  if (mismatch) {
    return new TemplateFault(`template syntax error: {{#${mismatch[1]}}} is closed by {{/${mismatch[2]}}}`, loc, 'close each block with its own name');
  }
  const hint = jinjaHint(mustacheAt(text, loc)) ?? LITERAL_HINT;
  if (/^Lexical error/.test(raw)) return new TemplateFault('template syntax error: unrecognized text', loc, hint);
  const got = /got '([A-Z_]+)'/.exec(raw)?.[1];
  if (got === 'EOF') {
    return new TemplateFault(
      'template syntax error: unexpected end of template',
      loc,
      'a block ({{#if}}, {{#each}}, ...) is not closed, or a "{{" has no "}}"',
    );
  }
  const expected = [...(/Expecting (.*), got/.exec(raw)?.[1] ?? '').matchAll(/'([A-Z_]+)'/g)].map((m) => tokenName(m[1]));
  const wanted = expected.length > 0 && expected.length <= 4 ? ` (expected ${[...new Set(expected)].join(' or ')})` : '';
  return new TemplateFault(`template syntax error: unexpected ${got ? tokenName(got) : 'text'}${wanted}`, loc, hint);
}

/** The `{{ ... }}` around a position, to recognise what the user tried to write. */
function mustacheAt(text: string, loc: TemplateLoc | undefined): string {
  if (!loc) return '';
  const line = text.split('\n')[loc.line - 1] ?? '';
  const open = line.lastIndexOf('{{', loc.column);
  if (open < 0) return '';
  const close = line.indexOf('}}', loc.column);
  return line.slice(open, close < 0 ? undefined : close + 2);
}

/** Ansible users write Jinja; say what the Handlebars spelling is. */
function jinjaHint(mustache: string): string | undefined {
  const inner = mustache.replace(/\bas\s*\|[^|]*\|/, '');
  if (/\|/.test(inner)) return 'templates are Handlebars: filters are helpers written first, e.g. {{default x "y"}}, {{join list ","}}, {{upper x}}';
  if (/\[\s*['"\w]/.test(inner)) return 'write x.key, x.[0] or (lookup x key) instead of x[\'key\']';
  if (/==|!=|~|\+|\s(and|or|not)\s|<|>/.test(inner)) {
    return 'templates are Handlebars: operators are helpers, e.g. {{#if (eq a b)}}, (and a b), (concat a b)';
  }
  return undefined;
}

const TOKEN_NAMES: Readonly<Record<string, string>> = {
  OPEN: "'{{'",
  CLOSE: "'}}'",
  CLOSE_UNESCAPED: "'}}}'",
  OPEN_SEXPR: "'('",
  CLOSE_SEXPR: "')'",
  OPEN_BLOCK: "'{{#'",
  OPEN_ENDBLOCK: "'{{/'",
  OPEN_INVERSE: "'{{^'",
  INVERSE: "'{{else}}'",
  OPEN_INVERSE_CHAIN: "'{{else ...'",
  OPEN_BLOCK_PARAMS: "'as |'",
  CLOSE_BLOCK_PARAMS: "'|'",
  ID: 'a name',
  STRING: 'a string',
  NUMBER: 'a number',
  BOOLEAN: 'true/false',
  EQUALS: "'='",
  SEP: "'.'",
  DATA: "'@'",
  INVALID: 'character',
  CONTENT: 'text',
};

function tokenName(token: string): string {
  return TOKEN_NAMES[token] ?? token.toLowerCase().replace(/_/g, ' ');
}
