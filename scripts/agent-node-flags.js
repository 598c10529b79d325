// The Node flags the image starts the agent with, read from the Dockerfile's ENTRYPOINT, so a
// benchmark runs the agent as the image does and the two cannot drift apart.
// Usage: node scripts/agent-node-flags.js   (prints them as JSON; also imported)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const AGENT_SCRIPT = 'bin/ipnet-agent.js';

/** The flags between `node` and the agent's script in the ENTRYPOINT of `<root>/Dockerfile`. */
export function agentNodeFlags(root = process.cwd()) {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const line = /^ENTRYPOINT (\[.*\])\s*$/m.exec(text);
  if (line === null) throw new Error('Dockerfile: no ENTRYPOINT in exec form (a JSON array)');
  const argv = JSON.parse(line[1]);
  const script = argv.indexOf(AGENT_SCRIPT);
  if (argv[0] !== 'node' || script < 1) throw new Error(`Dockerfile: ENTRYPOINT is not ["node", <flags>…, "${AGENT_SCRIPT}"]: ${line[1]}`);
  return argv.slice(1, script);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${JSON.stringify(agentNodeFlags())}\n`);
