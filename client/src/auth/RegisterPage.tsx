import { RegisterBody } from '@parley/protocol';
import { A } from '@solidjs/router';
import { register } from '../state/session.js';
import { TextField } from '../ui/TextField.js';
import { authStyles } from './AuthLayout.js';
import { AuthPage, UsernameField } from './AuthPage.js';
import { AuthSubmitButton, createAuthForm, FormFailureAlert } from './authForm.js';
import { loginHref } from './nextPath.js';

type Field = 'displayName' | 'username' | 'password';
const FIELDS: readonly Field[] = ['displayName', 'username', 'password'];
const LABELS: Record<Field, string> = { displayName: 'display name', username: 'username', password: 'password' };

export function RegisterPage() {
  const form = createAuthForm('register', FIELDS, LABELS);
  const { values, setValue, errors, failure, inputs } = form;

  const onSubmit = (event: SubmitEvent) => {
    const displayName = values.displayName.trim();
    void form.submit(
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
    onValue: (value: string) => setValue(field, value),
    error: errors()[field],
    invalid: failure()?.field === field,
    describedBy: failureFor(field),
    ref: (el: HTMLInputElement) => (inputs[field] = el),
  });

  return (
    <AuthPage
      documentTitle="Create account"
      title="Create your account"
      subtitle="Chat and meet with your people, on your own server."
      footer={(next) => (
        <>
          Already have an account? <A href={loginHref(next)}>Sign in</A>
        </>
      )}
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
        <UsernameField hint="3–32 characters: a–z, 0–9, and _ . -" {...stateOf('username')} />
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
    </AuthPage>
  );
}
