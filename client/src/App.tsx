import { Route, Router } from '@solidjs/router';
import { LoginPage } from './auth/LoginPage.js';
import { RegisterPage } from './auth/RegisterPage.js';
import { RequireAuth } from './auth/RequireAuth.js';
import { ConversationPage } from './chat/ConversationPage.js';
import { MeetingPage } from './meeting/MeetingPage.js';
import { HomePane } from './shell/HomePane.js';
import { NotFoundPage } from './shell/NotFoundPage.js';
import { Shell } from './shell/Shell.js';

/**
 * Routes. Pages under <RequireAuth> need a session; the shell wraps the pages that live in its
 * main pane (home, a conversation). Meetings take the whole screen.
 */
export function App() {
  return (
    <Router>
      <Route path="/login" component={LoginPage} />
      <Route path="/register" component={RegisterPage} />
      <Route component={RequireAuth}>
        <Route path="/meet/:meetingId" component={MeetingPage} />
        <Route component={Shell}>
          <Route path="/" component={HomePane} />
          <Route path="/c/:conversationId" component={ConversationPage} />
        </Route>
      </Route>
      <Route path="*" component={NotFoundPage} />
    </Router>
  );
}
