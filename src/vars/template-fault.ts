/**
 * A problem inside a template, located by line and column within the template text. Compiled
 * templates are cached by text and shared by every place that uses the same text, so they cannot
 * know the file position; the renderer adds it when converting a fault to a TemplateError.
 */
export interface TemplateLoc {
  /** 1-based line within the template text */
  line: number;
  /** 0-based column (Handlebars' convention) */
  column: number;
}

export class TemplateFault extends Error {
  readonly loc?: TemplateLoc;
  readonly hint?: string;
  constructor(message: string, loc?: TemplateLoc, hint?: string) {
    super(message);
    this.name = 'TemplateFault';
    this.loc = loc;
    this.hint = hint;
  }
}

/** `__pos` values carried by rewritten helper calls look like "3:14". */
export function encodeLoc(loc: TemplateLoc): string {
  return `${loc.line}:${loc.column}`;
}

export function decodeLoc(s: unknown): TemplateLoc | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^(\d+):(\d+)$/.exec(s);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}
