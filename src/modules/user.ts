import { z } from 'zod';
import { quote } from '../connection/quote.js';
import { ansibleBool, withAliases } from './lib/arg-types.js';
import { parseGroupDb, parsePasswdLine, parseShadowLine, withPredictedGroups, type PasswdEntry } from './lib/user-getent.js';
import { defaultHome, planUser, type UserCurrent, type UserPlanData } from './lib/user-plan.js';
import { userScript } from './lib/user-script.js';
import { defineModule } from './types.js';

const SEP = 'TSPLAY-USER-SECTION';

const args = withAliases(
  { user: 'name', createhome: 'create_home' },
  z
    .object({
      name: z.string().min(1),
      state: z.enum(['present', 'absent']).default('present'),
      uid: z.coerce.number().int().nonnegative().optional(),
      group: z.coerce.string().min(1).optional(),
      // a list or Ansible's comma-separated string; kept as the string Ansible reports back
      groups: z.union([z.string(), z.array(z.coerce.string())]).transform((g) => (Array.isArray(g) ? g.join(',') : g)).optional(),
      append: ansibleBool.default(false),
      comment: z.string().optional(),
      home: z.string().min(1).optional(),
      create_home: ansibleBool.default(true),
      move_home: ansibleBool.default(false),
      shell: z.string().optional(),
      system: ansibleBool.default(false),
      password: z.string().optional(),
      update_password: z.enum(['always', 'on_create']).default('always'),
      remove: ansibleBool.default(false),
      force: ansibleBool.default(false),
      expires: z.coerce.number().optional(),
      password_lock: ansibleBool.optional(),
      generate_ssh_key: ansibleBool.default(false),
      ssh_key_bits: z.coerce.number().int().nonnegative().default(0),
      ssh_key_type: z.string().default('rsa'),
      ssh_key_file: z.string().optional(),
      ssh_key_comment: z.string().optional(),
      ssh_key_passphrase: z.string().optional(),
      non_unique: ansibleBool.default(false),
      skeleton: z.string().optional(),
      umask: z.string().regex(/^[0-7]{3,4}$/).optional(),
      local: ansibleBool.default(false),
    })
    .strict()
    .superRefine((a, ctx) => {
      const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
      if (/[:\n]/.test(a.name)) problem(`invalid user name: ${a.name}`);
      if (a.password !== undefined && /[:\n]/.test(a.password)) problem('password must be a crypted hash (no ":" or newline)');
      // ssh-keygen takes the passphrase only in argv, where other users of the host could read it
      if (a.ssh_key_passphrase !== undefined) problem('ssh_key_passphrase is not supported by tsplay (it would travel in argv)');
      if (a.local) problem('local: true (libuser luseradd) is not supported by tsplay');
      if (a.non_unique && a.uid === undefined) problem('non_unique needs uid');
    }),
);

type Args = z.infer<typeof args>;

/** Manages a local account with useradd / usermod / userdel; the password hash goes to chpasswd on stdin. */
export default defineModule<Args, UserCurrent, UserPlanData>({
  name: 'user',
  args,
  async inspect(ctx, a) {
    const r = await ctx.run(inspectScript(a));
    if (r.rc !== 0) throw new Error(`cannot read user ${a.name}: ${r.stderr.trim() || `exit ${r.rc}`}`);
    const cur = parseInspect(r.stdout);
    // in check mode, the groups earlier tasks would have created or removed
    const predicted = ctx.fs.overlay?.predictedGroups() ?? [];
    return predicted.length ? { ...cur, groups: withPredictedGroups(cur.groups, predicted) } : cur;
  },
  plan(a, cur) {
    const p = planUser(a, cur);
    const result = { ...p.result, ...(a.state === 'present' && cur.passwd ? accountFields(cur.passwd) : {}) };
    if (a.generate_ssh_key && cur.sshKey?.exists) Object.assign(result, { ssh_key_file: cur.sshKey.path, ssh_public_key: cur.sshKey.publicKey });
    if (p.failed) return { changed: false, failed: true, msg: p.msg, result };
    return { changed: p.changed, result, data: p.data };
  },
  async apply(ctx, a, plan) {
    const { script, stdin } = userScript(plan.data!.steps);
    const key = plan.data!.sshKeyPath;
    const report = a.state === 'present'
      ? `; echo ${SEP}; getent passwd ${quote(a.name)}` + (key ? `; echo ${SEP}; cat -- ${quote(key + '.pub')}; echo ${SEP}; ssh-keygen -l -f ${quote(key)}` : '')
      : '';
    const r = await ctx.run(`${script} || exit $?${report}`, { stdin });
    if (r.rc !== 0) return { failed: true, rc: r.rc, msg: r.stderr.trim() || `exit ${r.rc}` };
    if (a.state === 'absent') return {};
    const [, passwd, pub, fingerprint] = r.stdout.split(`${SEP}\n`);
    const entry = parsePasswdLine((passwd ?? r.stdout).split('\n')[0] ?? '');
    const out: Record<string, unknown> = entry ? accountFields(entry) : {};
    if (key) Object.assign(out, { ssh_key_file: key, ssh_public_key: (pub ?? '').trim(), ssh_fingerprint: (fingerprint ?? '').trim() });
    return out;
  },
});

function accountFields(e: PasswdEntry): Record<string, unknown> {
  return { uid: e.uid, group: e.gid, comment: e.comment, home: e.home, shell: e.shell };
}

/** One round trip: passwd, shadow, all groups, hostname, home existence, ssh key. */
function inspectScript(a: Args): string {
  const n = quote(a.name);
  const lines = [
    `p=$(getent passwd ${n}); printf '%s\\n' "$p"`,
    `echo ${SEP}`,
    `getent shadow ${n} || true`,
    `echo ${SEP}`,
    `getent group || true`,
    `echo ${SEP}`,
    `uname -n`,
    `echo ${SEP}`,
    // the home the user will have: the desired one, else the current one, else useradd's default
    `h=${a.home !== undefined ? quote(a.home) : `$(printf '%s' "$p" | cut -d: -f6)`}; [ -n "$h" ] || h=${quote(defaultHome(a.name))}`,
    `if [ -d "$h" ]; then echo yes; else echo no; fi`,
    `echo ${SEP}`,
  ];
  if (a.generate_ssh_key) {
    const file = a.ssh_key_file ?? `.ssh/id_${a.ssh_key_type}`;
    const k = file.startsWith('/') ? quote(file) : `"$h"/${quote(file)}`;
    lines.push(`k=${k}; printf '%s\\n' "$k"; if [ -e "$k" ]; then echo yes; cat -- "$k.pub" 2>/dev/null; else echo no; fi`);
  }
  return lines.join('; ');
}

function parseInspect(out: string): UserCurrent {
  const [passwd, shadow, groups, hostname, home, key] = out.split(`${SEP}\n`);
  const cur: UserCurrent = {
    passwd: parsePasswdLine(passwd.split('\n')[0]),
    shadow: parseShadowLine(shadow.split('\n')[0] ?? ''),
    groups: parseGroupDb(groups),
    hostname: hostname.trim(),
    homeExists: home.trim() === 'yes',
  };
  if (key !== undefined && key !== '') {
    const [path, exists, ...pub] = key.split('\n');
    cur.sshKey = { path, exists: exists === 'yes', publicKey: pub.join('\n').trim() || undefined };
  }
  return cur;
}

