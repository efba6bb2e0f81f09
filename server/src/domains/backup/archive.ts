import { type CipherGCM, createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

/**
 * Backup files are gzip-compressed ustar archives (any `tar -xzf` opens an unencrypted one), optionally
 * wrapped in AES-256-GCM: magic, 12-byte nonce, ciphertext, 16-byte tag. GCM authenticates only at the end,
 * so readers always unpack into a scratch directory and use nothing before the tag has been checked.
 */
const encryptedMagic = Buffer.from('IBKENC01');
const tagLength = 16;
const nonceLength = 12;
const block = 512;

export interface ArchiveEntry {
  /** Path inside the archive (forward slashes, at most 100 bytes). */
  name: string;
  /** File on disk whose bytes become the entry. */
  file: string;
}

export interface EntryDigest {
  name: string;
  size: number;
  sha256: string;
}

export async function digestFile(file: string): Promise<EntryDigest & { name: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { name: path.basename(file), size, sha256: hash.digest('hex') };
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function tarHeader(name: string, size: number, mtime: number): Buffer {
  const header = Buffer.alloc(block);
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100) throw new Error(`archive entry name too long: ${name}`);
  nameBytes.copy(header, 0);
  header.write(octal(0o644, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  if (size < 8 ** 11) header.write(octal(size, 12), 124, 'ascii');
  else {
    // GNU base-256 size for entries of 8 GiB and more.
    header[124] = 0x80;
    header.writeBigUInt64BE(BigInt(size), 128);
  }
  header.write(octal(Math.floor(mtime / 1000), 12), 136, 'ascii');
  header.write('        ', 148, 'ascii');
  header.write('0', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

function headerSize(header: Buffer): number {
  if (header[124]! & 0x80) return Number(header.readBigUInt64BE(128));
  return parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim() || '0', 8);
}

function headerChecksumOk(header: Buffer): boolean {
  const stored = parseInt(header.subarray(148, 156).toString('ascii').replace(/\0.*$/, '').trim(), 8);
  let sum = 0;
  for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  return stored === sum;
}

async function* tarStream(entries: { name: string; file?: string; content?: Buffer }[], mtime: number): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    const size = entry.content ? entry.content.length : (await fs.promises.stat(entry.file!)).size;
    yield tarHeader(entry.name, size, mtime);
    let written = 0;
    if (entry.content) {
      yield entry.content;
      written = entry.content.length;
    } else {
      for await (const chunk of fs.createReadStream(entry.file!)) {
        written += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    // A file that grew or shrank while being read would corrupt every later entry.
    if (written !== size) throw new Error(`${entry.name} changed size while being archived`);
    if (size % block) yield Buffer.alloc(block - (size % block));
  }
  yield Buffer.alloc(block * 2);
}

function encryptor(key: Buffer): { header: Buffer; cipher: Transform } {
  const nonce = randomBytes(nonceLength);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(encryptedMagic);
  return { header: Buffer.concat([encryptedMagic, nonce]), cipher: withTag(cipher) };
}

/** A Transform that passes ciphertext through and appends the GCM tag at the end. */
function withTag(cipher: CipherGCM): Transform {
  return new Transform({
    transform(chunk, _encoding, done) {
      done(null, cipher.update(chunk as Buffer));
    },
    flush(done) {
      const last = cipher.final();
      done(null, Buffer.concat([last, cipher.getAuthTag()]));
    },
  });
}

/**
 * Writes the archive to `target` (via a temporary name, synced, then renamed) and returns the SHA-256 and
 * size of the file as stored.
 */
export async function writeArchive(target: string, entries: { name: string; file?: string; content?: Buffer }[], key: Buffer | null, mtime: number): Promise<{ sizeBytes: number; sha256: string }> {
  const temporary = `${target}.part`;
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const count = new Transform({
    transform(chunk, _encoding, done) {
      hash.update(chunk as Buffer);
      sizeBytes += (chunk as Buffer).length;
      done(null, chunk);
    },
  });
  const output = fs.createWriteStream(temporary, { flags: 'wx', mode: 0o600 });
  try {
    const stages: (NodeJS.ReadableStream | NodeJS.WritableStream | Transform | Writable)[] = [Readable.from(tarStream(entries, mtime)), createGzip({ level: 6 })];
    if (key) {
      const { header, cipher } = encryptor(key);
      hash.update(header);
      sizeBytes += header.length;
      output.write(header);
      stages.push(cipher);
    }
    stages.push(count, output);
    await pipeline(stages as unknown as Parameters<typeof pipeline>[0][]);
    const handle = await fs.promises.open(temporary, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    output.destroy();
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
  await fs.promises.rename(temporary, target);
  return { sizeBytes, sha256: hash.digest('hex') };
}

export async function isEncrypted(file: string): Promise<boolean> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(encryptedMagic.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(encryptedMagic);
  } finally {
    await handle.close();
  }
}

export class ArchiveError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Parses a tar stream into files under `directory`; names are checked so nothing lands outside it. */
function tarExtractor(directory: string, digests: EntryDigest[]): Writable {
  let buffer: Buffer = Buffer.alloc(0);
  let current: { name: string; remaining: number; padding: number; fd: number; hash: ReturnType<typeof createHash>; size: number } | null = null;
  let skip = 0;
  let ended = false;
  const finishEntry = () => {
    fs.closeSync(current!.fd);
    digests.push({ name: current!.name, size: current!.size, sha256: current!.hash.digest('hex') });
    skip = current!.padding;
    current = null;
  };
  return new Writable({
    write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void) {
      try {
        buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
        for (;;) {
          if (skip) {
            const dropped = Math.min(skip, buffer.length);
            buffer = buffer.subarray(dropped);
            skip -= dropped;
            if (skip) break;
          }
          if (current) {
            const take = Math.min(current.remaining, buffer.length);
            if (take) {
              const part = buffer.subarray(0, take);
              fs.writeSync(current.fd, part);
              current.hash.update(part);
              current.remaining -= take;
              buffer = buffer.subarray(take);
            }
            if (current.remaining === 0) {
              finishEntry();
              continue;
            }
            break;
          }
          if (ended) {
            buffer = Buffer.alloc(0);
            break;
          }
          if (buffer.length < block) break;
          const header = buffer.subarray(0, block);
          buffer = buffer.subarray(block);
          if (header.every((byte) => byte === 0)) {
            ended = true;
            continue;
          }
          if (!headerChecksumOk(header)) throw new ArchiveError('bad_header');
          const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
          const type = String.fromCharCode(header[156]!);
          const size = headerSize(header);
          if (type !== '0' && type !== '\0') throw new ArchiveError('unexpected_entry');
          if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(name) || name.split('/').some((part) => part === '..' || part === '.')) throw new ArchiveError('bad_entry_name');
          const target = path.join(directory, name);
          fs.mkdirSync(path.dirname(target), { recursive: true });
          current = { name, remaining: size, padding: size % block ? block - (size % block) : 0, fd: fs.openSync(target, 'wx', 0o600), hash: createHash('sha256'), size };
          if (size === 0) finishEntry();
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    final(done: (error?: Error | null) => void) {
      if (current) {
        fs.closeSync(current.fd);
        done(new ArchiveError('truncated'));
      } else if (!ended) done(new ArchiveError('truncated'));
      else done();
    },
  });
}

/**
 * Unpacks an archive into `directory` (which must be empty), checking the GCM tag when encrypted and
 * returning each entry's size and SHA-256. Any damage (bad tag, gzip CRC, truncated tar) throws ArchiveError.
 */
export async function extractArchive(file: string, directory: string, key: Buffer | null): Promise<EntryDigest[]> {
  const digests: EntryDigest[] = [];
  const { size } = await fs.promises.stat(file);
  const stages: (NodeJS.ReadableStream | Transform | Writable)[] = [];
  if (await isEncrypted(file)) {
    if (!key) throw new ArchiveError('encrypted_no_key');
    const prefix = encryptedMagic.length + nonceLength;
    if (size < prefix + tagLength) throw new ArchiveError('truncated');
    const handle = await fs.promises.open(file, 'r');
    const nonce = Buffer.alloc(nonceLength);
    const tag = Buffer.alloc(tagLength);
    try {
      await handle.read(nonce, 0, nonceLength, encryptedMagic.length);
      await handle.read(tag, 0, tagLength, size - tagLength);
    } finally {
      await handle.close();
    }
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(encryptedMagic);
    decipher.setAuthTag(tag);
    if (size - tagLength - 1 >= prefix) stages.push(fs.createReadStream(file, { start: prefix, end: size - tagLength - 1 }));
    else stages.push(Readable.from([]));
    stages.push(decipher);
  } else {
    stages.push(fs.createReadStream(file));
  }
  stages.push(createGunzip(), tarExtractor(directory, digests));
  try {
    await pipeline(stages as unknown as Parameters<typeof pipeline>[0][]);
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/auth|Unsupported state/i.test(message)) throw new ArchiveError('decryption_failed');
    throw new ArchiveError('damaged');
  }
  return digests;
}

export async function sha256OfFile(file: string): Promise<string> {
  return (await digestFile(file)).sha256;
}
