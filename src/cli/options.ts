/**
 * Command-line options declared as tables (name, type, default, help) that drive both parsing and
 * --help, so every subcommand documents itself the same way.
 */

export interface OptionSpec {
  name: string; // "data-dir"
  type: 'string' | 'number' | 'boolean';
  default?: string | number | boolean;
  help: string;
  /** boolean flags accept --no-<name> */
}

export type ParsedOptions = Record<string, string | number | boolean | undefined>;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseOptions(specs: OptionSpec[], argv: string[]): { options: ParsedOptions; args: string[] } {
  const options: ParsedOptions = {};
  for (const s of specs) options[s.name] = s.default;
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      args.push(a);
      continue;
    }
    const [name, v0] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    let value = v0;
    let spec = specs.find((s) => s.name === name);
    if (!spec && name.startsWith('no-')) {
      spec = specs.find((s) => s.name === name.slice(3) && s.type === 'boolean');
      if (spec) {
        options[spec.name] = false;
        continue;
      }
    }
    if (!spec) throw new UsageError(`unknown flag: --${name}`);
    if (spec.type === 'boolean') {
      options[spec.name] = value === undefined ? true : value !== 'false';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`flag needs an argument: --${name}`);
    }
    if (spec.type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`invalid value "${value}" for --${name}: not a number`);
      options[spec.name] = n;
    } else options[spec.name] = value;
  }
  return { options, args };
}

export function helpText(command: string, summary: string, specs: OptionSpec[]): string {
  const lines = [`Usage: kubeling ${command} [flags]`, '', summary, '', 'Flags:'];
  for (const s of specs) {
    const flag = s.type === 'boolean' ? `--${s.name}` : `--${s.name} ${s.type}`;
    const def = s.default !== undefined && s.default !== '' ? ` (default ${JSON.stringify(s.default)})` : '';
    lines.push(`  ${flag.padEnd(44)} ${s.help}${def}`);
  }
  return lines.join('\n');
}
