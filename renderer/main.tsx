import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createClient } from './api/client';
import { withSessionGuard } from './api/session-guard';
import { useApp } from './stores/app';
import './styles.css';

const api = withSessionGuard(
  createClient((link) => useApp.getState().setLink(link)),
  () => useApp.getState().session !== null,
  () => useApp.getState().setSession(null),
);
useApp.getState().setApi(api);
document.documentElement.lang = useApp.getState().locale;

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
