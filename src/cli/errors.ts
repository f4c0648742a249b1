// The CLI's own error: a message for the user and an exit code. The one error boundary in
// main.ts prints `rollcast: <message>` and exits with the code; nothing else calls exit.

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
