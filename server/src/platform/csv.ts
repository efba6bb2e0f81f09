/** Cells starting with these could run as spreadsheet formulas (ASVS 1.2.10); they get a leading quote. */
const formulaStart = /^[=+\-@\t\r\0]/;

/** Prefixes text that a spreadsheet would read as a formula. */
export const escapeFormula = (text: string) => (formulaStart.test(text) ? `'${text}` : text);

export function csvCell(value: unknown): string {
  if (value == null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = escapeFormula(typeof value === 'object' ? JSON.stringify(value) : String(value));
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** UTF-8 BOM so Excel opens Chinese text correctly. */
export const csvBom = '\uFEFF';
