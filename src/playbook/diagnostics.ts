import { TemplateError, TsplayError, ValidationError, type SourcePos } from '../errors.js';

/**
 * Collects every problem found while loading, so the user sees all of them in one run instead of
 * fixing them one at a time. Identical errors (same place, same message) are kept once: a role used
 * twice with different parameters would otherwise report each of its mistakes twice.
 */
export class Diagnostics {
  private readonly list: TsplayError[] = [];
  private readonly seen = new Set<string>();

  /** Errors grouped by file (in the order files were first reported), then by line and column. */
  get errors(): readonly TsplayError[] {
    const fileOrder = new Map<string, number>();
    for (const e of this.list) if (!fileOrder.has(e.pos?.file ?? '')) fileOrder.set(e.pos?.file ?? '', fileOrder.size);
    return [...this.list].sort((a, b) =>
      fileOrder.get(a.pos?.file ?? '')! - fileOrder.get(b.pos?.file ?? '')! ||
      (a.pos?.line ?? 0) - (b.pos?.line ?? 0) ||
      (a.pos?.col ?? 0) - (b.pos?.col ?? 0));
  }

  add(err: TsplayError): void {
    const key = `${err.pos?.file}:${err.pos?.line}:${err.pos?.col}:${err.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(err);
  }

  error(message: string, pos: SourcePos | undefined, hint?: string): void {
    this.add(new ValidationError(message, { pos, hint }));
  }

  /**
   * Runs a checker that throws (template and condition syntax checks) and records what it throws,
   * giving the error the position of the checked value when the checker did not know it.
   */
  capture(pos: SourcePos | undefined, check: () => void): void {
    try {
      check();
    } catch (e) {
      if (e instanceof TsplayError && (e.pos || !pos)) this.add(e);
      else if (e instanceof TsplayError) this.add(new TemplateError(e.message, { pos, hint: e.hint, cause: e }));
      else this.add(new TemplateError(e instanceof Error ? e.message : String(e), { pos, cause: e }));
    }
  }
}
