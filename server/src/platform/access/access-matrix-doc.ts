import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../app.ts';
import { configFrom } from '../../config.ts';
import { renderAccessMatrix, routesOf, type RouteRow } from './route-access.ts';

/** Where the generated matrix lives, relative to the repository root. */
export const accessMatrixPath = 'docs/access-matrix.md';

/** The matrix of a freshly built app (scratch SQLite data directory, nothing kept). */
export async function generateAccessMatrix(): Promise<{ markdown: string; undeclared: string[] }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'insure-matrix-'));
  const config = configFrom({ NODE_ENV: 'test', DATA_DIR: dataDir, ADMIN_PASSWORD: 'Matrix-Scratch-Pass-2026', DEMO_DATA: 'false', LOG_LEVEL: 'silent' });
  const built = await buildApp({ config, logger: false });
  try {
    await built.app.ready();
    const routes = routesOf(built.app.swagger() as unknown as { paths: Record<string, Record<string, unknown>> });
    const undeclared = routes.filter((route) => !route.access).map((route) => `${route.method} ${route.path}`);
    return { markdown: renderAccessMatrix(routes.filter((route): route is RouteRow => !!route.access)), undeclared };
  } finally {
    await built.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
