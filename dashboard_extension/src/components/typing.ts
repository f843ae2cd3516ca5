import { useEffect, useRef } from "react";

/** Calls `apply(value)` once typing pauses (`ms` after the last change), not on every key: a search box that
 * queries the app only when the staff user stops typing. */
export function useWhenTypingPauses(value: string, apply: (value: string) => void, ms = 300): void {
  const latest = useRef(apply);
  latest.current = apply;
  useEffect(() => {
    const timer = window.setTimeout(() => latest.current(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
}
