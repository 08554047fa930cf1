/** `login`, `logout`, `whoami`. */
import { createInterface } from 'node:readline/promises';
import { type Command, Option } from 'commander';
import { anonymousClient, unwrap } from '../api/client.ts';
import { removeCredentials, writeCredentials } from '../credentials.ts';
import { CliError, exitCodes } from '../errors.ts';
import { fields, print } from '../output.ts';
import { globals, session } from './common.ts';

async function ask(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new CliError(`${question.replace(/: $/, '')} is missing: pass it as a flag`, exitCodes.usage);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** All of stdin, without its trailing line break (as `docker login --password-stdin` reads it). */
async function passwordFromStdin(what = 'password'): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password === '') throw new CliError(`--password-stdin read no ${what}`, exitCodes.usage);
  return password;
}

/** The service account's secret: stdin with --password-stdin, else ENVCTL_SERVICE_ACCOUNT_SECRET. */
async function serviceAccountSecret(passwordStdin: boolean | undefined): Promise<string> {
  if (passwordStdin) return passwordFromStdin('secret');
  const secret = process.env.ENVCTL_SERVICE_ACCOUNT_SECRET;
  if (!secret) {
    throw new CliError(
      '--service-account needs its secret: --password-stdin, or ENVCTL_SERVICE_ACCOUNT_SECRET',
      exitCodes.usage,
    );
  }
  return secret;
}

export function authCommands(program: Command): void {
  program
    .command('login')
    .description('Log in and store the ID and refresh tokens ($XDG_CONFIG_HOME/envctl/credentials.json)')
    .addOption(
      new Option('--email <email>', 'the email address (asked on a terminal when missing)').conflicts(
        'serviceAccount',
      ),
    )
    .addOption(
      new Option(
        '--service-account <username>',
        'log in as a service account (sa-…@service-accounts.invalid); its secret from --password-stdin or ENVCTL_SERVICE_ACCOUNT_SECRET',
      ).conflicts('password'),
    )
    .addOption(
      new Option('--password <password>', 'the password (asked on a terminal when missing)').conflicts(
        'passwordStdin',
      ),
    )
    .option(
      '--password-stdin',
      'read the password from stdin (for scripts: echo "$PASSWORD" | envctl login …)',
    )
    .action(
      async (
        options: { email?: string; password?: string; passwordStdin?: boolean; serviceAccount?: string },
        command: Command,
      ) => {
        const g = globals(command);
        if (options.passwordStdin && options.email === undefined && options.serviceAccount === undefined) {
          throw new CliError('--password-stdin needs --email or --service-account', exitCodes.usage);
        }
        const email = options.serviceAccount ?? options.email ?? (await ask('Email: '));
        const password =
          options.serviceAccount !== undefined
            ? await serviceAccountSecret(options.passwordStdin)
            : options.passwordStdin
              ? await passwordFromStdin()
              : (options.password ?? (await ask('Password: ')));
        const tokens = unwrap(
          await anonymousClient(g.apiUrl).POST('/auth/login', { body: { email, password } }),
        );
        writeCredentials({
          api_url: g.apiUrl,
          email,
          id_token: tokens.id_token,
          refresh_token: tokens.refresh_token,
        });
        print(g, { email, logged_in: true }, () => `Logged in as ${email}`);
      },
    );

  program
    .command('logout')
    .description('Forget the stored tokens')
    .action((_options, command: Command) => {
      const had = removeCredentials();
      print(globals(command), { logged_out: had }, () => (had ? 'Logged out' : 'Not logged in'));
    });

  program
    .command('whoami')
    .description('Show the logged-in user (GET /me)')
    .action(async (_options, command: Command) => {
      const { api, g } = await session(command);
      const me = unwrap(await api.GET('/me'));
      print(g, me, () =>
        fields({
          email: me.email,
          user_id: me.user_id,
          role: me.role,
          ...(me.service_account
            ? { service_account: `${me.service_account.role} of ${me.service_account.project_id}` }
            : {}),
        }),
      );
    });
}
