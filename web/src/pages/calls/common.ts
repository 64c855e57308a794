import type { Call } from '../../api/phone';
import { formatPhone } from '../../lib/format';

/** callParty is who the call was with: the contact, else the other side's number. */
export function callParty(c: Pick<Call, 'contact_name' | 'direction' | 'from' | 'to'>): string {
  return c.contact_name || formatPhone(c.direction === 'inbound' ? c.from : c.to) || 'Unknown number';
}
