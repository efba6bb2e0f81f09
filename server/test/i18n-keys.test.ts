import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The web bundle's message catalogues are checked here so `npm test` fails on a missing or one-sided key.
const webSource = join(import.meta.dirname, '../../web/src');
const locales = ['zh-CN', 'en-US'] as const;
type Messages = { [key: string]: string | Messages };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });
}

function flatten(messages: Messages, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') flat.set(path, value);
    else for (const [inner, text] of flatten(value, path)) flat.set(inner, text);
  }
  return flat;
}

const catalogues = Object.fromEntries(
  locales.map((locale) => [locale, flatten(JSON.parse(readFileSync(join(webSource, 'locales', `${locale}.json`), 'utf8')) as Messages)]),
) as Record<(typeof locales)[number], Map<string, string>>;

const sources = sourceFiles(webSource).map((file) => ({ file: file.slice(webSource.length + 1), text: readFileSync(file, 'utf8') }));

function usedKeys(pattern: RegExp): { key: string; file: string }[] {
  return sources.flatMap(({ file, text }) => [...text.matchAll(pattern)].map((match) => ({ key: match[1]!, file })));
}

const present = (catalogue: Map<string, string>, key: string) =>
  catalogue.has(key) || catalogue.has(`${key}_one`) || catalogue.has(`${key}_other`);

describe('web message catalogues', () => {
  it('have every key the code names, in both languages', () => {
    // t('a.b') anywhere, and any other quoted 'namespace.key' (keys kept in arrays or props such as labelKey).
    const namespaces = [...new Set([...catalogues['zh-CN'].keys()].map((key) => key.split('.')[0]))].join('|');
    const literal = [
      ...usedKeys(/\bt\(\s*'([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+)'/g),
      ...usedKeys(new RegExp(`'((?:${namespaces})(?:\\.[A-Za-z0-9_]+)+)'`, 'g')),
    ];
    expect(literal.length).toBeGreaterThan(500);
    for (const locale of locales) {
      const missing = literal.filter(({ key }) => !present(catalogues[locale], key)).map(({ key, file }) => `${key} (${file})`);
      expect([...new Set(missing)], `missing in ${locale}`).toEqual([]);
    }
  });

  it('have every prefix of a computed key (t(`group.${value}`))', () => {
    const prefixes = usedKeys(/\bt\(\s*`([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)\.\$\{/g);
    for (const locale of locales) {
      const missing = prefixes.filter(({ key }) => ![...catalogues[locale].keys()].some((known) => known.startsWith(`${key}.`)));
      expect(missing.map(({ key, file }) => `${key}.* (${file})`), `missing in ${locale}`).toEqual([]);
    }
  });

  it('hold the same keys and the same placeholders in both languages', () => {
    // English plural forms (key_one / key_other) stand for the one Chinese key.
    const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');
    const [zh, en] = [catalogues['zh-CN'], catalogues['en-US']];
    const [zhKeys, enKeys] = [new Set([...zh.keys()].map(base)), new Set([...en.keys()].map(base))];
    expect([...zhKeys].filter((key) => !enKeys.has(key)), 'only in zh-CN').toEqual([]);
    expect([...enKeys].filter((key) => !zhKeys.has(key)), 'only in en-US').toEqual([]);
    const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((match) => match[1]).sort().join(',');
    const differing = [...zh].filter(([key, text]) => en.has(key) && placeholders(text) !== placeholders(en.get(key)!)).map(([key]) => key);
    expect(differing).toEqual([]);
  });
});

/**
 * Hard-coded UI text: JSX text with letters, user-facing attributes given a literal with letters, and any string
 * literal with Chinese characters. Exceptions say why.
 */
const userFacingAttributes = new Set(['title', 'placeholder', 'label', 'aria-label', 'alt', 'okText', 'cancelText', 'addonBefore', 'addonAfter', 'description', 'message', 'extra', 'tooltip', 'checkedChildren', 'unCheckedChildren', 'emptyText', 'suffix', 'prefix']);
const allowedLiterals = new Map([
  // Each language is offered under its own name, whatever the current language.
  ['app/HeaderBar.tsx', new Set(['简体中文', 'English'])],
]);

describe('web source', () => {
  it('has no hard-coded UI text', async () => {
    const ts = (await import('typescript')).default;
    const problems: string[] = [];
    for (const { file, text } of sources) {
      if (file.startsWith('locales')) continue;
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
      const report = (node: import('typescript').Node, value: string) => {
        if (allowedLiterals.get(file)?.has(value)) return;
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        problems.push(`${file}:${line + 1}: ${JSON.stringify(value.trim().slice(0, 60))}`);
      };
      const visit = (node: import('typescript').Node) => {
        if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) report(node, node.text);
        else if (ts.isJsxAttribute(node) && node.initializer && ts.isStringLiteral(node.initializer) && userFacingAttributes.has(node.name.getText()) && /\p{L}/u.test(node.initializer.text)) report(node, node.initializer.text);
        else if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && /\p{Script=Han}/u.test(node.text)) report(node, node.text);
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
