import { render } from 'solid-js/web';
import { config as zodConfig } from 'zod';
import { App } from './App.js';
import { loadSession } from './state/session.js';
import './state/realtime.js';
import './styles/tokens.css';
import './styles/base.css';

// zod would probe for eval (`Function('')`) to compile its parsers: the Content Security Policy
// has no 'unsafe-eval', and the probe would be reported as a violation. Parse without it.
zodConfig({ jitless: true });

const root = document.getElementById('root');
if (!root) throw new Error('Parley: #root element missing from index.html');

void loadSession();
render(() => <App />, root);
