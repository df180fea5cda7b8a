import { RegisterBody } from '@parley/protocol';
import { A, Navigate, useSearchParams } from '@solidjs/router';
import { Show } from 'solid-js';
import { register, session } from '../state/session.js';
import { TextField } from '../ui/TextField.js';
import { useTitle } from '../ui/useTitle.js';
import { AuthLayout, authStyles } from './AuthLayout.js';
import { AuthSubmitButton, createAuthForm, FormFailureAlert } from './authForm.js';
import { loginHref, safeNextPath } from './nextPath.js';

type Field = 'displayName' | 'username' | 'password';
const FIELDS: readonly Field[] = ['displayName', 'username', 'password'];
const LABELS: Record<Field, string> = { displayName: 'display name', username: 'username', password: 'password' };

export function RegisterPage() {
  const [params] = useSearchParams<{ next?: string }>();
  const next = () => safeNextPath(params.next);
  useTitle(() => 'Create account');

  const form = createAuthForm('register', FIELDS, LABELS);
  const { values, setValue, errors, failure, inputs } = form;

  const onSubmit = (event: SubmitEvent) => {
    const displayName = values.displayName.trim();
    return form.submit(
      event,
      () =>
        RegisterBody.safeParse({
          username: values.username.trim(),
          password: values.password,
          ...(displayName ? { displayName } : {}),
        }),
      (body) => register(body),
      (described) => {
        const field = FIELDS.find((name) => name === described.field);
        if (field) inputs[field]?.focus();
      },
    );
  };

  /** The form-level message also describes the input it is about. */
  const failureFor = (field: Field) => (failure()?.field === field ? 'form-error' : undefined);
  /** What every input shows of the form's state. */
  const stateOf = (field: Field) => ({
    value: values[field],
    onValue: (value: string) => setValue(field, field === 'username' ? value.toLowerCase() : value),
    error: errors()[field],
    invalid: failure()?.field === field,
    describedBy: failureFor(field),
    ref: (el: HTMLInputElement) => (inputs[field] = el),
  });

  return (
    <Show when={!session.user()} fallback={<Navigate href={next()} />}>
      <AuthLayout
        title="Create your account"
        subtitle="Chat and meet with your people, on your own server."
        footer={
          <>
            Already have an account? <A href={loginHref(next())}>Sign in</A>
          </>
        }
      >
        <form class={authStyles.form} onSubmit={onSubmit} novalidate>
          <FormFailureAlert failure={failure()} />
          <TextField
            label="Display name"
            name="displayName"
            testId="display-name"
            autocomplete="name"
            optional
            hint="How other people see you. Defaults to your username."
            maxLength={64}
            {...stateOf('displayName')}
            autofocus
          />
          <TextField
            label="Username"
            name="username"
            testId="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            hint="3–32 characters: a–z, 0–9, and _ . -"
            {...stateOf('username')}
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            testId="password"
            autocomplete="new-password"
            revealable
            hint="At least 8 characters."
            {...stateOf('password')}
          />
          <AuthSubmitButton submitting={form.submitting()} busyLabel="Creating account…" label="Create account" />
        </form>
      </AuthLayout>
    </Show>
  );
}
