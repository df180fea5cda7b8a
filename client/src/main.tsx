import './zodSetup.js';
import { render } from 'solid-js/web';
import { App } from './App.js';
import { loadSession } from './state/session.js';
import './state/realtime.js';
import './styles/tokens.css';
import './styles/base.css';

const root = document.getElementById('root');
if (!root) throw new Error('Parley: #root element missing from index.html');

void loadSession();
render(() => <App />, root);
