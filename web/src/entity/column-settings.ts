import { useCallback, useState } from 'react';

const storageKey = (userId: number, entityName: string) => `insure.columns.${userId}.${entityName}`;

function readHidden(key: string): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

/** Hidden list columns, remembered per user and entity in localStorage. */
export function useHiddenColumns(userId: number, entityName: string): [string[], (hidden: string[]) => void] {
  const key = storageKey(userId, entityName);
  const [state, setState] = useState(() => ({ key, hidden: readHidden(key) }));
  const hidden = state.key === key ? state.hidden : readHidden(key);
  const setHidden = useCallback(
    (next: string[]) => {
      setState({ key, hidden: next });
      try {
        localStorage.setItem(key, JSON.stringify(next));
      } catch {
        // unavailable storage: the choice lasts for this page only
      }
    },
    [key],
  );
  return [hidden, setHidden];
}
