import { createContext, useContext } from 'react';
import type { Me } from '../api/types';

/** SessionContext holds the signed-in user inside the protected layout. */
export const SessionContext = createContext<Me | null>(null);

/** useSession returns the signed-in user; only valid under the protected layout. */
export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession outside the signed-in layout');
  return me;
}
