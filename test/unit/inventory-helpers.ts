import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { TsplayError, ValidationError } from '../../src/errors.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * Writes a tree of files into a new temp dir and returns its path. Keys are relative paths;
 * a key ending in "/" makes an empty directory; a value starting with "#!x" is written executable.
 */
export function makeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tsplay-inv-'));
  made.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    if (rel.endsWith('/')) {
      mkdirSync(path, { recursive: true });
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    const executable = content.startsWith('#!x');
    writeFileSync(path, executable ? `#!${content.slice(3)}` : content);
    if (executable) chmodSync(path, 0o755);
  }
  return root;
}

/** Runs fn, expects a ValidationError, and returns its formatted text ("file:line:col: message\n  hint: ..."). */
export async function validationText(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as TsplayError).format();
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}
