import { RegisterBody } from '@parley/protocol';
import { A, Navigate, useSearchParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { register, session } from '../state/session.js';
import { Alert } from '../ui/Alert.js';
import { Button } from '../ui/Button.js';
import { TextField } from '../ui/TextField.js';
import { useTitle } from '../ui/useTitle.js';
import { AuthLayout, authStyles } from './AuthLayout.js';
import { describeAuthFailure, fieldErrorsFrom, type FieldErrors, type FormFailure } from './formErrors.js';
import { loginHref, safeNextPath } from './nextPath.js';

type Field = 'displayName' | 'username' | 'password';
const FIELDS: readonly Field[] = ['displayName', 'username', 'password'];
const LABELS: Record<Field, string> = { displayName: 'display name', username: 'username', password: 'password' };

export function RegisterPage() {
  const [params] = useSearchParams<{ next?: string }>();
  const next = () => safeNextPath(params.next);
  useTitle(() => 'Create account');

  const [values, setValues] = createStore<Record<Field, string>>({ displayName: '', username: '', password: '' });
  const [errors, setErrors] = createSignal<FieldErrors<Field>>({});
  const [failure, setFailure] = createSignal<FormFailure | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const inputs: Partial<Record<Field, HTMLInputElement>> = {};

  const setValue = (field: Field, value: string) => {
    setValues(field, value);
    if (errors()[field]) setErrors({ ...errors(), [field]: undefined });
    if (failure()?.field === field) setFailure(null);
  };

  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    setFailure(null);
    const displayName = values.displayName.trim();
    const parsed = RegisterBody.safeParse({
      username: values.username.trim(),
      password: values.password,
      ...(displayName ? { displayName } : {}),
    });
    if (!parsed.success) {
      const found = fieldErrorsFrom(parsed.error.issues, values, LABELS);
      setErrors(found);
      const first = FIELDS.find((field) => found[field]);
      if (first) inputs[first]?.focus();
      return;
    }
    setErrors({});
    setSubmitting(true);
    try {
      await register(parsed.data);
    } catch (error) {
      const described = describeAuthFailure(error, 'register');
      setFailure(described);
      const field = FIELDS.find((name) => name === described.field);
      if (field) inputs[field]?.focus();
    } finally {
      setSubmitting(false);
    }
  }

  /** The form-level message also describes the input it is about. */
  const failureFor = (field: Field) => (failure()?.field === field ? 'form-error' : undefined);

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
          <Show when={failure()}>
            {(shown) => (
              <Alert id="form-error" testId="form-error">
                {shown().message}
              </Alert>
            )}
          </Show>
          <TextField
            label="Display name"
            name="displayName"
            testId="display-name"
            autocomplete="name"
            optional
            hint="How other people see you. Defaults to your username."
            maxLength={64}
            value={values.displayName}
            onValue={(value) => setValue('displayName', value)}
            error={errors().displayName}
            invalid={failure()?.field === 'displayName'}
            describedBy={failureFor('displayName')}
            ref={(el) => (inputs.displayName = el)}
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
            value={values.username}
            onValue={(value) => setValue('username', value.toLowerCase())}
            error={errors().username}
            invalid={failure()?.field === 'username'}
            describedBy={failureFor('username')}
            ref={(el) => (inputs.username = el)}
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            testId="password"
            autocomplete="new-password"
            revealable
            hint="At least 8 characters."
            value={values.password}
            onValue={(value) => setValue('password', value)}
            error={errors().password}
            invalid={failure()?.field === 'password'}
            describedBy={failureFor('password')}
            ref={(el) => (inputs.password = el)}
          />
          <Button
            type="submit"
            variant="primary"
            block
            loading={submitting()}
            data-testid="submit"
            class={authStyles.submit}
          >
            {submitting() ? 'Creating account…' : 'Create account'}
          </Button>
        </form>
      </AuthLayout>
    </Show>
  );
}
