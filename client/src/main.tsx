import './zodSetup.js';
// First: the session check and the socket start before the rest of the app is evaluated.
import { loadSession } from './state/session.js';
import './state/realtime.js';
import { render } from 'solid-js/web';
import { App } from './App.js';
import { preloadSfuForPage } from './meeting/session/registerSfu.js';
import './styles/tokens.css';
import './styles/base.css';

const root = document.getElementById('root');
if (!root) throw new Error('Parley: #root element missing from index.html');

void loadSession();
preloadSfuForPage(location.pathname);
render(() => <App />, root);
