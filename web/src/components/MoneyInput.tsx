import { TextInput, type TextInputProps } from '@mantine/core';
import { browserLocale, formatMoney, readMoneyInput } from '../lib/money';

/**
 * MoneyInput is an amount field read in the person's locale ("2,50" is
 * 2.50), which shows what it read — "= €2.50" — before anything is saved, so
 * a misread amount is seen, not discovered on the board.
 *
 * value is the text as typed; currency formats the preview; the other props
 * are TextInput's (an error given wins over the preview).
 */
export function MoneyInput({ value, currency, ...props }: Omit<TextInputProps, 'value'> & { value: string; currency: string }) {
  const read = readMoneyInput(value);
  const preview = read.value ? `= ${formatMoney(read.value, currency, { locale: browserLocale() })}` : undefined;
  return (
    <TextInput
      inputMode="decimal"
      autoComplete="off"
      placeholder="0"
      {...props}
      value={value}
      description={props.error ? undefined : (preview ?? props.description)}
      inputWrapperOrder={['label', 'input', 'description', 'error']}
    />
  );
}

/** moneyError validates an amount field for a form: the reason it is not an amount, or null. */
export function moneyError(value: string): string | null {
  return readMoneyInput(value).error;
}
