/** The exit codes of envctl (README "Command line", decisions §38) and the error that carries one. */
export const exitCodes = {
  ok: 0,
  error: 1,
  usage: 2,
  unauthenticated: 3,
  notFound: 4,
  runFailed: 5,
  interrupted: 130,
} as const;

export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = exitCodes.error) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** The API's error body: `{detail, error_code, request_id, timestamp, errors?}`. */
interface ApiErrorBody {
  detail?: string;
  error_code?: string;
  errors?: { field: string; message: string }[];
}

/** Turns an API error answer into a CliError whose exit code follows the status. */
export function apiError(status: number, body: unknown): CliError {
  const error = (typeof body === 'object' && body !== null ? body : {}) as ApiErrorBody;
  const fields = (error.errors ?? []).map((e) => `\n  ${e.field}: ${e.message}`).join('');
  const message = `${error.detail ?? `HTTP ${status}`}${error.error_code ? ` (${error.error_code})` : ''}${fields}`;
  if (status === 401) return new CliError(`${message}\nLog in with: envctl login`, exitCodes.unauthenticated);
  if (status === 404) return new CliError(message, exitCodes.notFound);
  return new CliError(message, exitCodes.error);
}
