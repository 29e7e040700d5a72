import { parseArgs } from 'node:util';

export const DEFAULT_SERVER_URL = 'http://localhost:4000';

export const USAGE = `Usage: jobtoken <command> [options]

Commands:
  submit <city> [--date YYYY-MM-DD] [--wait]   submit a forecast job and print its id
  status <id>                                  print the job's current state
  wait <id>                                    poll until the job is done and print the result
  cancel <id>                                  cancel the job

Options:
  --url URL                 server base URL (default: $JOBTOKEN_URL or ${DEFAULT_SERVER_URL})
  --graphql                 use the GraphQL API instead of REST
  --date YYYY-MM-DD         forecast date for submit (default: tomorrow in the city)
  --wait                    after submit, wait for the result as the wait command does
  --idempotency-key KEY     make a repeated submit return the first job (1-255 ASCII characters)
  -h, --help                show this help

Results and states are printed as JSON on stdout; progress goes to stderr, as a bar on a
terminal and as plain lines otherwise.

Exit status: 0 job completed (or request succeeded), 1 job failed or cancelled or a request
failed, 2 usage error, 130 interrupted.`;

export type CliCommand =
  | { name: 'help' }
  | { name: 'submit'; city: string; date?: string; wait: boolean; idempotencyKey?: string }
  | { name: 'status' | 'wait' | 'cancel'; jobId: string };

export interface CliInvocation {
  command: CliCommand;
  url: URL;
  graphql: boolean;
}

/** A command line that cannot run; the CLI prints the message and the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Parses the arguments after `jobtoken`; throws UsageError for anything it cannot run. */
export function parseCliArgs(args: string[], env: NodeJS.ProcessEnv): CliInvocation {
  const { values, positionals } = parseOrThrow(args);
  const url = parseUrl(values.url ?? (env.JOBTOKEN_URL || DEFAULT_SERVER_URL));
  const graphql = values.graphql === true;
  if (values.help) return { command: { name: 'help' }, url, graphql };

  const [name, operand, ...extra] = positionals;
  if (name === undefined) throw new UsageError('Missing command.');
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
  if (name !== 'submit' && (values.date || values.wait || values['idempotency-key'])) {
    throw new UsageError('--date, --wait and --idempotency-key apply to submit only.');
  }

  switch (name) {
    case 'submit':
      return { command: submitCommand(operand, values), url, graphql };
    case 'status':
    case 'wait':
    case 'cancel':
      if (!operand) throw new UsageError(`Missing job id: jobtoken ${name} <id>.`);
      return { command: { name, jobId: operand }, url, graphql };
    default:
      throw new UsageError(`Unknown command "${name}".`);
  }
}

function parseOrThrow(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        graphql: { type: 'boolean' },
        date: { type: 'string' },
        wait: { type: 'boolean' },
        'idempotency-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs throws a TypeError with an ERR_PARSE_ARGS_* code for unknown or malformed options.
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
}

function submitCommand(
  city: string | undefined,
  values: { date?: string; wait?: boolean; 'idempotency-key'?: string },
): CliCommand {
  if (!city) throw new UsageError('Missing city: jobtoken submit <city>.');
  if (values.date !== undefined && !DATE_PATTERN.test(values.date)) {
    throw new UsageError(`Invalid --date "${values.date}": expected YYYY-MM-DD.`);
  }
  if (values['idempotency-key'] === '') {
    throw new UsageError('Invalid --idempotency-key "": it must not be empty.');
  }
  return {
    name: 'submit',
    city,
    wait: values.wait === true,
    ...(values.date !== undefined ? { date: values.date } : {}),
    ...(values['idempotency-key'] !== undefined
      ? { idempotencyKey: values['idempotency-key'] }
      : {}),
  };
}

function parseUrl(value: string): URL {
  if (!URL.canParse(value)) {
    throw new UsageError(
      `Invalid server URL "${value}": expected one such as ${DEFAULT_SERVER_URL}.`,
    );
  }
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`Invalid server URL "${value}": only http and https are supported.`);
  }
  return url;
}
