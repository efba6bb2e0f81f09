import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const templateFile = path.resolve(serverDir, '../deploy/nginx.conf.template');

export interface ClusterOptions {
  nodes: number;
  databaseUrl: string;
  redisUrl: string;
  /** Port nginx listens on (127.0.0.1). */
  port: number;
  /** First node's port; the others follow. */
  firstNodePort: number;
  /** Environment for every node (DATA_DIR is shared by default: attachments must be on storage all nodes see). */
  env?: Record<string, string>;
  /** The node's entry file (default: the product's own src/main.ts). */
  entry?: string;
  nginx?: string;
}

export interface RunningCluster {
  url: string;
  nodeUrls: string[];
  nodes: ChildProcess[];
  /** Stops one node (SIGTERM, graceful) — for failover checks. */
  stopNode(index: number): Promise<void>;
  /** Kills one node (SIGKILL: no graceful shutdown, in-flight requests cut off) — for crash checks. */
  killNode(index: number): Promise<void>;
  /** Starts a stopped or killed node again on its port and waits until it is ready. */
  restartNode(index: number): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

async function waitReady(url: string, child: ChildProcess, timeoutMs = 90_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (exited(child)) throw new Error(`node ${url} exited with ${child.exitCode ?? child.signalCode}`);
    try {
      if ((await fetch(`${url}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`node ${url} not ready after ${timeoutMs} ms`);
}

const stopped = (child: ChildProcess) => new Promise<void>((resolve) => (exited(child) ? resolve() : child.once('exit', () => resolve())));

/**
 * Several app nodes on one PostgreSQL + Redis behind Debian's nginx, on loopback: the scale-out
 * configuration of deploy/nginx.conf.template, for tests and for trying it out (`npm run cluster`).
 */
export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const nginx = options.nginx ?? '/usr/sbin/nginx';
  if (!fs.existsSync(nginx)) throw new Error(`nginx not found at ${nginx} (apt-get install nginx-light)`);
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'insure-cluster-'));
  const dataDir = options.env?.DATA_DIR ?? path.join(prefix, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const entry = options.entry ?? path.join(serverDir, 'src/main.ts');
  const nodes: ChildProcess[] = [];
  const nodeUrls: string[] = [];
  let nginxProcess: ChildProcess | null = null;
  const spawnNode = (index: number) =>
    spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: serverDir,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        DEMO_DATA: 'false',
        ...options.env,
        DATABASE_URL: options.databaseUrl,
        REDIS_URL: options.redisUrl,
        HOST: '127.0.0.1',
        PORT: String(options.firstNodePort + index),
        // nginx on this machine is the only proxy whose X-Forwarded-For is believed.
        TRUST_PROXY: '127.0.0.1',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  const stop = async () => {
    for (const child of [...nodes, ...(nginxProcess ? [nginxProcess] : [])]) if (!exited(child)) child.kill('SIGTERM');
    await Promise.all([...nodes, ...(nginxProcess ? [nginxProcess] : [])].map(stopped));
    fs.rmSync(prefix, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < options.nodes; index++) {
      nodeUrls.push(`http://127.0.0.1:${options.firstNodePort + index}`);
      nodes.push(spawnNode(index));
      // The first node runs the migrations and creates the admin; the others start on a ready schema.
      if (index === 0) await waitReady(nodeUrls[0]!, nodes[0]!);
    }
    await Promise.all(nodeUrls.map((url, index) => waitReady(url, nodes[index]!)));
    const upstreams = nodeUrls.map((url) => `    server ${url.replace('http://', '')} max_fails=2 fail_timeout=5s;`).join('\n');
    const config = fs
      .readFileSync(templateFile, 'utf8')
      .replaceAll('{{PREFIX}}', prefix)
      .replaceAll('{{LISTEN}}', `127.0.0.1:${options.port}`)
      .replaceAll('{{UPSTREAMS}}', upstreams);
    const configFile = path.join(prefix, 'nginx.conf');
    fs.writeFileSync(configFile, config);
    execFileSync(nginx, ['-t', '-q', '-p', prefix, '-c', configFile], { stdio: 'inherit' });
    nginxProcess = spawn(nginx, ['-p', prefix, '-c', configFile, '-g', 'daemon off;'], { stdio: ['ignore', 'inherit', 'inherit'] });
    const url = `http://127.0.0.1:${options.port}`;
    await waitReady(url, nginxProcess);
    return {
      url,
      nodeUrls,
      nodes,
      stopNode: async (index) => {
        nodes[index]!.kill('SIGTERM');
        await stopped(nodes[index]!);
      },
      killNode: async (index) => {
        nodes[index]!.kill('SIGKILL');
        await stopped(nodes[index]!);
      },
      restartNode: async (index) => {
        if (!exited(nodes[index]!)) throw new Error(`node ${index} is still running`);
        nodes[index] = spawnNode(index);
        await waitReady(nodeUrls[index]!, nodes[index]!);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '2' },
      port: { type: 'string', default: '8080' },
      'first-node-port': { type: 'string', default: '3101' },
    },
  });
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseUrl?.startsWith('postgres') || !redisUrl) {
    console.error('npm run cluster needs DATABASE_URL=postgres://… and REDIS_URL=redis://… (several nodes share both)');
    process.exit(2);
  }
  const cluster = await startCluster({ nodes: Number(values.nodes), port: Number(values.port), firstNodePort: Number(values['first-node-port']), databaseUrl, redisUrl });
  console.log(`\n  ${values.nodes} nodes behind nginx: ${cluster.url}  (nodes: ${cluster.nodeUrls.join(', ')})\n  Ctrl+C stops them all.\n`);
  const shutdown = () => void cluster.stop().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
