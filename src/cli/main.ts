#!/usr/bin/env node
/**
 * The kubeling command: one executable, one file per subcommand, options declared as tables.
 */
import { helpText, parseOptions, UsageError } from './options.js';
import { up, upOptions } from './up.js';
import { server, serverOptions } from './server.js';
import { explainCommand, explainOptions } from './explain.js';
import { agent, agentOptions } from './agent.js';
import { tokenCommand, tokenOptions } from './token.js';
import { LockedError } from './lock.js';

const commands: Record<string, { summary: string; options: typeof upOptions; run: (o: Record<string, unknown>, args: string[]) => Promise<void> }> = {
  up: { summary: 'Start an all-in-one cluster on this machine.', options: upOptions, run: (o) => up(o as never) },
  server: { summary: 'Start one API server of a highly available control plane on a shared etcd.', options: serverOptions, run: (o) => server(o as never) },
  agent: { summary: 'Run a node agent (process or simulated runtime) joining a running cluster: kubeling agent --kubeconfig PATH.', options: agentOptions, run: (o) => agent(o as never) },
  token: { summary: 'Manage bootstrap tokens for joining nodes: kubeling token create [--ttl 24h] | list | delete ID.', options: tokenOptions, run: (o, args) => tokenCommand(o as never, args) },
  explain: { summary: 'Explain a scheduling decision: kubeling explain pod NAME [-n NS] [-o json].', options: explainOptions, run: (o, args) => explainCommand(o as never, args) },
};

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`Usage: kubeling <command> [flags]\n\nCommands:\n${Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`).join('\n')}\n`);
    return;
  }
  const cmd = commands[name];
  if (!cmd) throw new UsageError(`unknown command "${name}"; run "kubeling help"`);
  const { options, args } = parseOptions(cmd.options, rest);
  if (options.help) {
    process.stdout.write(helpText(name, cmd.summary, cmd.options) + '\n');
    return;
  }
  await cmd.run(options, args);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof UsageError || e instanceof LockedError) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  }
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  if (process.env.KUBELING_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
