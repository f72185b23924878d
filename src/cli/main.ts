import { Command, CommanderError, Option } from 'commander';
import { createRequire } from 'node:module';
import { errorMessage, TsplayError } from '../errors.js';
import { EXIT, EXIT_TABLE } from './exit-codes.js';
import { runCommand, type RunCliOptions } from './run-command.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

const collect = (v: string, prev: string[] = []) => [...prev, v];
const increase = (_: string, prev = 0) => prev + 1;

function exitCodesHelp(): string {
  return '\nExit codes:\n' + EXIT_TABLE.map(([code, text]) => `  ${String(code).padEnd(3)} ${text}`).join('\n') + '\n';
}

export function buildProgram(): Command {
  const program = new Command('tsplay')
    .description('Run Ansible-style YAML playbooks over SSH, fast, with a dry run that tells the truth.')
    .version(version, '--version')
    .addHelpText('after', exitCodesHelp())
    .exitOverride()
    .showSuggestionAfterError();

  program
    .command('run')
    .description('run a playbook against an inventory')
    .argument('<playbook>', 'playbook file (YAML)')
    .option('-i, --inventory <path>', 'inventory file, directory or comma list of hosts (repeatable)', collect)
    .option('-l, --limit <pattern>', 'further limit the hosts (pattern, or @file)')
    .option('-t, --tags <tags>', 'only run plays and tasks tagged with these (repeatable, comma list)', collect)
    .option('--skip-tags <tags>', 'skip tasks tagged with these (repeatable, comma list)', collect)
    .option('-e, --extra-vars <vars>', 'key=value, JSON/YAML text, or @file (repeatable; later wins)', collect)
    .option('-C, --check', 'dry run: change nothing, report what would change')
    .option('-D, --diff', 'show the differences in changed files')
    .addOption(new Option('-f, --forks <n>', 'hosts worked on in parallel').default('50'))
    .option('-u, --user <user>', 'connect as this user')
    .option('--private-key <file>', 'private key file for the ssh connection')
    .addOption(new Option('--key-file <file>', 'same as --private-key').hideHelp())
    .option('-k, --ask-pass', 'ask for the ssh connection password')
    .option('-T, --timeout <seconds>', 'ssh connect timeout in seconds (default 10)')
    .option('--ssh-common-args <args>', 'OpenSSH options for every connection (-o Key=Value, -J jump, -i key, -p port)')
    .option('--ssh-extra-args <args>', 'more OpenSSH options, after --ssh-common-args')
    .option('-b, --become', 'run operations with become (sudo)')
    .option('--become-user <user>', 'become this user (default root)')
    .addOption(new Option('--become-method <method>', 'privilege escalation method').choices(['sudo', 'su']))
    .option('-K, --ask-become-pass', 'ask for the become password')
    .option('--force-handlers', 'run handlers even on hosts that failed')
    .option('--start-at-task <name>', 'start at the task with this name')
    .option('--list-hosts', 'list the hosts each play would run on, then exit')
    .option('--list-tasks', 'list the tasks that would run, then exit')
    .option('--list-tags', 'list all tags, then exit')
    .option('--syntax-check', 'validate the playbook, roles, templates and arguments, then exit')
    .option('-v, --verbose', 'more output (-vv, -vvv for more)', increase, 0)
    .addHelpText('after', exitCodesHelp())
    .action(async (playbook: string, opts: RunCliOptions) => {
      process.exitCode = await runCommand(playbook, opts);
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0; everything else is bad usage
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    process.stderr.write(`ERROR! ${errorMessage(e)}\n`);
    return e instanceof TsplayError ? e.exitCode : EXIT.ERROR;
  }
}

const code = await main(process.argv);
process.exitCode = code;
