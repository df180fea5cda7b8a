import { LoginBody } from '@parley/protocol';
import { A, Navigate, useSearchParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { login, session } from '../state/session.js';
import { Alert } from '../ui/Alert.js';
import { Button } from '../ui/Button.js';
import { TextField } from '../ui/TextField.js';
import { useTitle } from '../ui/useTitle.js';
import { AuthLayout, authStyles } from './AuthLayout.js';
import { describeAuthFailure, fieldErrorsFrom, type FieldErrors, type FormFailure } from './formErrors.js';
import { loginHref, safeNextPath } from './nextPath.js';

type Field = 'username' | 'password';
const LABELS: Record<Field, string> = { username: 'username', password: 'password' };

export function LoginPage() {
  const [params] = useSearchParams<{ next?: string }>();
  const next = () => safeNextPath(params.next);
  useTitle(() => 'Sign in');

  const [values, setValues] = createStore<Record<Field, string>>({ username: '', password: '' });
  const [errors, setErrors] = createSignal<FieldErrors<Field>>({});
  const [failure, setFailure] = createSignal<FormFailure | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const inputs: Partial<Record<Field, HTMLInputElement>> = {};

  const setValue = (field: Field, value: string) => {
    setValues(field, value);
    if (errors()[field]) setErrors({ ...errors(), [field]: undefined });
  };

  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    setFailure(null);
    const parsed = LoginBody.safeParse({ username: values.username.trim(), password: values.password });
    if (!parsed.success) {
      const found = fieldErrorsFrom(parsed.error.issues, values, LABELS);
      setErrors(found);
      const first = (['username', 'password'] as const).find((field) => found[field]);
      if (first) inputs[first]?.focus();
      return;
    }
    setErrors({});
    setSubmitting(true);
    try {
      await login(parsed.data);
      // The session now has a user: the <Show> below sends the page to `next`.
    } catch (error) {
      const described = describeAuthFailure(error, 'login');
      setFailure(described);
      setValues('password', '');
      inputs.password?.focus();
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <Show when={!session.user()} fallback={<Navigate href={next()} />}>
      <AuthLayout
        title="Welcome back"
        subtitle="Sign in to continue to Parley."
        footer={
          <>
            New to Parley? <A href={loginHref(next(), 'register')}>Create an account</A>
          </>
        }
      >
        <form
          class={authStyles.form}
          onSubmit={onSubmit}
          novalidate
          aria-describedby={failure() ? 'form-error' : undefined}
        >
          <Show when={failure()}>
            {(shown) => (
              <Alert id="form-error" testId="form-error">
                {shown().message}
              </Alert>
            )}
          </Show>
          <Show when={session.loadError() && !failure()}>
            <Alert tone="info">The server could not be reached just now. You can still try to sign in.</Alert>
          </Show>
          <TextField
            label="Username"
            name="username"
            testId="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            value={values.username}
            onValue={(value) => setValue('username', value.toLowerCase())}
            error={errors().username}
            ref={(el) => (inputs.username = el)}
            autofocus
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            testId="password"
            autocomplete="current-password"
            revealable
            value={values.password}
            onValue={(value) => setValue('password', value)}
            error={errors().password}
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
            {submitting() ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
      </AuthLayout>
    </Show>
  );
}
