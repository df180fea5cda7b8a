import { createSignal, Show, type JSX } from 'solid-js';
import { createStore } from 'solid-js/store';
import { Alert } from '../ui/Alert.js';
import { Button } from '../ui/Button.js';
import { authStyles } from './AuthLayout.js';
import {
  describeAuthFailure,
  fieldErrorsFrom,
  type FieldErrors,
  type FormFailure,
  type IssueLike,
} from './formErrors.js';

/** A schema's safeParse result, kept structural so the client never imports zod. */
type Parsed<T> = { success: true; data: T } | { success: false; error: { issues: readonly IssueLike[] } };

/**
 * The state and submit flow shared by the sign-in and registration forms: the values of `fields`,
 * one error per field from the protocol schema, the server's failure, and the inputs to focus.
 */
export function createAuthForm<F extends string>(
  action: 'login' | 'register',
  fields: readonly F[],
  labels: Record<F, string>,
) {
  const [store, setStore] = createStore<Record<string, string>>(Object.fromEntries(fields.map((field) => [field, ''])));
  const values = store as Record<F, string>;
  const [errors, setErrors] = createSignal<FieldErrors<F>>({});
  const [failure, setFailure] = createSignal<FormFailure | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const inputs: Partial<Record<F, HTMLInputElement>> = {};

  const setValue = (field: F, value: string) => {
    setStore(field, value);
    if (errors()[field]) {
      const rest: FieldErrors<F> = { ...errors() };
      delete rest[field];
      setErrors(() => rest);
    }
    if (failure()?.field === field) setFailure(null);
  };

  /**
   * Validates with `parse` (field errors, focus on the first), then `send`s; a server failure is
   * described, shown and handed to `failed`.
   */
  async function submit<T>(
    event: SubmitEvent,
    parse: () => Parsed<T>,
    send: (data: T) => Promise<unknown>,
    failed: (failure: FormFailure) => void,
  ): Promise<void> {
    event.preventDefault();
    setFailure(null);
    const parsed = parse();
    if (!parsed.success) {
      const found = fieldErrorsFrom(parsed.error.issues, values, labels);
      setErrors(() => found);
      const first = fields.find((field) => found[field]);
      if (first) inputs[first]?.focus();
      return;
    }
    setErrors({});
    setSubmitting(true);
    try {
      await send(parsed.data);
    } catch (error) {
      const described = describeAuthFailure(error, action);
      setFailure(described);
      failed(described);
    } finally {
      setSubmitting(false);
    }
  }

  return { values, setValue, errors, failure, submitting, inputs, submit };
}

/** The server's failure above the form (`form-error`, which the inputs it names describe themselves by). */
export function FormFailureAlert(props: { failure: FormFailure | null }): JSX.Element {
  return (
    <Show when={props.failure}>
      {(shown) => (
        <Alert id="form-error" testId="form-error">
          {shown().message}
        </Alert>
      )}
    </Show>
  );
}

export function AuthSubmitButton(props: { submitting: boolean; busyLabel: string; label: string }): JSX.Element {
  return (
    <Button
      type="submit"
      variant="primary"
      block
      loading={props.submitting}
      data-testid="submit"
      class={authStyles.submit}
    >
      {props.submitting ? props.busyLabel : props.label}
    </Button>
  );
}
