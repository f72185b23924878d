import { quote } from '../../connection/quote.js';
import { shlexSplit } from './shlex.js';

/** Exit status of a write script whose validate command refused the new file. */
export const VALIDATE_FAILED = 97;
const MARK = 'TSPLAY-VALIDATE ';

/** The validate command said no: the destination was left as it was. */
export class ValidateFailedError extends Error {
  constructor(
    readonly exitStatus: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super('failed to validate');
    this.name = 'ValidateFailedError';
  }

  static fromOutput(stdout: string, stderr: string): ValidateFailedError {
    const nl = stdout.indexOf('\n');
    const head = nl < 0 ? stdout : stdout.slice(0, nl);
    const rc = head.startsWith(MARK) ? Number(head.slice(MARK.length)) : VALIDATE_FAILED;
    return new ValidateFailedError(rc, nl < 0 ? '' : stdout.slice(nl + 1), stderr);
  }
}

/** Ansible's rule: a validate command must say where the file goes. */
export function checkValidate(validate: string): string | undefined {
  return /%s/.test(validate.replace(/%%/g, '')) ? undefined : `validate must contain %s: ${validate}`;
}

/**
 * Ansible runs `validate % tmpfile` split like shlex, without a shell. We do the same: split the
 * user's line into words, quote every piece, and put the temp file (`$file_var`) where `%s` was.
 */
export function validateArgv(validate: string, fileVar = '"$t"'): string {
  const problem = checkValidate(validate);
  if (problem) throw new Error(problem);
  return shlexSplit(validate)
    .map((word) => {
      const pieces = word.split(/(%%|%s)/);
      const out = pieces.map((piece) => (piece === '%s' ? fileVar : piece === '%%' ? quote('%') : piece === '' ? '' : quote(piece))).join('');
      return out === '' ? "''" : out;
    })
    .join(' ');
}

/**
 * The validate step of an atomic write: runs on the temp file `$t`; on failure prints the status
 * and the command's stdout (its stderr goes through) and exits VALIDATE_FAILED.
 */
export function validateStep(validate: string): string {
  return `{ vout=$(${validateArgv(validate)}); vrc=$?; if [ "$vrc" -ne 0 ]; then printf '${MARK}%s\\n%s' "$vrc" "$vout"; exit ${VALIDATE_FAILED}; fi; }`;
}
