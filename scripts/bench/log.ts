/** The benchmark's progress output: one line to stdout. */
export const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
