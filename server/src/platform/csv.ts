/** Cells starting with these could run as spreadsheet formulas (ASVS 1.2.10); they get a leading quote. */
const formulaStart = /^[=+\-@\t\r\0]/;

export function csvCell(value: unknown): string {
  if (value == null) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (formulaStart.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** UTF-8 BOM so Excel opens Chinese text correctly. */
export const csvBom = '\uFEFF';
