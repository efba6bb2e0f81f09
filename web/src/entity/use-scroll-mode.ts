import type { TableColumnType } from 'antd';
import { useSyncExternalStore } from 'react';

/** Page sizes above this are the scroll mode: one large page in a virtualised table (only visible rows in the DOM). */
export const largestPagedSize = 100;

const defaultColumnWidth = 160;
const selectionColumnWidth = 48;

function subscribe(onChange: () => void): () => void {
  window.addEventListener('resize', onChange);
  return () => window.removeEventListener('resize', onChange);
}

interface ScrollProps {
  virtual: boolean;
  scroll: { x: number | 'max-content'; y?: number };
}

/**
 * The table's scroll settings for a page size: below the scroll mode the page grows and scrolls
 * sideways as wide as its content; in scroll mode antd's virtual table needs numeric sizes (a fixed
 * body height from the window's, and a width summed from the columns), so fixed columns and row
 * selection keep working while only the visible rows are rendered.
 */
export function useScrollMode(pageSize: number, columns: readonly TableColumnType<never>[], isSelectable: boolean): ScrollProps {
  const windowHeight = useSyncExternalStore(subscribe, () => window.innerHeight, () => 800);
  if (pageSize <= largestPagedSize) return { virtual: false, scroll: { x: 'max-content' } };
  const width = columns.reduce((sum, column) => sum + (typeof column.width === 'number' ? column.width : defaultColumnWidth), isSelectable ? selectionColumnWidth : 0);
  return { virtual: true, scroll: { x: width, y: Math.max(320, windowHeight - 340) } };
}
