import { describe, expect, it } from 'vitest';
import { editReplace } from '../../src/modules/lib/replace-edit.js';
import replace from '../../src/modules/replace.js';
import { contentOf, editOutcome, expectedOutcome, PATH } from './edit-case.js';
import { replaceCases } from './replace-cases.js';

/** The pure replace edit against the table (expected values taken from Ansible, see replace-cases.ts). */
describe('replace edit', () => {
  it.each(replaceCases)('$name', (c) => {
    const args = replace.args.parse({ path: PATH, ...c.args });
    const outcome = editOutcome(editReplace(contentOf(c), args), c);
    expect(outcome).toEqual(expectedOutcome(c));
  });
});
