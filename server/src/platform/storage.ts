import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Accepted upload types: the extension decides the type, the first bytes must agree (no renamed executables). */
const fileTypes: Record<string, { contentType: string; magic: (head: Buffer) => boolean }> = {
  pdf: { contentType: 'application/pdf', magic: (head) => head.subarray(0, 5).toString('latin1') === '%PDF-' },
  png: { contentType: 'image/png', magic: (head) => head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  jpg: { contentType: 'image/jpeg', magic: (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff },
  jpeg: { contentType: 'image/jpeg', magic: (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', magic: isZip },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', magic: isZip },
  pptx: { contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', magic: isZip },
  txt: { contentType: 'text/plain; charset=utf-8', magic: isText },
  csv: { contentType: 'text/csv; charset=utf-8', magic: isText },
};

function isZip(head: Buffer) {
  return head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
}

function isText(head: Buffer) {
  return !head.includes(0);
}

export const allowedExtensions = Object.keys(fileTypes);

/** The content type for a file name and its first bytes, or null when the type is not accepted. */
export function detectFileType(fileName: string, content: Buffer): string | null {
  const extension = path.extname(fileName).slice(1).toLowerCase();
  const type = fileTypes[extension];
  return type && type.magic(content.subarray(0, 16)) ? type.contentType : null;
}

/** Files under one directory that every node shares; keys are random, never derived from user input. */
export class FileStorage {
  readonly root: string;
  constructor(root: string) {
    this.root = path.resolve(root);
    fs.mkdirSync(this.root, { recursive: true });
  }

  private pathOf(key: string): string {
    if (!/^\d{4}\/\d{2}\/[A-Za-z0-9_-]{20,}$/.test(key)) throw new Error('invalid storage key');
    return path.join(this.root, key);
  }

  /** Writes to a temporary name, syncs, then renames, so a crash never leaves a half file under a real key. */
  async save(content: Buffer, now: Date): Promise<{ key: string; sha256: string }> {
    const key = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${randomBytes(18).toString('base64url')}`;
    const target = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.part`;
    const handle = await fs.promises.open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temporary, target);
    return { key, sha256: createHash('sha256').update(content).digest('hex') };
  }

  open(key: string): fs.ReadStream {
    return fs.createReadStream(this.pathOf(key));
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }
}
