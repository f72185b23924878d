/** The one table of exit codes; no code means two things. README and --help print it from here. */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  HOST_FAILED: 2,
  VALIDATION: 3,
  UNREACHABLE: 4,
  USAGE: 5,
  INTERRUPTED: 99,
} as const;

export const EXIT_TABLE: ReadonlyArray<[number, string]> = [
  [EXIT.OK, 'success: every host ok or changed'],
  [EXIT.ERROR, 'other error (a bug, an I/O error on this machine)'],
  [EXIT.HOST_FAILED, 'a task failed on at least one host'],
  [EXIT.VALIDATION, 'playbook, inventory, template or argument error; no host was touched'],
  [EXIT.UNREACHABLE, 'at least one host was unreachable (and none failed)'],
  [EXIT.USAGE, 'bad command-line usage'],
  [EXIT.INTERRUPTED, 'interrupted (SIGINT / SIGTERM)'],
];
