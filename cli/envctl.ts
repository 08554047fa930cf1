#!/usr/bin/env node
/**
 * envctl, the command-line client of the API (README "Command line", decisions §38). It talks
 * HTTP only, through the client generated from the OpenAPI document (cli/api/schema.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import { authCommands } from './commands/auth.ts';
import { envCommands } from './commands/env.ts';
import { opsCommands } from './commands/ops.ts';
import { previewCommands } from './commands/previews.ts';
import { projectCommands } from './commands/projects.ts';
import { serviceAccountCommands } from './commands/service-accounts.ts';
import { webhookCommands } from './commands/webhooks.ts';
import { CliError, exitCodes } from './errors.ts';

const program = new Command('envctl')
  .description('Create, watch and manage cloud environments')
  .option('--api-url <url>', 'the API base URL', process.env.ENVCTL_API_URL || 'http://localhost:3000/v1')
  .addOption(new Option('--token <token>', 'an ID token to use (never stored)').env('ENVCTL_TOKEN'))
  .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
  .showHelpAfterError()
  .exitOverride();

authCommands(program);
projectCommands(program);
envCommands(program);
opsCommands(program);
serviceAccountCommands(program);
webhookCommands(program);
previewCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCode(error);
}

function exitCode(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version end with code 0; every other parse error is a usage error (commander printed it).
    return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
  }
  if (error instanceof CliError) {
    process.stderr.write(`envctl: ${error.message}\n`);
    return error.exitCode;
  }
  // Anything else (the API unreachable: `fetch failed`, …) is a plain error.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`envctl: ${message}\n`);
  return exitCodes.error;
}
