import { useEffect, useRef } from "react";

/** Calls `apply(value)` once typing pauses (`ms` after the last change), not on every key: a search box that
 * queries the app only when the staff user stops typing. Nothing is applied until the value differs from the one
 * last applied (the first value counts as applied), so a page's first render never resets what staff did since. */
export function useWhenTypingPauses(value: string, apply: (value: string) => void, ms = 300): void {
  const latest = useRef(apply);
  latest.current = apply;
  const applied = useRef(value);
  useEffect(() => {
    if (value === applied.current) return;
    const timer = window.setTimeout(() => {
      applied.current = value;
      latest.current(value);
    }, ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
}
