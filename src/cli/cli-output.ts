/** Where the CLI writes: one call per block of text (the bin adds the newline). */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}
