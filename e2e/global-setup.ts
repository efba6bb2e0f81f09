import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Browser tests need the built web app; build it once when it is missing. */
export default function setup() {
  if (!fs.existsSync(path.join(root, 'web/dist/index.html'))) {
    execFileSync('npm', ['run', 'build', '-w', 'web'], { cwd: root, stdio: 'inherit' });
  }
  fs.mkdirSync(path.join(root, 'e2e/artifacts'), { recursive: true });
}
