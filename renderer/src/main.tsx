/**
 * Renderer entry point. Runs in a sandboxed page (no Node APIs) under a strict CSP:
 * - zodConfig (imported first) switches zod to jitless mode: no `new Function` probe under the CSP;
 * - the app resolves its API connection (desktop bridge or `#token=`) before routing.
 */
import './zodConfig';
import './state/theme'; // applies the theme (system or stored choice) before the first paint
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
