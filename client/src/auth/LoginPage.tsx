import { LoginBody } from '@parley/protocol';
import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { login, session } from '../state/session.js';
import { Alert } from '../ui/Alert.js';
import { TextField } from '../ui/TextField.js';
import { authStyles } from './AuthLayout.js';
import { AuthPage, UsernameField } from './AuthPage.js';
import { AuthSubmitButton, createAuthForm, FormFailureAlert } from './authForm.js';
import { loginHref } from './nextPath.js';

type Field = 'username' | 'password';
const FIELDS: readonly Field[] = ['username', 'password'];
const LABELS: Record<Field, string> = { username: 'username', password: 'password' };

export function LoginPage() {
  const form = createAuthForm('login', FIELDS, LABELS);
  const { values, setValue, errors, failure, inputs } = form;

  const onSubmit = (event: SubmitEvent) =>
    void form.submit(
      event,
      () => LoginBody.safeParse({ username: values.username.trim(), password: values.password }),
      // The session then has a user: the <Show> below sends the page to `next`.
      (body) => login(body),
      () => {
        setValue('password', '');
        inputs.password?.focus();
      },
    );

  return (
    <AuthPage
      documentTitle="Sign in"
      title="Welcome back"
      subtitle="Sign in to continue to Parley."
      footer={(next) => (
        <>
          New to Parley? <A href={loginHref(next, 'register')}>Create an account</A>
        </>
      )}
    >
      <form
        class={authStyles.form}
        onSubmit={onSubmit}
        novalidate
        aria-describedby={failure() ? 'form-error' : undefined}
      >
        <FormFailureAlert failure={failure()} />
        <Show when={session.loadError() && !failure()}>
          <Alert tone="info">The server could not be reached just now. You can still try to sign in.</Alert>
        </Show>
        <UsernameField
          value={values.username}
          onValue={(value) => setValue('username', value)}
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
        <AuthSubmitButton submitting={form.submitting()} busyLabel="Signing in…" label="Sign in" />
      </form>
    </AuthPage>
  );
}
