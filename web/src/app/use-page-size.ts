import { useCallback, useState } from 'react';

const allowed = [10, 20, 50, 100];

/** The user's preferred list page size, remembered in localStorage. */
export function usePageSize(userId: number): [number, (size: number) => void] {
  const key = `insure.pageSize.${userId}`;
  const [size, setSize] = useState(() => {
    const stored = Number(localStorage.getItem(key));
    return allowed.includes(stored) ? stored : 20;
  });
  const update = useCallback(
    (next: number) => {
      setSize(next);
      try {
        localStorage.setItem(key, String(next));
      } catch {
        // storage unavailable: keep the size for this page only
      }
    },
    [key],
  );
  return [size, update];
}
