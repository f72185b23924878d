import { describe, expect, it } from 'vitest';
import { editLineinfile } from '../../src/modules/lib/lineinfile-edit.js';
import lineinfile from '../../src/modules/lineinfile.js';
import { contentOf, editOutcome, expectedOutcome, PATH } from './edit-case.js';
import { lineinfileCases } from './lineinfile-cases.js';

/** The pure lineinfile edit against the table (expected values taken from Ansible, see lineinfile-cases.ts). */
describe('lineinfile edit', () => {
  it.each(lineinfileCases)('$name', (c) => {
    const args = lineinfile.args.parse({ path: PATH, ...c.args });
    const outcome = editOutcome(editLineinfile(contentOf(c), args), c);
    expect(outcome).toEqual(expectedOutcome(c));
  });
});
