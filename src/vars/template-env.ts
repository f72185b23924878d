/**
 * The one isolated Handlebars environment templates run in: our helpers only (no `log`, no
 * partials), every helper wrapped so a bad argument becomes a positioned TemplateFault.
 */
import Handlebars from 'handlebars';
import { TsplayError } from '../errors.js';
import { DataError, toText } from './helpers.js';
import { INTERNAL, undefinedVariableHint } from './template-ast.js';
import { TEMPLATE_HELPERS, type TemplateHelper } from './template-helpers.js';
import { TemplateFault, decodeLoc, type TemplateLoc } from './template-fault.js';

export const hbs = Handlebars.create();

/** Compile options: no HTML escaping; strictness comes from the rewrite in template-ast.ts. */
export const COMPILE_OPTIONS: CompileOptions = { noEscape: true, strict: false, knownHelpersOnly: false };

/** Where `renderValue` collects the value of its single mustache (passed as @-data, per render). */
export interface CaptureBox {
  value?: unknown;
  set: boolean;
}
interface RenderData {
  tsplayCapture?: CaptureBox;
  root?: unknown;
}

type RawHelper = (this: unknown, ...args: unknown[]) => unknown;

/** Removes and decodes the `__pos` the rewrite added to every call. */
function takeLoc(options: Handlebars.HelperOptions): TemplateLoc | undefined {
  const hash = options.hash as Record<string, unknown> | undefined;
  if (!hash || !('__pos' in hash)) return undefined;
  const loc = decodeLoc(hash.__pos);
  delete hash.__pos;
  return loc;
}

function splitOptions(args: unknown[]): [unknown[], Handlebars.HelperOptions] {
  const options = args[args.length - 1] as Handlebars.HelperOptions;
  return [args.slice(0, -1), options];
}

/** Errors from nested renders and lazy variables already carry their position: pass them on. */
function asFault(e: unknown, loc: TemplateLoc | undefined, name: string): Error {
  if (e instanceof TemplateFault || e instanceof TsplayError) return e;
  if (e instanceof DataError) return new TemplateFault(e.message, loc, e.hint);
  return new TemplateFault(`helper '${name}' failed: ${e instanceof Error ? e.message : String(e)}`, loc);
}

function wrap(name: string, helper: TemplateHelper): RawHelper {
  return function (this: unknown, ...all: unknown[]): unknown {
    const [args, options] = splitOptions(all);
    const loc = takeLoc(options);
    if (!helper.acceptsUndefined) {
      const i = args.indexOf(undefined);
      if (i >= 0) {
        throw new TemplateFault(`helper '${name}': argument ${i + 1} has no value`, loc, `give it a default: (default ... "fallback")`);
      }
    }
    try {
      return helper.fn(args, { self: this, root: (options.data as RenderData | undefined)?.root, options });
    } catch (e) {
      throw asFault(e, loc, name);
    }
  };
}

function undefinedFault(label: string, isVariable: boolean, loc: TemplateLoc | undefined): TemplateFault {
  return isVariable
    ? new TemplateFault(`undefined variable '${label}' in template`, loc, undefinedVariableHint(label))
    : new TemplateFault(`'${label}' has no value in template`, loc, `use {{default (${label}) "..."}} for a fallback`);
}

/** `{{__var path "path"}}`: a helper argument that must be defined. */
const variable: RawHelper = function (...all) {
  const [[value, label], options] = splitOptions(all);
  const loc = takeLoc(options);
  if (value === undefined) throw undefinedFault(String(label), true, loc);
  return value;
};

/** `{{__out expr "label" isVariable}}`: a printed mustache. */
const output: RawHelper = function (...all) {
  const [[value, label, isVariable], options] = splitOptions(all);
  const loc = takeLoc(options);
  if (value === undefined) throw undefinedFault(String(label), isVariable === true, loc);
  return toText(value);
};

/** `{{__capture expr "label" isVariable}}`: the whole template is this value; keep its type. */
const capture: RawHelper = function (...all) {
  const [[value, label, isVariable], options] = splitOptions(all);
  const loc = takeLoc(options);
  if (value === undefined) throw undefinedFault(String(label), isVariable === true, loc);
  const box = (options.data as RenderData | undefined)?.tsplayCapture;
  if (box) {
    box.value = value;
    box.set = true;
  }
  return '';
};

const missing: RawHelper = function (...all) {
  const [, options] = splitOptions(all);
  const name = (options as unknown as { name?: string }).name ?? '?';
  throw new TemplateFault(`unknown helper '${name}'`, takeLoc(options));
};

for (const name of Object.keys(hbs.helpers)) hbs.unregisterHelper(name);
for (const [name, helper] of Object.entries(TEMPLATE_HELPERS)) hbs.registerHelper(name, wrap(name, helper) as Handlebars.HelperDelegate);
hbs.registerHelper(INTERNAL.variable, variable as Handlebars.HelperDelegate);
hbs.registerHelper(INTERNAL.output, output as Handlebars.HelperDelegate);
hbs.registerHelper(INTERNAL.capture, capture as Handlebars.HelperDelegate);
hbs.registerHelper('helperMissing', missing as Handlebars.HelperDelegate);
hbs.registerHelper('blockHelperMissing', missing as Handlebars.HelperDelegate);

/** Runtime options: prototype properties and methods stay unreachable (the Handlebars default, made explicit). */
export function runtimeOptions(data: RenderData): Handlebars.RuntimeOptions {
  return {
    data,
    allowProtoPropertiesByDefault: false,
    allowProtoMethodsByDefault: false,
    allowCallsToHelperMissing: false,
  };
}
