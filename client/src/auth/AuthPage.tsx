import { Navigate, useSearchParams } from '@solidjs/router';
import { Show, type JSX } from 'solid-js';
import { session } from '../state/session.js';
import { TextField, type TextFieldProps } from '../ui/TextField.js';
import { useTitle } from '../ui/useTitle.js';
import { AuthLayout } from './AuthLayout.js';
import { safeNextPath } from './nextPath.js';

/**
 * A page for people who are not signed in (sign in, create an account), in the auth frame. Once
 * the session has a user, the page goes on to `?next=` (a safe same-origin path, else `/`).
 */
export function AuthPage(props: {
  documentTitle: string;
  title: string;
  subtitle: string;
  /** Below the form: the link to the other auth page, keeping `next`. */
  footer: (next: string) => JSX.Element;
  children: JSX.Element;
}): JSX.Element {
  const [params] = useSearchParams<{ next?: string }>();
  const next = () => safeNextPath(params.next);
  useTitle(() => props.documentTitle);
  return (
    <Show when={!session.user()} fallback={<Navigate href={next()} />}>
      <AuthLayout title={props.title} subtitle={props.subtitle} footer={props.footer(next())}>
        {props.children}
      </AuthLayout>
    </Show>
  );
}

/** The username input of both forms: lower case, no autocapitalisation or spell check. */
export function UsernameField(props: Omit<TextFieldProps, 'label' | 'name'>): JSX.Element {
  return (
    <TextField
      label="Username"
      name="username"
      testId="username"
      autocomplete="username"
      autocapitalize="none"
      spellcheck={false}
      {...props}
      onValue={(value) => props.onValue(value.toLowerCase())}
    />
  );
}
