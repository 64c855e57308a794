import { isAdmin } from '../../api/queries';
import { usePhoneNumbers, useTwilioProvider, type PhoneNumber } from '../../api/phone';
import { useSession } from '../../components/session';
import { formatPhone } from '../../lib/format';

export interface Provider {
  /** The caller may change the Twilio connection. */
  admin: boolean;
  /** True/false once known; null while loading. */
  simulator: boolean | null;
  /** Connected: the settings are saved (admins), or the company has a number (everyone). */
  numbers: PhoneNumber[];
  numbersLoaded: boolean;
  numbersError: unknown;
  /** The number texts and calls default to: the caller's own, else the company's first. */
  defaultNumber: PhoneNumber | null;
}

/** useProvider is what the SMS and call pages need to know about the company's connection. */
export function useProvider(): Provider {
  const me = useSession();
  const admin = isAdmin(me.role);
  const provider = useTwilioProvider();
  const numbers = usePhoneNumbers();
  const list = numbers.data ?? [];
  return {
    admin,
    simulator: provider.data ? provider.data.configured && provider.data.mode === 'simulator' : null,
    numbers: list,
    numbersLoaded: numbers.isSuccess,
    numbersError: numbers.error,
    defaultNumber: list.find((n) => n.user_id === me.user.id) ?? list[0] ?? null,
  };
}

/** numberOption names a company number in a select: "Sales · +1 500 555 0006". */
export function numberOption(n: PhoneNumber) {
  return { value: n.id, label: n.label ? `${n.label} · ${formatPhone(n.number)}` : formatPhone(n.number) };
}
