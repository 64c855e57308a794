import { useEffect, useState } from 'react';

/** useCountdown counts whole seconds down to zero from the last value passed to start(). */
export function useCountdown() {
  const [until, setUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until == null) return;
    const t = setInterval(() => {
      const n = Date.now();
      setNow(n);
      if (n >= until) {
        setUntil(null);
        clearInterval(t);
      }
    }, 500);
    return () => clearInterval(t);
  }, [until]);
  const left = until == null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
  return {
    secondsLeft: left,
    start: (seconds: number) => {
      const n = Date.now();
      setNow(n);
      setUntil(n + seconds * 1000);
    },
  };
}
