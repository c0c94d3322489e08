import { ApiClient } from './api-client';
import { wantsHelp } from './args';
import type { Command, CommandContext, Io } from './command';
import { commands } from './commands/index';
import { DEFAULT_URL, readEnv, type CliEnv } from './env';
import { ApiError, CliError, UsageError } from './errors';

function overview(list: readonly Command[]): string {
  const width = Math.max(...list.map((c) => `${c.group} ${c.action}`.length));
  const lines = list.map((c) => `  ${`${c.group} ${c.action}`.padEnd(width)}  ${c.summary}`);
  return `Usage: strata <command> [options]

Commands:
${lines.join('\n')}

Environment:
  STRATA_URL             the Strata server (default ${DEFAULT_URL})
  STRATA_TOKEN           API token, sent as "Authorization: Bearer" (needed for every change)
  NODE_EXTRA_CA_CERTS    PEM file with extra CA certificates, for HTTPS with a private CA

Exit codes: 0 success, 1 the API or the command failed, 2 the command line is wrong.
Run "strata <command> --help" for a command's options.`;
}

function describeError(err: CliError): string {
  if (err instanceof ApiError) return `strata: ${err.message} [${err.code}, HTTP ${err.status}]`;
  return `strata: ${err.message}`;
}

/**
 * Runs one command line (the arguments after `strata`) and returns the exit code: 0 on success, 1 when the
 * API or the command fails, 2 on a usage error. Results go to `io.out`, errors and notes to `io.err`.
 */
export async function main(argv: string[], io: Io, env: CliEnv): Promise<number> {
  const [group, action] = argv;
  if (group === undefined) {
    io.err(overview(commands));
    return 2;
  }
  if (group === '--help' || group === '-h' || group === 'help') {
    io.out(overview(commands));
    return 0;
  }
  const inGroup = commands.filter((c) => c.group === group);
  // An action may be more than one word (`workspace vars set`).
  const command = inGroup.find((c) => c.action.split(' ').every((word, i) => argv[1 + i] === word));
  if (!command) {
    if (inGroup.length > 0 && (action === undefined || action.startsWith('-')) && wantsHelp(argv.slice(1))) {
      io.out(overview(inGroup));
      return 0;
    }
    let what = `unknown command "${group}"`;
    if (inGroup.length > 0) what = action === undefined ? `"${group}" needs a command` : `unknown command "${group} ${action}"`;
    io.err(`strata: ${what}\n\n${overview(inGroup.length > 0 ? inGroup : commands)}`);
    return 2;
  }

  const rest = argv.slice(1 + command.action.split(' ').length);
  if (wantsHelp(rest)) {
    io.out(command.help);
    return 0;
  }
  const ctx: CommandContext = {
    io,
    api: ({ auth }) => {
      if (auth && !env.token) throw new UsageError('STRATA_TOKEN is not set: export an API token of the registry to make changes');
      return new ApiClient({ url: env.url, token: env.token });
    },
  };
  try {
    await command.run(rest, ctx);
    return 0;
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    io.err(describeError(err));
    if (err instanceof UsageError) io.err(`Run "strata ${command.group} ${command.action} --help" for usage.`);
    return err.exitCode;
  }
}

/** The `strata` executable: runs `process.argv` against the environment and sets the exit code. */
export async function runProcess(): Promise<void> {
  const io: Io = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
  try {
    process.exitCode = await main(process.argv.slice(2), io, readEnv());
  } catch (err) {
    io.err(`strata: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  }
}
