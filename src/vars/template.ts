/**
 * Handlebars templates: strings in playbooks and files under templates/.
 *
 * - `renderText` always returns text; `renderValue` returns the referenced value itself when the
 *   string is exactly one `{{expr}}` (a list stays a list); `renderDeep` does that through data.
 * - An undefined variable is an error naming the variable and its position, except where the
 *   template handles it (`{{default x "y"}}`, `{{#if x}}`): see template-ast.ts.
 * - Output is never rendered again: a variable holding `{{x}}` prints `{{x}}`.
 */
import type Handlebars from 'handlebars';
import { TemplateError, TsplayError, type SourcePos } from '../errors.js';
import { DataError, isMapping, lookupVar } from './helpers.js';
import { prepareTemplate, singleMustache } from './template-ast.js';
import { COMPILE_OPTIONS, hbs, runtimeOptions, type CaptureBox } from './template-env.js';
import { parseTemplate as parse } from './template-parse.js';
import { TemplateFault, type TemplateLoc } from './template-fault.js';
import { collectVariables } from './template-variables.js';
import type { Vars } from './types.js';

type Compiled = (context: unknown, options?: Handlebars.RuntimeOptions) => string;

/** `value` entries are null when the text is not a single mustache (it renders as text). */
const cache = { text: new Map<string, Compiled>(), value: new Map<string, Compiled | null>() };
const CACHE_LIMIT = 2000;
const MAX_DEPTH = 100;

export function isTemplate(s: unknown): boolean {
  return typeof s === 'string' && s.includes('{{');
}

/** Text that needs no parsing: no mustache, and no Jinja statement to report. */
function isPlain(text: string): boolean {
  return !text.includes('{{') && !text.includes('{%');
}

export function renderText(text: string, vars: Vars, where?: SourcePos): string {
  if (isPlain(text)) return text;
  try {
    return compiledText(text)(rootContext(vars), runtimeOptions({}));
  } catch (e) {
    throw toTemplateError(e, where);
  }
}

export function renderValue(text: string, vars: Vars, where?: SourcePos): unknown {
  if (isPlain(text)) return text;
  try {
    const single = compiledValue(text);
    if (!single) return compiledText(text)(rootContext(vars), runtimeOptions({}));
    const box: CaptureBox = { set: false };
    single(rootContext(vars), runtimeOptions({ tsplayCapture: box }));
    // text around the expression ("{{x}}\n") is part of a scalar's value; only lists and mappings
    // may drop it (a YAML block scalar's trailing newline must not turn a list into text)
    if (text.trim() !== text && (box.value === null || typeof box.value !== 'object')) {
      return compiledText(text)(rootContext(vars), runtimeOptions({}));
    }
    return box.value;
  } catch (e) {
    throw toTemplateError(e, where);
  }
}

/** Renders every string inside lists and mappings (keys are not rendered); returns new structures. */
export function renderDeep(value: unknown, vars: Vars, where?: SourcePos): unknown {
  return deep(value, vars, where, 0);
}

function deep(value: unknown, vars: Vars, where: SourcePos | undefined, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new TemplateError(`data nested more than ${MAX_DEPTH} levels deep (a cycle?)`, { pos: where });
  if (typeof value === 'string') return renderValue(value, vars, where);
  if (Array.isArray(value)) return value.map((v) => deep(v, vars, where, depth + 1));
  if (isMapping(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty: a key named "__proto__" stays a plain key
      Object.defineProperty(out, k, { value: deep(v, vars, where, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** Syntax, helper names and argument counts; no variables needed. */
export function checkTemplate(text: string, where?: SourcePos): void {
  if (isPlain(text)) return;
  try {
    prepareTemplate(parse(text), text);
  } catch (e) {
    throw toTemplateError(e, where);
  }
}

/** Root variable names the template reads (helpers, `this`, `@index` and loop elements excluded). */
export function templateVariables(text: string): string[] {
  if (!isTemplate(text)) return [];
  try {
    return collectVariables(parse(text));
  } catch (e) {
    throw toTemplateError(e, undefined);
  }
}

// ---------------------------------------------------------------------------------------------

function remember<T>(map: Map<string, T>, key: string, value: T): T {
  if (map.size >= CACHE_LIMIT) map.delete(map.keys().next().value as string);
  map.set(key, value);
  return value;
}

function compiledText(text: string): Compiled {
  const hit = cache.text.get(text);
  if (hit) return hit;
  const ast = prepareTemplate(parse(text), text, 'text');
  return remember(cache.text, text, hbs.compile(ast, COMPILE_OPTIONS) as Compiled);
}

function compiledValue(text: string): Compiled | null {
  const hit = cache.value.get(text);
  if (hit !== undefined) return hit;
  const ast = parse(text);
  const only = singleMustache(ast);
  if (!only) return remember(cache.value, text, null);
  ast.body = [only];
  return remember(cache.value, text, hbs.compile(prepareTemplate(ast, text, 'value'), COMPILE_OPTIONS) as Compiled);
}

/** Flattens prototype-layered variables: Handlebars reads own properties only. */
function rootContext(vars: Vars): Vars {
  const proto: unknown = Object.getPrototypeOf(vars);
  if (proto === Object.prototype || proto === null) return vars;
  const flat: Vars = {};
  const names = new Set<string>();
  for (let o: object | null = vars; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const k of Object.keys(o)) names.add(k);
  }
  for (const k of names) Object.defineProperty(flat, k, { enumerable: true, get: () => lookupVar(vars, k) });
  return flat;
}

/** The file position of a place inside the template text. */
function positionIn(where: SourcePos, loc: TemplateLoc): SourcePos {
  return {
    file: where.file,
    line: where.line + loc.line - 1,
    col: loc.line === 1 ? where.col + loc.column : loc.column + 1,
  };
}

function toTemplateError(e: unknown, where: SourcePos | undefined): TsplayError {
  if (e instanceof TsplayError) return e;
  if (e instanceof TemplateFault) {
    if (!e.loc) return new TemplateError(e.message, { pos: where, hint: e.hint });
    if (where) return new TemplateError(e.message, { pos: positionIn(where, e.loc), hint: e.hint });
    return new TemplateError(`${e.message} (line ${e.loc.line}, column ${e.loc.column + 1})`, { hint: e.hint });
  }
  if (e instanceof DataError) return new TemplateError(e.message, { pos: where, hint: e.hint });
  const message = e instanceof Error ? e.message : String(e);
  return new TemplateError(`template error: ${message}`, { pos: where, cause: e });
}
