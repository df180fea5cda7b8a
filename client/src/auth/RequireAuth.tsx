import { Navigate, useLocation, type RouteSectionProps } from '@solidjs/router';
import { Match, Switch } from 'solid-js';
import { session } from '../state/session.js';
import { FullPageSpinner } from '../ui/FullPageSpinner.js';
import { loginHref } from './nextPath.js';

/** Route layout for pages that need a logged-in user; others go to /login and come back after. */
export function RequireAuth(props: RouteSectionProps) {
  const location = useLocation();
  return (
    <Switch>
      <Match when={session.status() === 'loading' && !session.user()}>
        <FullPageSpinner label="Checking your session…" />
      </Match>
      <Match when={!session.user()}>
        <Navigate
          href={session.loggedOut() ? '/login' : loginHref(location.pathname + location.search + location.hash)}
        />
      </Match>
      <Match when={session.user()}>{props.children}</Match>
    </Switch>
  );
}
