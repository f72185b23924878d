import { splitStatement, type SshConfigItem } from './ssh-config.js';

/** ssh options that take a value we do not use (so the value is not mistaken for a flag). */
const IGNORED_WITH_VALUE = new Set(['b', 'B', 'c', 'D', 'E', 'e', 'F', 'I', 'L', 'm', 'O', 'Q', 'R', 'S', 'W', 'w']);
const SHORT_AS_OPTION: Record<string, string> = { J: 'proxyjump', i: 'identityfile', p: 'port', l: 'user' };

/**
 * `ansible_ssh_common_args` / `--ssh-common-args` as OpenSSH would read them: `-o Key=Value`,
 * `-J jump`, `-i key`, `-p port`, `-l user` become config statements that apply to this host
 * before ~/.ssh/config (command-line options come first in OpenSSH, and the first value wins).
 * Flags without meaning here (-A, -C, -T, ControlMaster ...) are accepted and have no effect.
 */
export function sshArgsToItems(text: string | undefined, source: string): SshConfigItem[] {
  if (!text || !text.trim()) return [];
  const words = splitShellWords(text);
  const items: SshConfigItem[] = [];
  const push = (key: string, args: string[]) => items.push({ when: [], key, args, source });
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-') || w.length < 2) throw new Error(`${source}: unexpected argument '${w}' (expected ssh options such as -o Key=Value)`);
    const flag = w[1]!;
    const attached = w.slice(2);
    const takeValue = (): string => {
      if (attached) return attached;
      const next = words[++i];
      if (next === undefined) throw new Error(`${source}: option -${flag} needs a value`);
      return next;
    };
    if (flag === 'o') {
      const stmt = splitStatement(takeValue());
      if (stmt) push(stmt.key, stmt.args);
    } else if (SHORT_AS_OPTION[flag]) {
      push(SHORT_AS_OPTION[flag]!, [takeValue()]);
    } else if (IGNORED_WITH_VALUE.has(flag)) {
      takeValue();
    }
  }
  return items;
}

/** Splits a command line into words: POSIX single and double quotes, backslash escapes. */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${text}`);
      word += text.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) i++;
        word += text[i];
        i++;
      }
      if (i >= text.length) throw new Error(`unterminated quote in: ${text}`);
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
