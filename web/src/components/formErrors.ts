import { errorMessage, fieldErrors, isApiError } from '../api/errors';

interface SettableForm {
  setErrors: (errors: Record<string, string>) => void;
  getValues: () => object;
}

/**
 * applyApiError puts a failed request's field problems next to the form's
 * fields and returns what is left to show above the form (or null). Paths like
 * "body.email" land on the form field "email"; fields the form does not have
 * are returned as text rather than lost.
 */
export function applyApiError(form: SettableForm, err: unknown): string | null {
  if (isApiError(err) && (err.status === 422 || err.status === 400 || err.status === 409) && err.problem.errors?.length) {
    const known = Object.keys(form.getValues());
    const { fields, general } = fieldErrors(err.problem, known);
    form.setErrors(fields);
    if (general.length > 0) return general.join(' ');
    return Object.keys(fields).length > 0 ? null : errorMessage(err);
  }
  return errorMessage(err);
}
