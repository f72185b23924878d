import { describe, expect, it } from 'vitest';
import { editBlockinfile } from '../../src/modules/lib/blockinfile-edit.js';
import blockinfile from '../../src/modules/blockinfile.js';
import { contentOf, editOutcome, expectedOutcome, PATH } from './edit-case.js';
import { blockinfileCases } from './blockinfile-cases.js';

/** The pure blockinfile edit against the table (expected values taken from Ansible, see blockinfile-cases.ts). */
describe('blockinfile edit', () => {
  it.each(blockinfileCases)('$name', (c) => {
    const args = blockinfile.args.parse({ path: PATH, ...c.args });
    const outcome = editOutcome(editBlockinfile(contentOf(c), args), c);
    expect(outcome).toEqual(expectedOutcome(c));
  });
});
